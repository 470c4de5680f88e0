#!/usr/bin/env bash
# `make bench`: throwaway PostgreSQL and Redis (as for the tests), a fresh database, then the
# benchmarks in bench/. Results go to var/bench/results.json; docs/benchmarks.md explains them.
# Not part of `make test`. Pass options through BENCH_ARGS, e.g. BENCH_ARGS="--csv-attempts 100000".
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/services.sh

trap services_stop EXIT
step "Debian packages (installed only when missing)"
services_install
# The load generator of the HTTP cases.
command -v wrk >/dev/null 2>&1 || apt_install wrk
command -v wrk >/dev/null 2>&1 || die "wrk not found after install"
step "Python virtualenv (.venv)"
"${MAKE:-make}" --no-print-directory venv
step "throwaway PostgreSQL and Redis"
services_start
export MEDIA_ROOT="$SERVICES_DIR/media"
step "migrate"
.venv/bin/python manage.py migrate --noinput -v0
step "benchmarks"
# shellcheck disable=SC2086
.venv/bin/python -m bench.run ${BENCH_ARGS:-}
