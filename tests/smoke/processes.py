"""Run the app's real processes from tests: manage.py commands, runserver, a Celery worker.

Every process runs in its own session and is killed (with its children) when the test ends;
every wait is bounded.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Variables that would point a child process at the test run's own services.
SERVICE_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "DJANGO_SETTINGS_MODULE",
    "VAR_DIR",
}


def child_env(**overrides: str) -> dict[str, str]:
    """This process's environment without its service variables, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="settings.base", PYTHONUNBUFFERED="1")
    env.update(overrides)
    return env


def embedded_env(folder: Path) -> dict[str, str]:
    """The `make run` default, in `folder`: a SQLite file and kombu's filesystem broker."""
    return child_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        VAR_DIR=str(folder / "var"),
        CELERY_BROKER_URL="filesystem://",
    )


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    """Run `python manage.py ARGS`; return its output, fail the test with it on an error."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{output}"
    return output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(
    command: list[str], *, env: dict[str, str], log: Path, cwd: Path = REPO
) -> Iterator[subprocess.Popen]:
    """Start `command` (output to `log`), yield it, then kill it and everything it started."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    # Children (a reloader's server, a pool's processes) share the session: make sure.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def celery_worker(*extra: str, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A real Celery worker of the project (solo pool, as `make run` starts it)."""
    command = [sys.executable, "-m", "celery", "-A", "settings", "worker", "--pool=solo"]
    with running([*command, "--loglevel=info", *extra], env=env, log=log) as process:
        yield process


def wait_until(
    condition: Callable[[], bool], *, timeout: float, process: subprocess.Popen, log: Path
) -> None:
    """Poll `condition` until true; fail with the process's log on time-out or if it exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            raise AssertionError(f"process exited ({process.returncode}):\n{tail(log)}")
        time.sleep(0.25)
    raise AssertionError(f"not done within {timeout:.0f} s; process log:\n{tail(log)}")


def tail(log: Path, lines: int = 60) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"
