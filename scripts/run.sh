#!/usr/bin/env bash
# `make run`: migrate, seed the demo course and users, then serve the app on
# http://127.0.0.1:$PORT with a Celery worker and Celery beat (the sweeps' clock) beside it.
#
# The embedded default needs nothing else running: SQLite in $VAR_DIR and kombu's filesystem
# broker (folders under $VAR_DIR/broker, made by the settings). Ctrl-C, or a TERM to this
# script or to its process group, stops the server, the worker and beat; if any one of them
# exits, the others are stopped too (a dead beat would otherwise stop every sweep silently); if
# this script dies without its traps (SIGKILL), a watchdog stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PORT=${PORT:-8000}
VAR_DIR=${VAR_DIR:-var}
SITE_URL="http://127.0.0.1:$PORT"
PY=.venv/bin/python
[ -x "$PY" ] || die "no virtualenv: run \`make venv\` first"
mkdir -p "$VAR_DIR"
# The address sent to proctoring providers for their callbacks: this server, on this port.
export PROCTORING_CALLBACK_BASE_URL=${PROCTORING_CALLBACK_BASE_URL:-$SITE_URL}

# The process groups this run started, one per line: what the traps and the watchdog stop.
GROUPS_FILE=$(mktemp "${TMPDIR:-/tmp}/exams-run.XXXXXX")

# Stop every process group in the file: TERM, then KILL after a grace period.
stop_groups() {
    local pgid i alive
    while read -r pgid; do
        [ -n "$pgid" ] && kill -TERM -- "-$pgid" 2>/dev/null || true
    done <"$GROUPS_FILE"
    for i in $(seq 1 100); do
        alive=0
        while read -r pgid; do
            [ -n "$pgid" ] && kill -0 -- "-$pgid" 2>/dev/null && alive=1
        done <"$GROUPS_FILE"
        [ "$alive" -eq 0 ] && break
        sleep 0.1
    done
    while read -r pgid; do
        [ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null || true
    done <"$GROUPS_FILE"
}

stop_all() {
    trap - INT TERM EXIT
    echo "stopping the web server, the Celery worker and Celery beat"
    stop_groups
    [ -n "${WATCHDOG_PID:-}" ] && kill "$WATCHDOG_PID" 2>/dev/null
    rm -f "$GROUPS_FILE"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

# Started in a session of its own (setsid) that records its process group first, so that
# stopping it reaches its children too (runserver's autoreloader runs the server in a child
# process), and nothing started is ever unknown to the traps.
start_group() {
    setsid bash -c 'echo $$ >>"$0"; exec "$@"' "$GROUPS_FILE" "$@" &
}

# Stops the groups if this script is gone without its traps having run.
# shellcheck disable=SC2016  # expanded by the watchdog's own shell
setsid bash -c '
    parent=$1 file=$2
    while kill -0 "$parent" 2>/dev/null; do sleep 0.5; done
    sleep 0.5
    [ -f "$file" ] || exit 0
    while read -r pgid; do [ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null; done <"$file"
    rm -f "$file"
' run-watchdog "$$" "$GROUPS_FILE" </dev/null >/dev/null 2>&1 &
WATCHDOG_PID=$!

step "migrate"
"$PY" manage.py migrate --noinput

step "seed_demo: demo course and users"
"$PY" manage.py seed_demo --site-url "$SITE_URL"

step "Celery worker (solo pool: one task at a time, for SQLite)"
start_group "$PY" -m celery -A settings worker --pool=solo --loglevel=info
WORKER_PID=$!

# Beat is its own process, as in production: it only publishes the sweeps on their schedule.
step "Celery beat: the periodic sweeps (expiry, pending callbacks, report recovery, ...)"
start_group "$PY" -m celery -A settings beat --loglevel=info \
    --schedule="$VAR_DIR/celerybeat-schedule"
BEAT_PID=$!

step "web server on $SITE_URL/ (Ctrl-C stops it, the worker and beat)"
start_group "$PY" manage.py runserver "127.0.0.1:$PORT"
SERVER_PID=$!

# When any one ends, stop the others.
status=0
wait -n "$SERVER_PID" "$WORKER_PID" "$BEAT_PID" || status=$?
echo "the web server, the worker or beat exited (status $status); stopping the others" >&2
stop_all
exit "$status"
