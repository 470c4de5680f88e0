#!/usr/bin/env bash
# `make messages`: gather every string marked for translation into the shipped languages'
# catalogs (exams/locale/<language>/LC_MESSAGES/django.po for Python and templates, djangojs.po for
# the pages' scripts), keeping the translations already there. Translate what it adds, then
# `make locale`. tests/test_translations.py fails while a marked string has no translation.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

command -v xgettext >/dev/null 2>&1 || apt_install gettext
languages=$(.venv/bin/python -c 'import os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.base"); import django; django.setup(); from django.conf import settings; print(" ".join("-l " + c for c, _ in settings.LANGUAGES if c != settings.LANGUAGE_CODE))')
ignore=(--ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore=var --ignore=docs)
# shellcheck disable=SC2086
.venv/bin/python manage.py makemessages $languages "${ignore[@]}" --no-obsolete
# shellcheck disable=SC2086
.venv/bin/python manage.py makemessages -d djangojs $languages "${ignore[@]}" --no-obsolete
