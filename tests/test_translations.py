"""Every string marked for translation is translated in every shipped language.

The marked strings are gathered afresh (Django's makemessages, as `make messages` runs it) in a
copy of the source, merged with the shipped catalogs, and every entry must then have a
translation that is neither empty nor fuzzy. A new string without one fails here until it is
translated. The shipped catalogs must also compile with their placeholders intact."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[1]
SOURCES = (
    "exams",
    "proctoring",
    "reports",
    "lti",
    "health",
    "settings",
    "templates",
    "static",
    "manage.py",
)
SHIPPED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
DOMAINS = ("django", "djangojs")
# The catalogs ship inside the exams package (every app's strings, and the site's).
CATALOGS = Path("exams") / "locale"


def _gather(folder: Path) -> Path:
    """The catalogs of a copy of the source, after `make messages` (scripts/messages.sh)."""
    for name in (*SOURCES, "scripts"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("*.mo"))
        else:
            shutil.copy2(source, folder / name)
    (folder / ".venv").symlink_to(REPO / ".venv")
    result = subprocess.run(
        ["bash", "scripts/messages.sh"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / CATALOGS


@pytest.fixture(scope="module")
def gathered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _gather(tmp_path_factory.mktemp("messages"))


def _untranslated(catalog: polib.POFile) -> list[str]:
    missing = []
    for entry in catalog:
        if entry.obsolete:
            continue
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags or not forms or not all(form.strip() for form in forms):
            missing.append(entry.msgid)
    return missing


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_every_marked_string_has_a_translation(gathered: Path, language: str, domain: str):
    catalog = polib.pofile(str(gathered / language / "LC_MESSAGES" / f"{domain}.po"))

    assert len(catalog) > 0
    assert _untranslated(catalog) == [], f"untranslated in {language} ({domain}.po)"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_shipped_catalog_is_up_to_date_and_compiles(gathered: Path, language: str, domain: str):
    shipped = REPO / CATALOGS / language / "LC_MESSAGES" / f"{domain}.po"
    fresh = gathered / language / "LC_MESSAGES" / f"{domain}.po"

    ids = {(e.msgctxt, e.msgid) for e in polib.pofile(str(shipped)) if not e.obsolete}
    fresh_ids = {(e.msgctxt, e.msgid) for e in polib.pofile(str(fresh)) if not e.obsolete}
    assert fresh_ids - ids == set(), "strings marked but not in the catalog: run `make messages`"
    assert ids - fresh_ids == set(), "strings no longer used: run `make messages`"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(shipped)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_plural_forms_follow_the_language(gathered: Path):
    forms = {
        language: polib.pofile(
            str(REPO / CATALOGS / language / "LC_MESSAGES" / "django.po")
        ).metadata["Plural-Forms"]
        for language in SHIPPED
    }
    assert forms["ar"].startswith("nplurals=6;")
    assert forms["fr"].startswith("nplurals=3;") or forms["fr"].startswith("nplurals=2;")
    assert forms["es"].startswith("nplurals=3;") or forms["es"].startswith("nplurals=2;")


def test_the_pages_are_served_in_each_language(client, db):
    for language, heading in (
        ("es", "Iniciar sesión"),
        ("fr", "Se connecter"),
        ("ar", "تسجيل الدخول"),
    ):
        response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert f'<html lang="{language}"' in html
        assert ('dir="rtl"' in html) == (language == "ar")
        assert heading in html, language
