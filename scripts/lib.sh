# Shared helpers for the scripts in this folder. Source it; it defines functions only.
# shellcheck shell=bash

# Print a banner naming the step that is about to run.
step() {
    printf '\n==> %s\n' "$*"
}

# Print an error and exit.
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Run a command as root: directly when we are root, else through non-interactive sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

_APT_UPDATED=0

# apt_update_once: `apt-get update`, at most once per run.
apt_update_once() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install the packages by hand"
    as_root true || die "need root (or passwordless sudo) to install Debian packages"
    if [ "$_APT_UPDATED" -eq 0 ]; then
        echo "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
        _APT_UPDATED=1
    fi
}

# apt_install PACKAGE...: install Debian packages (noninteractive), after `apt-get update`.
# Services that the packages would start are not started: a temporary policy-rc.d forbids
# it, as the tests start throwaway servers of their own.
apt_install() {
    apt_update_once
    local policy=/usr/sbin/policy-rc.d made_policy=0 rc=0
    if [ ! -e "$policy" ]; then
        as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" && made_policy=1
    fi
    echo "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" ||
        rc=$?
    if [ "$made_policy" -eq 1 ]; then
        as_root rm -f "$policy"
    fi
    [ "$rc" -eq 0 ] || die "apt-get install $* failed"
}

# apt_has PACKAGE: true when the package can be installed from the apt lists.
apt_has() {
    apt_update_once
    apt-cache show "$1" >/dev/null 2>&1 &&
        [ -n "$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}' | grep -v '(none)')" ]
}

# free_port: print a TCP port on 127.0.0.1 that is free right now.
free_port() {
    "${PYTHON:-python3}" - <<'EOF'
import socket

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

# wait_for_port PORT SECONDS: wait until something accepts TCP connections on 127.0.0.1:PORT.
wait_for_port() {
    local port=$1 deadline=$((SECONDS + $2))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}
