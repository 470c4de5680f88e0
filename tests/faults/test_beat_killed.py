"""Celery beat is killed (SIGKILL): the worker stays up, the sweeps stop, the health check says so.

A real worker and a real beat, each its own process as in production, on a Redis of the test's
own and the test database; the expiry sweep runs every second here, so it is late 3 s after its
last run (SWEEPS_LATE_FACTOR 3, no grace).
"""

import os
import signal
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from health.models import SweepRun
from tests.faults.conftest import FAULT_MARKS, test_database_url
from tests.smoke.processes import celery_worker, child_env, running, wait_until

pytestmark = [*FAULT_MARKS, pytest.mark.django_db(transaction=True)]

EXPIRY = "expire-overdue-attempts"
WORKER_OPTIONS = ("--without-mingle", "--without-gossip", "--without-heartbeat")
SWEEP_RULES = {"EXPIRY_SWEEP_SECONDS": "1", "SWEEPS_LATE_FACTOR": "3", "SWEEPS_GRACE_SECONDS": "0"}


@pytest.fixture
def sweep_rules(settings):
    """This process judges lateness by the same schedule and rules as the processes it starts."""
    schedule = {name: dict(entry) for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    schedule[EXPIRY]["schedule"] = 1.0
    settings.CELERY_BEAT_SCHEDULE = schedule
    settings.SWEEPS_LATE_FACTOR = 3
    settings.SWEEPS_GRACE_SECONDS = 0


def _expiry_runs() -> int:
    run = SweepRun.objects.filter(entry=EXPIRY).first()
    return run.runs if run is not None else 0


def _late(client: Client) -> tuple[int, list[str]]:
    response = client.get("/health/sweeps/")
    return response.status_code, response.json()["late"]


def test_a_killed_beat_stops_the_sweeps_and_the_health_check_reports_it(
    own_redis, sweep_rules, tmp_path: Path
):
    env = child_env(
        DATABASE_URL=test_database_url(),
        REDIS_URL=own_redis.url,
        CELERY_BROKER_URL=own_redis.url,
        VAR_DIR=str(tmp_path / "var"),
        **SWEEP_RULES,
    )
    client = Client()
    # given beat never started and no sweep ever ran: every one is late
    status, late = _late(client)
    assert status == 503 and EXPIRY in late

    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    beat_command = [sys.executable, "-m", "celery", "-A", "settings", "beat", "--loglevel=info"]
    beat_command.append(f"--schedule={tmp_path / 'celerybeat-schedule'}")
    with (
        celery_worker(*WORKER_OPTIONS, env=env, log=worker_log) as worker,
        running(beat_command, env=env, log=beat_log) as beat,
    ):
        # when a worker and beat run: the expiry sweep runs again and again, on time
        wait_until(lambda: _expiry_runs() >= 3, timeout=60, process=worker, log=worker_log)
        assert beat.poll() is None
        # (the others, not due yet, are judged from beat's start)
        assert _late(client) == (200, [])
        call_command("sweeps_check")

        # when beat is killed, its whole process group, nothing running a shutdown
        os.killpg(beat.pid, signal.SIGKILL)
        beat.wait(timeout=10)
        runs_at_kill = _expiry_runs()

        # then the worker is still up, the sweep stops, and the health check turns late
        def reported_late() -> bool:
            return EXPIRY in _late(client)[1]

        wait_until(reported_late, timeout=30, process=worker, log=worker_log)
        assert worker.poll() is None
        assert _expiry_runs() <= runs_at_kill + 1  # at most one already published
        status, late = _late(client)
        assert status == 503 and EXPIRY in late
        with pytest.raises(CommandError, match=f"late sweeps: .*{EXPIRY}"):
            call_command("sweeps_check")
