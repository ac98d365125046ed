# shellcheck shell=bash
# SymmetricDS 3.15.9's own engine for the tests that run it
# (tests/symmetricds_e2e.sh, tests/symemu_vs_engine.sh). Source with ROOT set;
#   symmetricds_build TOOL   find ../shared/symmetricds (it must have TOOL: build.sh
#                            or symoracle) and build the engine once into the cache
#                            (flock: one build at a time); sets SDS (the source
#                            folder), BUILD (the built engine) and CP (its class
#                            path). Exits 77 (skipped, with the reason) when
#                            SymmetricDS is not there, 1 when its build fails.
#   SYMMETRICDS_HOME   the folder with build.sh (default: ../shared/symmetricds beside the
#                      checkout, or beside the main checkout of a git worktree)
#   FRAPPE_SDS_CACHE   where the engine is built once and reused (default
#                      /var/cache/frappe_sds, else ~/.cache/frappe_sds)

symmetricds_build() {
    local tool="$1" c cache
    SDS=${SYMMETRICDS_HOME:-}
    if [ -z "$SDS" ]; then
        for c in "$ROOT/../shared/symmetricds" \
                 "$(cd "$(git -C "$ROOT" rev-parse --git-common-dir 2>/dev/null)/.." 2>/dev/null && pwd)/../shared/symmetricds"; do
            [ -x "$c/build.sh" ] && { SDS=$(cd "$c" && pwd); break; }
        done
    fi
    if [ -z "$SDS" ] || [ ! -x "$SDS/$tool" ]; then
        echo "skipped: SymmetricDS not found (no ../shared/symmetricds/$tool beside the checkout; set SYMMETRICDS_HOME to the folder with build.sh)"
        exit 77
    fi
    cache=${FRAPPE_SDS_CACHE:-/var/cache/frappe_sds}
    mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || cache=$HOME/.cache/frappe_sds
    BUILD=$cache/symmetricds
    mkdir -p "$BUILD" || { echo "skipped: cannot create $BUILD"; exit 77; }
    # build.sh is idempotent (does nothing when the jar is up to date)
    ( flock 9; "$SDS/build.sh" "$BUILD" ) 9>"$cache/.symmetricds.lock" >"$cache/symmetricds-build.log" 2>&1 || {
        tail -n 20 "$cache/symmetricds-build.log"; echo "FAIL: building SymmetricDS from $SDS"; exit 1; }
    CP=$(cat "$BUILD/classpath.txt")
}
