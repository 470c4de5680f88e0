"""Pages of the simulated proctoring service: the software window and the reviewer desk."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exams.models import Attempt
from exams.statuses import AttemptStatus
from proctoring.exceptions import ProviderUnavailable
from proctoring.models import Review
from proctoring.simulated import vendor

SOFTWARE_EVENTS = {"ready", "heartbeat", "session_submitted", "error"}
ERROR_REASONS = {"crash": "the software crashed", "closed": "the software was closed early"}
VERDICT_LABELS = {
    "passed": gettext_lazy("Satisfactory"),
    "flagged_ok": gettext_lazy("Satisfactory, with flags"),
    "violation": gettext_lazy("Unsatisfactory"),
    "suspicious": gettext_lazy("Second review required"),
}
REVIEW_CHOICES = {
    "passed": ([], "No issues observed."),
    "flagged_ok": (["background music"], "Music in the background; no sign of cheating."),
    "violation": (["second person in the room"], "Another person read the exam aloud."),
    "suspicious": (["left the camera view"], "Needs a second look."),
}


def _when_configured(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The simulated vendor's pages exist only where the simulated provider is configured."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if vendor.PROVIDER not in settings.PROCTORING_PROVIDERS:
            raise Http404("The simulated proctoring provider is not configured here.")
        return view(request, *args, **kwargs)

    return wrapped


def _own_simulated_attempt(request: HttpRequest, attempt_code: str) -> Attempt:
    attempt = (
        Attempt.objects.select_related("exam__course")
        .filter(
            attempt_code=attempt_code,
            learner_id=request.user.pk,
            exam__course__proctoring_provider=vendor.PROVIDER,
        )
        .first()
    )
    if attempt is None or not attempt.taking_as_proctored:
        raise Http404("No such proctoring session.")
    return attempt


@_when_configured
@login_required
@require_GET
def software(request: HttpRequest, attempt_code: str) -> HttpResponse:
    """The simulated proctoring software window: setup checks, then monitoring."""
    attempt = _own_simulated_attempt(request, attempt_code)
    return render(
        request,
        "proctoring/simulated/software.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "monitoring": not attempt.is_sample_attempt,
        },
    )


@_when_configured
@login_required
@require_POST
def software_signal(request: HttpRequest, attempt_code: str) -> JsonResponse:
    """The software window tells its vendor something; the vendor calls the app back (202: the
    callback is queued, and the exam page follows the attempt as it is applied)."""
    _own_simulated_attempt(request, attempt_code)
    event = request.POST.get("event", "")
    if event not in SOFTWARE_EVENTS:
        return JsonResponse({"code": "invalid_input", "message": _("Unknown event.")}, status=400)
    fields = {}
    if event == "error":
        reason = request.POST.get("reason", "crash")
        if reason not in ERROR_REASONS:
            return JsonResponse(
                {"code": "invalid_input", "message": _("Unknown reason.")}, status=400
            )
        fields["reason"] = ERROR_REASONS[reason]
    if not vendor.queue(
        base_url=request.build_absolute_uri("/"), attempt_code=attempt_code, event=event, **fields
    ):
        return JsonResponse(
            {"code": ProviderUnavailable.code, "message": str(ProviderUnavailable.default_message)},
            status=503,
        )
    return JsonResponse({"event": event, "queued": True}, status=202)


@_when_configured
@staff_member_required
@require_http_methods(["GET", "POST"])
def reviewer(request: HttpRequest) -> HttpResponse:
    """The simulated review team's desk: sessions waiting for a review, and the verdicts.

    Each verdict is made against the session as the desk showed it (its last review): one
    from a stale tab, after another verdict, is refused and the desk says what it has."""
    if request.method != "POST":
        return _desk(request)
    verdict = request.POST.get("verdict", "")
    code = request.POST.get("attempt_code", "")
    if verdict not in REVIEW_CHOICES or not code:
        return _desk(request, error=_("Choose a session and a verdict."), status=400)
    attempt = _waiting().filter(attempt_code=code).first()
    if attempt is None or request.POST.get("seen_review", "") != _last_review(attempt):
        return _desk(
            request,
            error=_(
                "Session %(code)s was reviewed since this page was shown, or is no longer "
                "waiting: your verdict was not sent. The list below is up to date."
            )
            % {"code": code},
            status=409,
        )
    flags, comments = REVIEW_CHOICES[verdict]
    if not vendor.queue(
        base_url=request.build_absolute_uri("/"),
        attempt_code=code,
        event="review",
        review={"verdict": verdict, "flags": flags, "comments": comments},
    ):
        return _desk(request, error=str(ProviderUnavailable.default_message), status=503)
    messages.success(
        request,
        _(
            "Verdict “%(verdict)s” sent for session %(code)s. The session leaves this list "
            "once the exam has applied it."
        )
        % {"verdict": VERDICT_LABELS[verdict], "code": code},
    )
    return redirect("proctoring:simulated-reviewer")


def _desk(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    waiting = list(_waiting().select_related("exam__course", "learner")[:100])
    for attempt in waiting:
        attempt.seen_review = _last_review(attempt)  # type: ignore[attr-defined]
    return render(
        request,
        "proctoring/simulated/reviewer.html",
        {"error": error, "waiting": waiting, "choices": REVIEW_CHOICES},
        status=status,
    )


def _waiting() -> QuerySet[Attempt]:
    return Attempt.objects.filter(
        exam__course__proctoring_provider=vendor.PROVIDER,
        taking_as_proctored=True,
        is_sample_attempt=False,  # practice sessions are not reviewed
        status__in=[AttemptStatus.SUBMITTED, AttemptStatus.SECOND_REVIEW_REQUIRED],
    ).order_by("completed_at", "id")


def _last_review(attempt: Attempt) -> str:
    """The review the desk shows a session with ("" when none): what a verdict is made against."""
    last = Review.objects.filter(attempt=attempt).order_by("-id").values_list("pk", flat=True)
    return str(last.first() or "")
