# Throwaway PostgreSQL and Redis for tests and benchmarks. Source it (after scripts/lib.sh):
#
#     . scripts/lib.sh; . scripts/services.sh
#     services_install                 # Debian packages, only those missing
#     trap services_stop EXIT
#     services_start                   # exports DATABASE_URL, REDIS_URL, CELERY_BROKER_URL
#
# Both servers listen on 127.0.0.1 only, on free ports, with all their files (data, sockets,
# logs) in one temporary folder that services_stop removes. Nothing is persisted.
# shellcheck shell=bash

SERVICES_DIR=${SERVICES_DIR:-}
PG_BIN=${PG_BIN:-}
PG_DIR=""
REDIS_PID=""
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}

# pg_bindir: print the folder of PostgreSQL's server binaries (initdb, pg_ctl), 15 preferred.
pg_bindir() {
    local dir
    for dir in "$PG_BIN" /usr/lib/postgresql/15/bin \
        $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return 0
    fi
    return 1
}

# services_install: install redis-server, chromium and PostgreSQL 15 when they are missing.
services_install() {
    local missing=()
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    [ -x "$CHROMIUM" ] || missing+=(chromium)
    if ! pg_bindir >/dev/null; then
        if apt_has postgresql-15; then missing+=(postgresql-15); else missing+=(postgresql); fi
    fi
    if [ "${#missing[@]}" -eq 0 ]; then
        echo "redis-server, chromium and PostgreSQL are installed"
    else
        apt_install "${missing[@]}"
    fi
    pg_bindir >/dev/null || die "PostgreSQL server binaries not found after install"
    command -v redis-server >/dev/null 2>&1 || die "redis-server not found after install"
    [ -x "$CHROMIUM" ] || die "$CHROMIUM not found after install"
}

# as_postgres COMMAND...: PostgreSQL refuses to run as root, so as root run it as `postgres`.
as_postgres() {
    if [ "$(id -u)" -ne 0 ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u postgres -- "$@"
    else
        su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
    fi
}

_services_dir() {
    if [ -z "$SERVICES_DIR" ]; then
        SERVICES_DIR=$(mktemp -d "${TMPDIR:-/tmp}/exams-services.XXXXXX")
        chmod 755 "$SERVICES_DIR" # the postgres user must reach its folder inside
    fi
}

# pg_start: a new cluster whose superuser `exams` (trust auth) owns the database `exams`.
pg_start() {
    local bindir port
    bindir=$(pg_bindir) || die "PostgreSQL server binaries not found"
    _services_dir
    PG_DIR="$SERVICES_DIR/postgres"
    mkdir -p "$PG_DIR"
    if [ "$(id -u)" -eq 0 ]; then
        if ! id -u postgres >/dev/null 2>&1; then
            useradd --system --user-group --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin postgres
        fi
        chown postgres: "$PG_DIR"
    fi
    port=$(free_port)
    local opts="-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    # cd: the postgres user may not be allowed into the current directory.
    if ! (cd "$PG_DIR" && as_postgres "$bindir/initdb" --pgdata="$PG_DIR/data" \
        --username=exams --auth=trust --encoding=UTF8 --no-locale --no-sync \
        >"$PG_DIR/initdb.log" 2>&1); then
        cat "$PG_DIR/initdb.log" >&2
        die "initdb failed"
    fi
    if ! (cd "$PG_DIR" && as_postgres "$bindir/pg_ctl" --pgdata="$PG_DIR/data" \
        --log="$PG_DIR/postgres.log" --wait --timeout=60 \
        --options="$opts" start >/dev/null); then
        cat "$PG_DIR/postgres.log" >&2
        die "PostgreSQL did not start"
    fi
    "$bindir/createdb" --host=127.0.0.1 --port="$port" --username=exams exams ||
        die "createdb failed"
    export DATABASE_URL="postgres://exams@127.0.0.1:$port/exams"
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

pg_stop() {
    [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ] || return 0
    local bindir
    bindir=$(pg_bindir) || return 0
    (cd "$PG_DIR" && as_postgres "$bindir/pg_ctl" --pgdata="$PG_DIR/data" --mode=immediate \
        --wait stop >/dev/null 2>&1) || true
}

# redis_start: a Redis without persistence; also the Celery broker.
redis_start() {
    local port dir
    _services_dir
    dir="$SERVICES_DIR/redis"
    mkdir -p "$dir"
    port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$dir" \
        --logfile "$dir/redis.log" --daemonize no >/dev/null 2>&1 &
    REDIS_PID=$!
    if ! wait_for_port "$port" 30; then
        cat "$dir/redis.log" >&2
        die "Redis did not start"
    fi
    export REDIS_URL="redis://127.0.0.1:$port/0"
    export CELERY_BROKER_URL="$REDIS_URL"
    echo "Redis $(redis-server --version | awk '{sub("v=", "", $3); print $3}') on 127.0.0.1:$port"
}

redis_stop() {
    [ -n "$REDIS_PID" ] || return 0
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
}

services_start() {
    pg_start
    redis_start
    _services_watchdog
}

WATCHDOG_PID=""

# A process in its own session that stops the servers if this shell dies without running
# services_stop (SIGKILL, or a SIGTERM while a foreground command holds the trap back).
_services_watchdog() {
    local pg_ctl="" as_root=0
    pg_ctl="$(pg_bindir)/pg_ctl" || true
    [ "$(id -u)" -eq 0 ] && as_root=1
    # shellcheck disable=SC2016  # expanded by the watchdog's own shell
    setsid bash -c '
        parent=$1 dir=$2 redis_pid=$3 pg_ctl=$4 as_root=$5
        while kill -0 "$parent" 2>/dev/null; do sleep 1; done
        if [ -n "$redis_pid" ] && [ "$(cat "/proc/$redis_pid/comm" 2>/dev/null)" = redis-server ]
        then
            kill "$redis_pid"
        fi
        if [ -f "$dir/postgres/data/postmaster.pid" ]; then
            if [ "$as_root" = 1 ]; then
                (cd / && runuser -u postgres -- "$pg_ctl" -D "$dir/postgres/data" -m immediate stop)
            else
                "$pg_ctl" -D "$dir/postgres/data" -m immediate stop
            fi
        fi
        rm -rf "$dir"
    ' services-watchdog "$$" "$SERVICES_DIR" "$REDIS_PID" "$pg_ctl" "$as_root" \
        </dev/null >/dev/null 2>&1 &
    WATCHDOG_PID=$!
}

# services_stop: stop both servers and delete their files. Safe to call more than once.
services_stop() {
    if [ -n "$WATCHDOG_PID" ]; then
        kill "$WATCHDOG_PID" 2>/dev/null || true
        wait "$WATCHDOG_PID" 2>/dev/null || true
        WATCHDOG_PID=""
    fi
    redis_stop
    pg_stop
    if [ -n "$SERVICES_DIR" ]; then
        rm -rf "$SERVICES_DIR"
        SERVICES_DIR=""
    fi
    PG_DIR=""
}
