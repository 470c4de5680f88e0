#!/usr/bin/env bash
# `make run`: migrate, seed the demo course and users, then serve the app on
# http://127.0.0.1:$PORT with a Celery worker (and embedded beat) beside it.
#
# The embedded default needs nothing else running: SQLite in $VAR_DIR and kombu's filesystem
# broker (folders under $VAR_DIR/broker, made by the settings). Ctrl-C or SIGTERM stops both
# the server and the worker.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PORT=${PORT:-8000}
VAR_DIR=${VAR_DIR:-var}
PY=.venv/bin/python
[ -x "$PY" ] || die "no virtualenv: run \`make venv\` first"
mkdir -p "$VAR_DIR"

step "migrate"
"$PY" manage.py migrate --noinput

step "seed_demo: demo course and users"
"$PY" manage.py seed_demo

SERVER_PID=""
WORKER_PID=""

# Stop one process group: TERM, then KILL after a grace period.
stop_group() {
    local pid=$1 name=$2 i
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    echo "stopping the $name"
    kill -TERM -- "-$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

stop_all() {
    trap - INT TERM EXIT
    stop_group "$SERVER_PID" "web server"
    stop_group "$WORKER_PID" "Celery worker"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

# Each runs in its own session (setsid), so that stopping it reaches its children too
# (runserver's autoreloader runs the server in a child process; beat runs in one).
step "Celery worker with embedded beat (solo pool: one task at a time, for SQLite)"
setsid "$PY" -m celery -A settings worker --beat --pool=solo --loglevel=info \
    --schedule="$VAR_DIR/celerybeat-schedule" &
WORKER_PID=$!

step "web server on http://127.0.0.1:$PORT/ (Ctrl-C stops it and the worker)"
setsid "$PY" manage.py runserver "127.0.0.1:$PORT" &
SERVER_PID=$!

# When either one ends, stop the other.
status=0
wait -n "$SERVER_PID" "$WORKER_PID" || status=$?
echo "the web server or the worker exited (status $status)" >&2
stop_all
exit "$status"
