#!/usr/bin/env bash
# `make lti-demo`: the app as `make run` serves it, with a test LTI 1.3 platform beside it on
# http://127.0.0.1:$LTI_PORT (8800). The platform is tests/lti/platform.py (built on the
# lti1p3platform package, a test-only dependency); it is registered with the tool, its course
# "course-1" opens the demo course, and its page lists launches (learner, instructor, deep
# linking) and the grades it received. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PORT=${PORT:-8000}
LTI_PORT=${LTI_PORT:-8800}
PLATFORM="http://127.0.0.1:$LTI_PORT"
PY=.venv/bin/python
[ -x "$PY" ] || die "no virtualenv: run \`make venv\` first"

"$PY" manage.py migrate --noinput >/dev/null
"$PY" manage.py seed_demo >/dev/null
"$PY" manage.py lti_platform --name "Test LMS (demo)" --issuer "$PLATFORM" \
    --client-id special-exams-client --deployment deployment-1 \
    --auth-login-url "$PLATFORM/auth" --auth-token-url "$PLATFORM/token" \
    --key-set-url "$PLATFORM/jwks" --attach "course-1=course-v1:Demo+Exams+2026"

"$PY" -m tests.lti.platform --tool "http://127.0.0.1:$PORT" --port "$LTI_PORT" &
PLATFORM_PID=$!
trap 'kill "$PLATFORM_PID" 2>/dev/null || true' EXIT
echo "==> test LTI platform on $PLATFORM/ (open it to launch the tool)"
PORT=$PORT scripts/run.sh
