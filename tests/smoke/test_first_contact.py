"""What a newcomer does first: `make run`'s script, then the demo learner's timed exam in
Chromium, by clicking. The app is served by the same script `make run` runs (scripts/run.sh,
not a test live server), on the embedded default, in a folder of its own.

It fails if any page asks for a static file that does not answer, or any script error is
logged, and it checks that stopping the script always stops the server, the worker and beat,
and that any one of them dying stops the others (a dead beat is never silent)."""

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.smoke.processes import REPO, child_env, free_port, tail

pytestmark = pytest.mark.smoke

STARTUP_SECONDS = 180


@dataclass
class RunningApp:
    process: subprocess.Popen
    url: str
    var_dir: Path
    log: Path


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def _processes_of(var_dir: Path) -> list[int]:
    """Every process whose environment names this run's folder (the script's children)."""
    marker = f"VAR_DIR={var_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def _wait_for_worker(app: RunningApp, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if " ready." in app.log.read_text(errors="replace"):
            return
        time.sleep(0.25)
    pytest.fail(f"the worker never became ready:\n{tail(app.log)}")


@contextmanager
def make_run(tmp_path: Path) -> Iterator[RunningApp]:
    """scripts/run.sh on a free port with its own VAR_DIR; killed whatever happens."""
    port = free_port()
    var_dir = tmp_path / "var"
    log = tmp_path / "run.log"
    env = child_env(PORT=str(port), VAR_DIR=str(var_dir))
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "scripts/run.sh"],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    app = RunningApp(process, f"http://127.0.0.1:{port}", var_dir, log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(f"{app.url}/accounts/login/"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make run did not serve the login page:\n{tail(log)}")
            time.sleep(0.5)
        yield app
    finally:
        for pid in [process.pid, *_processes_of(var_dir)]:
            with suppress(OSError):
                os.killpg(pid, signal.SIGKILL)


def _assert_all_stopped(app: RunningApp, *, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.process.poll() is not None and not _processes_of(app.var_dir):
            break
        time.sleep(0.25)
    left = _processes_of(app.var_dir)
    assert app.process.poll() is not None, "the script is still running"
    assert left == [], f"still running after the stop: {left}\n{tail(app.log)}"
    assert not _answers(f"{app.url}/accounts/login/"), "the web server still answers"


def test_the_demo_learner_takes_the_timed_exam_by_clicking(
    tmp_path: Path, browser: Browser
) -> None:
    with make_run(tmp_path) as app:
        printed = app.log.read_text(errors="replace")
        port = app.url.rsplit(":", 1)[1]
        addresses = set(re.findall(r"127\.0\.0\.1:(\d+)", printed))
        assert addresses == {port}, f"make run printed other ports: {addresses}\n{printed}"
        assert "learner" in printed and "password: demo-password" in printed

        problems: list[str] = []
        context = browser.new_context(base_url=app.url, locale="en-US")
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)

            def on_response(response) -> None:
                if response.status >= 400:
                    problems.append(f"{response.status} {response.url}")

            page.on("response", on_response)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda message: (
                    problems.append(f"console {message.type}: {message.text}")
                    if message.type == "error"
                    else None
                ),
            )

            page.goto("/accounts/login/")
            page.get_by_label("Username").fill("learner")
            page.get_by_label("Password").fill("demo-password")
            page.get_by_role("button", name="Sign in").click()
            expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
            page.get_by_role("link", name="Demo Course: Special Exams").click()
            expect(page.get_by_role("table", name="Exams in this course")).to_be_visible()
            page.get_by_role("link", name="Midterm (timed)").click()
            page.get_by_role("button", name="Start the timed exam").click()
            expect(page.locator("[data-timer] [data-timer-digits]")).to_have_text(
                re.compile(r"^00:(29:5\d|30:00)$")
            )
            mercury = page.locator("fieldset.question", has_text="closest to the Sun")
            mercury.get_by_label("Mercury").check()
            expect(mercury.locator(".save-state")).to_have_text("Saved")
            page.get_by_role("button", name="End my exam").click()
            page.get_by_role("button", name="Yes, end my exam").click()
            expect(page.get_by_text("You have submitted this exam.")).to_be_visible()
            # Styled: the site's stylesheet was applied.
            header = page.locator(".site-header")
            assert header.evaluate("e => getComputedStyle(e).display") == "flex"
        finally:
            context.close()
        assert problems == [], problems

        os.killpg(app.process.pid, signal.SIGTERM)
        _assert_all_stopped(app)


@pytest.mark.parametrize("how", ["ctrl-c", "kill -9 of the script"])
def test_stopping_make_run_stops_the_server_and_the_worker(tmp_path: Path, how: str) -> None:
    with make_run(tmp_path) as app:
        _wait_for_worker(app)
        # the script, the worker, beat, the server (and its autoreloader)
        assert len(_processes_of(app.var_dir)) >= 4
        if how == "ctrl-c":
            os.killpg(app.process.pid, signal.SIGINT)
        else:
            app.process.kill()  # no trap runs: the watchdog must stop the rest
        _assert_all_stopped(app)


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_a_dead_beat_stops_make_run_loudly(tmp_path: Path) -> None:
    with make_run(tmp_path) as app:
        _wait_for_worker(app)
        (beat,) = [p for p in _processes_of(app.var_dir) if " beat " in _command_line(p)]
        os.kill(beat, signal.SIGKILL)
        _assert_all_stopped(app)
        assert app.process.returncode != 0
        assert "the web server, the worker or beat exited" in app.log.read_text(errors="replace")
