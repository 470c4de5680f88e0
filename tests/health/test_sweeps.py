"""The sweeps' health: late once a beat entry has not finished for too long."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from health.models import BeatStart, SweepRun
from health.sweeps import beat_started, schedule, sweep_ran, sweeps_status

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SCHEDULE = {
    "fast": {"task": "tests.fast", "schedule": 30.0},
    "slow": {"task": "tests.slow", "schedule": timedelta(hours=1)},
}
late_rules = override_settings(
    CELERY_BEAT_SCHEDULE=SCHEDULE, SWEEPS_LATE_FACTOR=3, SWEEPS_GRACE_SECONDS=60
)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = NOW
        monkeypatch.setattr(timezone, "now", lambda: self.now)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def by_entry(now: datetime) -> dict[str, bool]:
    return {sweep.entry: sweep.late for sweep in sweeps_status(now=now)}


def test_a_schedule_without_an_interval_is_refused_at_start():
    from celery.schedules import crontab
    from django.core.checks import run_checks

    with override_settings(
        CELERY_BEAT_SCHEDULE={**SCHEDULE, "nightly": {"task": "t", "schedule": crontab()}}
    ):
        assert [error.id for error in run_checks()] == ["health.E001"]
    with late_rules:
        assert run_checks() == []


def test_the_schedule_is_read_from_the_settings_in_seconds():
    with late_rules:
        assert schedule() == {"fast": ("tests.fast", 30.0), "slow": ("tests.slow", 3600.0)}


@late_rules
def test_no_sweep_ever_ran_means_every_sweep_is_late():
    assert by_entry(NOW) == {"fast": True, "slow": True}


@late_rules
def test_a_sweep_is_late_after_its_factor_of_intervals_plus_the_grace():
    sweep_ran(entries=["fast"], task="tests.fast", now=NOW)
    sweep_ran(entries=["slow"], task="tests.slow", now=NOW)
    # fast: 3 times 30 s + 60 s = 150 s.
    assert by_entry(NOW + timedelta(seconds=150)) == {"fast": False, "slow": False}
    assert by_entry(NOW + timedelta(seconds=151)) == {"fast": True, "slow": False}
    assert by_entry(NOW + timedelta(hours=3, seconds=61)) == {"fast": True, "slow": True}


@late_rules
def test_an_entry_that_never_ran_is_judged_from_beats_start():
    beat_started(now=NOW)
    assert by_entry(NOW + timedelta(seconds=150)) == {"fast": False, "slow": False}
    sweep_ran(entries=["fast"], task="tests.fast", now=NOW + timedelta(seconds=30))
    assert by_entry(NOW + timedelta(hours=1)) == {"fast": True, "slow": False}
    assert by_entry(NOW + timedelta(hours=3, seconds=61))["slow"] is True


@late_rules
def test_a_restarted_beat_gives_every_entry_a_fresh_interval():
    sweep_ran(entries=["fast", "slow"], task="tests.any", now=NOW)
    assert by_entry(NOW + timedelta(hours=5)) == {"fast": True, "slow": True}
    beat_started(now=NOW + timedelta(hours=5))
    assert BeatStart.objects.get().started_at == NOW + timedelta(hours=5)
    assert by_entry(NOW + timedelta(hours=5, seconds=100)) == {"fast": False, "slow": False}
    assert by_entry(NOW + timedelta(hours=5, seconds=151)) == {"fast": True, "slow": False}


def test_beat_records_its_start_through_the_beat_init_signal(clock):
    from celery.signals import beat_init

    beat_init.send(sender=None)
    assert BeatStart.objects.get().started_at == NOW


@late_rules
def test_each_run_moves_the_time_on_and_counts():
    sweep_ran(entries=["fast"], task="tests.fast", now=NOW)
    sweep_ran(entries=["fast"], task="tests.fast", now=NOW + timedelta(seconds=30))
    run = SweepRun.objects.get(entry="fast")
    assert (run.runs, run.last_run_at) == (2, NOW + timedelta(seconds=30))


def test_a_finished_sweep_task_is_recorded_by_the_worker_signal(settings):
    """The real path: Celery's task_success, sent for the task a beat entry names."""
    from exams.tasks import attempts_expire_overdue_task
    from proctoring.tasks import review_email_task

    settings.CELERY_TASK_ALWAYS_EAGER = True
    attempts_expire_overdue_task.delay()
    review_email_task.delay(999_999)  # not a beat entry's task: not a sweep
    run = SweepRun.objects.get()
    assert (run.entry, run.task, run.runs) == (
        "expire-overdue-attempts",
        "exams.attempts_expire_overdue",
        1,
    )


def test_a_sweep_that_fails_is_not_recorded(settings, monkeypatch):
    from exams.services import expiry
    from exams.tasks import attempts_expire_overdue_task

    def broken(**kwargs):
        raise RuntimeError("the sweep failed")

    monkeypatch.setattr(expiry, "attempt_ids_overdue", broken)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    attempts_expire_overdue_task.delay()
    assert not SweepRun.objects.exists()


@late_rules
def test_the_health_page_answers_503_naming_the_late_sweeps(client, clock):
    sweep_ran(entries=["fast"], task="tests.fast", now=NOW - timedelta(seconds=151))
    sweep_ran(entries=["slow"], task="tests.slow", now=NOW)
    response = client.get(reverse("health:sweeps"))
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["late"]) == ("late", ["fast"])
    assert body["sweeps"][1] == {
        "entry": "slow",
        "task": "tests.slow",
        "every_seconds": 3600.0,
        "last_run_at": NOW.isoformat(),
        "late": False,
    }
    assert "no-cache" in response["Cache-Control"]


@late_rules
def test_the_health_page_answers_200_when_every_sweep_ran(client, clock):
    sweep_ran(entries=["fast", "slow"], task="tests.any", now=NOW)
    response = client.get(reverse("health:sweeps"))
    assert (response.status_code, response.json()["status"]) == (200, "ok")
    assert client.post(reverse("health:sweeps")).status_code == 405


@late_rules
def test_sweeps_check_exits_non_zero_when_a_sweep_is_late(clock, capsys):
    sweep_ran(entries=["fast", "slow"], task="tests.any", now=NOW)
    call_command("sweeps_check")
    assert "ok    fast (every 30 s)" in capsys.readouterr().out
    clock.now = NOW + timedelta(minutes=3)
    with pytest.raises(CommandError, match="late sweeps: fast"):
        call_command("sweeps_check")
    assert "LATE  fast" in capsys.readouterr().out


@late_rules
def test_a_head_probe_gets_the_same_answer(client):
    sweep_ran(entries=["fast", "slow"], task="tests.any")
    assert client.head(reverse("health:sweeps")).status_code == 200


def test_a_plain_http_probe_is_answered_under_production_settings(tmp_path):
    """A supervisor asks over plain HTTP beside the TLS proxy: no redirect to https for it."""
    import secrets
    import subprocess
    import sys

    from tests.smoke.processes import REPO, child_env, manage

    env = child_env(
        DJANGO_SETTINGS_MODULE="settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
    )
    manage("migrate", "--noinput", env=env)
    probe = (
        "import django; django.setup(); from django.test import Client; c = Client();"
        "print(c.get('/health/sweeps/', HTTP_HOST='127.0.0.1').status_code,"
        " c.get('/accounts/login/', HTTP_HOST='127.0.0.1').status_code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # 503: nothing ran in this fresh database; every other page still goes to https
    assert result.stdout.split() == ["503", "301"]
