"""GET (or HEAD) /health/sweeps/: 200 while every sweep runs on time, 503 naming the late ones.

For a monitor or a supervisor's health probe; it shows task names and times, nothing personal.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from health.sweeps import sweeps_status


@never_cache
@require_safe
def sweeps(request: HttpRequest) -> JsonResponse:
    status = sweeps_status()
    late = [sweep.entry for sweep in status if sweep.late]
    body = {
        "status": "late" if late else "ok",
        "late": late,
        "sweeps": [
            {
                "entry": sweep.entry,
                "task": sweep.task,
                "every_seconds": sweep.every_seconds,
                "last_run_at": sweep.last_run_at.isoformat() if sweep.last_run_at else None,
                "late": sweep.late,
            }
            for sweep in status
        ],
    }
    return JsonResponse(body, status=503 if late else 200)
