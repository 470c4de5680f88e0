"""The plugin claim, made true: the wheel built from pyproject.toml, installed into a fresh
virtualenv beside a minimal host Django project of its own (its own settings and URLs, none of
this repository's `settings/`), migrates and serves a learner's exam page, its script, the API
and the API schema."""

import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.smoke.processes import REPO, child_env, free_port, running, wait_until

pytestmark = pytest.mark.plugin

# What a host project writes to use the apps: the apps, the standard middleware and template
# context, and the URLs (the API's namespaces are the apps' own).
HOST_SETTINGS = """
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "host-project-secret-key-for-the-plugin-test-only-0123456789"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "exams",
    "proctoring",
    "reports",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "host.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
USE_TZ = True
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
"""

HOST_URLS = """
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include(("exams.api.urls", "exams-api"), namespace="exams-api")),
    path("api/v1/", include(("proctoring.api.urls", "proctoring-api"), namespace="proctoring-api")),
    path("api/v1/", include(("reports.api.urls", "reports-api"), namespace="reports-api")),
    path("proctoring/", include("proctoring.urls")),
    path("", include("reports.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", include("exams.urls")),
]
"""

HOST_MANAGE = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "host.settings")
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
"""

# A learner enrolled in a course with a timed exam, and a signed-in session for them.
SEED = """
from decimal import Decimal
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from exams.models import Course, Enrollment, Exam, Question

learner = get_user_model().objects.create_user("host-learner", "l@example.com", "pw")
course = Course.objects.create(course_id="course-v1:Host+Plugin+2026", name="Plugin course")
Enrollment.objects.create(user=learner, course=course, mode="verified")
exam = Exam.objects.create(
    course=course, name="Plugin midterm", exam_type="timed", time_limit_minutes=30,
    passing_percent=Decimal(50),
)
Question.objects.create(exam=exam, kind="numeric", prompt="6 times 7?", points=1,
                        numeric_answer=42)
session = SessionStore()
session[SESSION_KEY] = str(learner.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = learner.get_session_auth_hash()
session.create()
print(f"SEEDED {course.course_id} {exam.pk} {session.session_key}")
"""


def _run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{output[-4000:]}"
    return output


# Straight to the server on 127.0.0.1, whatever proxy the environment names.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(url: str, cookie: str = "") -> tuple[int, bytes]:
    """The status and body; status 0 while nothing answers yet."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except urllib.error.URLError:
        return 0, b""


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The wheel installed into a fresh virtualenv, and a migrated host project beside it."""
    root = tmp_path_factory.mktemp("plugin")
    env = child_env()
    env.pop("DJANGO_SETTINGS_MODULE")
    # Build from a copy: an in-tree build leaves build/ and *.egg-info in the repository.
    source = root / "source"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "var", "tests", "bench", "docs", "__pycache__"
        ),
    )
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root / "dist"), "."],
        cwd=source,
        env=env,
        timeout=600,
    )
    (wheel,) = (root / "dist").glob("special_exams-*.whl")
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=root, env=env, timeout=300)
    python = str(venv / "bin" / "python")
    # The wheel's own dependencies, at the versions this repository pins (a constraint names
    # no extras).
    pins = [
        re.sub(r"\[[^\]]*\]", "", line.split("#", 1)[0]).strip()
        for line in (REPO / "requirements.txt").read_text().splitlines()
    ]
    constraints = root / "constraints.txt"
    constraints.write_text("\n".join(pin for pin in pins if pin) + "\n")
    _run(
        [python, "-m", "pip", "install", "-q", "-c", str(constraints), str(wheel)],
        cwd=root,
        env=env,
        timeout=900,
    )
    project = root / "project"
    (project / "host").mkdir(parents=True)
    (project / "host" / "__init__.py").write_text("")
    (project / "host" / "settings.py").write_text(HOST_SETTINGS)
    (project / "host" / "urls.py").write_text(HOST_URLS)
    (project / "manage.py").write_text(HOST_MANAGE)
    _run([python, "manage.py", "migrate", "--noinput"], cwd=project, env=env, timeout=300)
    seeded = _run([python, "manage.py", "shell", "-c", SEED], cwd=project, env=env, timeout=120)
    course_id, exam_id, session_key = seeded.split("SEEDED ")[1].split()
    return {
        "python": python,
        "project": project,
        "env": env,
        "course_id": course_id,
        "exam_id": exam_id,
        "cookie": f"sessionid={session_key}",
    }


def test_the_wheel_carries_no_module_of_the_repository_project(host):
    listing = _run(
        [str(host["python"]), "-m", "pip", "show", "-f", "special-exams"],
        cwd=Path(str(host["project"])),
        env=host["env"],
        timeout=60,
    )
    assert "exams/templates/exams/exam.html" in listing
    assert "exams/static/exams/exam.js" in listing
    assert "exams/locale/fr/LC_MESSAGES/django.mo" in listing
    files = [line.strip() for line in listing.split("Files:", 1)[1].splitlines()]
    assert not [name for name in files if name.startswith("settings/")]


def test_the_host_project_serves_the_exam_page_its_script_the_api_and_the_schema(host, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(host["python"]), "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    log = tmp_path / "runserver.log"
    env = host["env"]
    cookie = str(host["cookie"])
    with running(command, env=env, log=log, cwd=Path(str(host["project"]))) as server:  # type: ignore[arg-type]
        wait_until(
            lambda: _get(base + "/api/schema/")[0] == 200, timeout=60, process=server, log=log
        )

        status, page = _get(f"{base}/courses/{host['course_id']}/exams/{host['exam_id']}/", cookie)
        assert status == 200, page[-2000:]
        assert b"Plugin midterm" in page
        assert b"/static/exams/exam.js" in page
        assert b"/static/exams/site.css" in page

        assert _get(base + "/static/exams/exam.js")[0] == 200
        assert _get(base + "/static/exams/site.css")[0] == 200

        status, body = _get(f"{base}/api/v1/courses/{host['course_id']}/exams/", cookie)
        assert status == 200, body
        assert [exam["name"] for exam in json.loads(body)] == ["Plugin midterm"]

        # Refusals leave in the app's own error shape, though the host sets no handler.
        status, body = _get(f"{base}/api/v1/courses/{host['course_id']}/exams/")
        assert status == 403
        assert json.loads(body)["code"] == "not_authenticated"

        status, schema = _get(base + "/api/schema/?format=json")
        assert status == 200
        assert b"/api/v1/attempts/{attempt_id}/" in schema

        status, home = _get(base + "/", cookie)
        assert status == 200
        assert b"Plugin course" in home

        # The translations ship in the wheel: the learner's language is the host's to choose.
        status, page = _get(
            f"{base}/courses/{host['course_id']}/exams/{host['exam_id']}/",
            f"{cookie}; django_language=fr",
        )
        assert status == 200
        assert b"Aller au contenu" in page
