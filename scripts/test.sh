#!/usr/bin/env bash
# `make test`: everything the tests need, then lint, types and the whole suite.
#
#  1. Debian packages when missing (redis-server, chromium, PostgreSQL 15 server, npm)
#  2. the virtualenv (`make venv`), node_modules (`make node-deps`: axe-core) and the compiled
#     translations (`make locale`)
#  3. a throwaway PostgreSQL and Redis on 127.0.0.1 (scripts/services.sh)
#  4. `make check`
#  5. the whole pytest suite on PostgreSQL + Redis
#  6. the smoke tests on the embedded default (SQLite, filesystem broker)
#
# The servers and their files are removed on exit, also after a failure or Ctrl-C.
# Every step runs even if an earlier check failed; the exit status is non-zero if any did.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/services.sh

MAKE=${MAKE:-make}
PYTEST=(.venv/bin/python -m pytest)
failed=()

trap services_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "1/6 Debian packages (installed only when missing)"
services_install
# npm (with Node.js) installs the browser tests' axe-core.
command -v npm >/dev/null 2>&1 || apt_install npm

step "2/6 Python virtualenv (.venv), the browser tests' JavaScript tools (node_modules), translations"
"$MAKE" --no-print-directory venv node-deps locale ||
    die "could not install the test dependencies"
# (make locale installs GNU gettext: the translation tests also gather the strings afresh.)

step "3/6 throwaway PostgreSQL and Redis"
services_start
# Browser tests drive Debian's Chromium through Playwright (no browser download).
export CHROMIUM_PATH="$CHROMIUM"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

step "4/6 make check: ruff, ruff format, mypy, import-linter, missing migrations"
"$MAKE" --no-print-directory --keep-going check || failed+=("make check")

step "5/6 pytest: the whole suite on PostgreSQL and Redis"
"${PYTEST[@]}" || failed+=("pytest on PostgreSQL")

step "6/6 pytest -m smoke: the embedded default (SQLite, filesystem broker)"
env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL "${PYTEST[@]}" -m smoke ||
    failed+=("pytest -m smoke on SQLite")

if [ "${#failed[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
