"""Load generation against a gunicorn of the app on 127.0.0.1: wrk for GETs, sessions for
logged-in learners."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore

from bench.procs import REPO

WRK_THREADS = 2
WRK_SCRIPT = """
local targets = {%s}
local method, body, step, once = %s, %s, %d, %s
local headers = {%s}
-- Each wrk thread takes every step-th target from its own offset: no two threads send the
-- same target until every target has been sent once. With `once`, a thread stops when each of
-- its targets has been answered (a connection that asks for more meanwhile sends its thread's
-- last target again).
local threads = 0
setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
local n, answered, share = 0, 0, 0
init = function(args)
  share = math.floor((#targets - (offset or 0) - 1) / step) + 1
end
request = function()
  local k = n
  if once and k >= share then k = share - 1 end
  local t = targets[((offset or 0) + k * step) %% #targets + 1]
  n = n + 1
  headers["Cookie"] = t[1]
  return wrk.format(method, t[2], headers, body)
end
response = function(status, response_headers, response_body)
  answered = answered + 1
  if once and answered >= share then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  local points = {}
  for _, p in ipairs({1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9}) do
    points[#points + 1] = string.format("[%%g,%%.3f]", p, latency:percentile(p)/1000)
  end
  io.write(string.format("JSON{\\"requests\\":%%d,\\"duration_us\\":%%d,\\"p50_ms\\":%%.3f,\\"p99_ms\\":%%.3f,\\"errors\\":%%d,\\"non2xx\\":%%d,\\"percentiles_ms\\":[%%s]}\\n",
    summary.requests, summary.duration, latency:percentile(50)/1000, latency:percentile(99)/1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, table.concat(points, ",")))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def session_cookie(user: Any) -> str:
    """A logged-in session for `user`, as a Cookie header value."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


@contextmanager
def gunicorn(workers: int = 2) -> Iterator[str]:
    """Serve the app (bench settings) with gunicorn; yield its base URL."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    log = Path(tempfile.mkdtemp()) / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "settings.wsgi",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _lua(value: str | None) -> str:
    return "nil" if value is None else json.dumps(value)


def wrk(
    base_url: str,
    targets: list[tuple[str, str]],
    *,
    seconds: int = 15,
    connections: int = 32,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: str | None = None,
    once: bool = False,
    until: Callable[[], bool] | None = None,
) -> dict[str, float]:
    """Send each (cookie, path) target in turn for `seconds` (`method`, with `headers` and
    `body`); return requests/s, p50, p99 and the latency at a few percentiles ([percentile,
    ms] pairs). Targets are sent in order, each once before any is sent again. With `once`, no
    target is sent twice; with `until`, the run ends as soon as `until()` is true (`seconds` is
    then only a bound): the load is bounded by count, so any machine, however fast, measures
    the same work."""
    entries = ",".join(f"{{{json.dumps(c)},{json.dumps(p)}}}" for c, p in targets)
    fields = ",".join(f"[{json.dumps(k)}]={json.dumps(v)}" for k, v in (headers or {}).items())
    script = Path(tempfile.mkdtemp()) / "targets.lua"
    script.write_text(
        WRK_SCRIPT
        % (entries, _lua(method), _lua(body), WRK_THREADS, "true" if once else "false", fields)
    )
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        base_url,
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as run:
        if until is not None:
            # wrk waits out its duration even when its threads have stopped; SIGINT ends the
            # run at once, and it still reports.
            deadline = time.monotonic() + seconds
            while run.poll() is None and time.monotonic() < deadline and not until():
                time.sleep(0.2)
            if run.poll() is None:
                run.send_signal(signal.SIGINT)
        stdout, stderr = run.communicate(timeout=seconds + 60)
    result = subprocess.CompletedProcess(command, run.returncode, stdout, stderr)
    match = re.search(r"JSON(\{.*\})", result.stdout)
    if match is None:
        raise RuntimeError(result.stdout + result.stderr)
    data = json.loads(match.group(1))
    data["requests_per_second"] = data["requests"] / (data["duration_us"] / 1e6)
    return data
