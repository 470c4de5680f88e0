"""A deployment that follows the README: production settings, `collectstatic`, gunicorn.

Static files are served by the app itself (WhiteNoise): hashed names, compressed copies and
far-future cache headers, with no web server in front needed for them."""

import re
import secrets
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.smoke.processes import child_env, free_port, manage, running, wait_until


@pytest.fixture
def production(tmp_path: Path) -> dict[str, str]:
    env = child_env(
        DJANGO_SETTINGS_MODULE="settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        SECURE_SSL_REDIRECT="false",
    )
    manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", env=env, timeout=300)
    return env


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_gunicorn_under_production_settings_serves_hashed_compressed_static_files(
    production: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "settings.wsgi"]
    with running(command, env=production, log=log) as server:

        def answering() -> bool:
            try:
                _get(f"{base}/accounts/login/")
            except OSError:
                return False
            return True

        wait_until(answering, timeout=60, process=server, log=log)
        status, _, page = _get(f"{base}/accounts/login/", **{"X-Forwarded-Proto": "https"})
        assert status == 200
        (stylesheet,) = re.findall(rb'href="(/static/exams/site\.[0-9a-f]{12}\.css)"', page)

        status, headers, body = _get(base + stylesheet.decode(), **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert headers["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in headers["Cache-Control"]
        assert body

        status, _, admin_page = _get(f"{base}/admin/login/", **{"X-Forwarded-Proto": "https"})
        admin_css_link = rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"'
        (admin_css,) = re.findall(admin_css_link, admin_page)
        assert _get(base + admin_css.decode())[0] == 200

        with pytest.raises(urllib.error.HTTPError) as missing:
            _get(f"{base}/static/css/no-such-file.css")
        assert missing.value.code == 404
