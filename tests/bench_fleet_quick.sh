#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: bench/fleet.sh --quick: 2 branches on SymmetricDS's own engine under a write load, one offline and back, every figure a number
# The smoke test of issue 20's fleet benchmark (bench/fleet.sh, bench/scale/Fleet.java) in
# the test command: a master (the bundled site, 2,000 generated rows of 16 companies, the
# runtime layout, its engine file from frappe_sds.sds_engine_properties) and 2 branches on
# one more mariadbd, every engine in one JVM (internal transport, 1 s job periods); 30 s of
# 10 invoices/s, then 30 s with the second branch's engine stopped, then its catch-up.
# Fails unless every branch ends with exactly its company's rows of the tables the load
# writes, every branch caught up, and every figure line was produced with a number.
# ~2-3 minutes. Exit 77 (skipped) when ../shared/symmetricds is absent
# (tests/lib/symmetricds.sh).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
nice -n 5 bench/fleet.sh --quick
