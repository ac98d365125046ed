#!/bin/bash
# Install the build/test dependencies (Debian 12) if any is missing. Idempotent:
# does nothing (and needs no network) when everything is installed.
# Never starts the system mariadb service: while apt runs, a policy-rc.d that
# denies service starts is put in place (unless one exists already).
set -euo pipefail

# (extra packages a test needs may be named as arguments:
#  scripts/deps.sh galera-4 rsync)
PKGS=(mariadb-server mariadb-test libmariadb-dev libmariadbd-dev cmake gcc make
      pkg-config gzip python3 perl "$@")

missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all present (${PKGS[*]})"
    exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: missing ${missing[*]} and not root (no sudo)" >&2; exit 1; }
    SUDO=sudo
fi

echo "deps: installing ${missing[*]}"
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
    # 101 = action not allowed: invoke-rc.d will not start mariadb after install
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
fi
cleanup() { [ $created_policy = 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d; true; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
echo "deps: done"
