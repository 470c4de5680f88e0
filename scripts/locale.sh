#!/usr/bin/env bash
# `make locale`: compile the shipped translations (exams/locale/<language>/LC_MESSAGES/*.po) into the
# .mo files Django reads. Part of the build (`make run`, `make test`), never done at run time.
# Needs GNU gettext's msgfmt: installed from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

command -v msgfmt >/dev/null 2>&1 || apt_install gettext
command -v msgfmt >/dev/null 2>&1 || die "msgfmt not found after installing gettext"
# --check-format: a translation that loses or changes a placeholder fails the build.
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
echo "translations compiled: $(find exams/locale -name '*.mo' | wc -l) catalogs"
