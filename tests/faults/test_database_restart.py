"""The database restarts while learners' pages poll their attempts.

A PostgreSQL cluster of the test's own, the app under gunicorn (2 workers) with persistent
database connections (DB_CONN_MAX_AGE=60: after a restart each worker holds a dead connection,
the interesting failure), signed-in learners polling from several threads with http.client.
In the middle, `pg_ctl restart -m fast`. While the database is away only 503s with the JSON
error shape may answer, and once it is back polls succeed again, with the app not restarted.
A second restart while the app is idle leaves every worker a dead connection: the next polls
must still succeed (CONN_HEALTH_CHECKS replaces it).
"""

import http.client
import json
import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.faults.servers import PostgresCluster, postgres_cluster, wait_for_port
from tests.smoke.processes import child_env, free_port, manage, running, tail

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="runs where `make test` provides PostgreSQL and Redis (it starts a cluster of its "
        "own from the same PostgreSQL binaries)",
    ),
]

LEARNERS = 6
POLLERS = 8
STORM_SECONDS = 6.0
RESTART_AFTER_SECONDS = 1.5

# Run in the cluster's database by `manage.py shell`: learners with a running timed attempt
# each, signed in (a session each). Prints [[attempt id, session key], ...] as JSON.
SETUP = f"""
import json
from django.contrib.auth import get_user_model
from django.test import Client
from exams import services
from exams.models import Course, Enrollment, Exam, ExamType

course = Course.objects.create(course_id="course-v1:Fault+DB+2026", name="Faults")
exam = Exam.objects.create(
    course=course, name="Final", exam_type=ExamType.TIMED, time_limit_minutes=60
)
out = []
for number in range({LEARNERS}):
    user = get_user_model().objects.create_user(f"poller{{number}}", password=None)
    Enrollment.objects.create(user=user, course=course)
    attempt = services.attempt_create(exam=exam, learner=user, proctored=None)
    services.attempt_start(attempt_id=attempt.pk, actor=user)
    client = Client()
    client.force_login(user)
    out.append([attempt.pk, client.cookies["sessionid"].value])
print("LEARNERS=" + json.dumps(out))
"""


@dataclass(frozen=True)
class Poll:
    started: float
    status: int
    content_type: str
    body: bytes
    retry_after: str | None


def _poll(port: int, attempt_id: int, session: str) -> Poll:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "GET",
            f"/api/v1/attempts/{attempt_id}/",
            headers={"Cookie": f"sessionid={session}", "Accept": "application/json"},
        )
        response = conn.getresponse()
        return Poll(
            started,
            response.status,
            response.getheader("Content-Type", ""),
            response.read(),
            response.getheader("Retry-After"),
        )
    finally:
        conn.close()


def _storm(port: int, learners: list, cluster: PostgresCluster) -> tuple[list[Poll], float]:
    """Poll from POLLERS threads for STORM_SECONDS; restart the database in the middle.

    Returns every poll and the time the restart had finished.
    """
    polls: list[Poll] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    stop = time.monotonic() + STORM_SECONDS
    barrier = threading.Barrier(POLLERS + 1, timeout=30)

    def poller(index: int) -> None:
        attempt_id, session = learners[index % len(learners)]
        barrier.wait()
        while time.monotonic() < stop:
            try:
                poll = _poll(port, attempt_id, session)
            except BaseException as error:  # a hang or a dropped connection is a failure
                with lock:
                    errors.append(error)
                return
            with lock:
                polls.append(poll)

    threads = [threading.Thread(target=poller, args=(i,)) for i in range(POLLERS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    time.sleep(RESTART_AFTER_SECONDS)
    cluster.restart()
    restarted = time.monotonic()
    for thread in threads:
        thread.join(timeout=STORM_SECONDS + 20)
    assert not any(thread.is_alive() for thread in threads), "a poller hung"
    assert errors == []
    return polls, restarted


def _workers(master_pid: int) -> set[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    return {int(pid) for pid in children.split()}


def test_polls_get_clear_503s_while_the_database_restarts_and_recover_without_an_app_restart(
    tmp_path: Path,
):
    with postgres_cluster() as cluster:
        # given the app migrated onto a database of its own, learners signed in and polling
        env = child_env(
            DATABASE_URL=cluster.url,
            DB_CONN_MAX_AGE="60",
            VAR_DIR=str(tmp_path / "var"),
            LOG_LEVEL="WARNING",
        )
        manage("migrate", "--noinput", env=env, timeout=120)
        output = manage("shell", "-c", SETUP, env=env, timeout=60)
        (line,) = [line for line in output.splitlines() if line.startswith("LEARNERS=")]
        learners = json.loads(line.removeprefix("LEARNERS="))
        port = free_port()
        log = tmp_path / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn", "settings.wsgi:application"]
        command += ["--workers=2", f"--bind=127.0.0.1:{port}", "--timeout=30"]
        with running(command, env=env, log=log) as app:
            wait_for_port(port, timeout=30)
            for attempt_id, session in learners:  # every worker connects and keeps it
                first = _poll(port, attempt_id, session)
                assert first.status == 200, (first.body[:300], tail(log))
            workers = _workers(app.pid)
            assert len(workers) == 2

            # when the database restarts (every session cut) in the middle of the storm
            polls, restarted = _storm(port, learners, cluster)

            # and when it restarts again while the app is idle (each worker keeps a connection
            # that is dead now), then the next polls succeed at once
            cluster.restart()
            quiet = [_poll(port, *learners[i % len(learners)]) for i in range(4 * POLLERS)]

            # then the app is the same process with the same workers
            assert app.poll() is None, tail(log)
            assert _workers(app.pid) == workers

    # and every answer was the attempt, or a clear 503 in the API's error shape
    statuses = {poll.status for poll in polls}
    assert statuses <= {200, 503}, _describe(polls, restarted)
    for poll in polls:
        assert poll.content_type == "application/json", _describe([poll], restarted)
        body = json.loads(poll.body)
        if poll.status == 200:
            assert body["status"] == "started"
        else:
            assert set(body) == {"code", "message", "extra"}, body
            assert body["code"] == "service_unavailable"
            assert poll.retry_after is not None and int(poll.retry_after) > 0
    # and the outage was seen, and once the database was back every poll succeeded
    assert 503 in statuses, f"no poll met the outage ({len(polls)} polls)"
    after = [poll for poll in polls if poll.started > restarted]
    assert len(after) >= POLLERS
    assert {poll.status for poll in after} == {200}, _describe(polls, restarted)
    assert [poll.status for poll in quiet] == [200] * len(quiet), _describe(quiet, 0)


def _describe(polls: list[Poll], restarted: float) -> str:
    """Counts by status before and after the restart finished, and the first body of each."""
    counts: Counter[tuple[str, int]] = Counter()
    first: dict[tuple[int, str], bytes] = {}
    for poll in polls:
        counts["after" if poll.started > restarted else "before", poll.status] += 1
        first.setdefault((poll.status, poll.content_type), poll.body[:200])
    return f"{dict(counts)}; first of each kind: {first}"
