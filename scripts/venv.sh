#!/usr/bin/env bash
# Create the virtualenv (.venv) with $PYTHON and install requirements-dev.txt into it.
# Called by `make venv`, which reruns it only when a requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found (set PYTHON=python3.11)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    die "$PYTHON is $("$PYTHON" -V 2>&1); Python 3.11 or newer is needed (set PYTHON=...)"

# A virtualenv whose interpreter no longer runs (moved, or made on another machine) is rebuilt.
if [ -e "$VENV" ] && ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
    echo "$VENV is broken: recreating it"
    rm -rf "$VENV"
fi

if [ ! -e "$VENV/bin/python" ]; then
    # Debian's python3 leaves out venv/ensurepip: they come with python3.X-venv.
    if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        apt_install "python$version-venv"
    fi
    echo "creating $VENV with $("$PYTHON" -V 2>&1)"
    "$PYTHON" -m venv "$VENV"
fi

echo "installing requirements-dev.txt into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
