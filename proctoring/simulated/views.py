"""Pages of the simulated proctoring service: the software window and the reviewer desk."""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exams.models import Attempt
from exams.state_machine import AttemptStatus
from proctoring.exceptions import ProviderUnavailable
from proctoring.simulated import vendor

SOFTWARE_EVENTS = {"ready", "heartbeat", "session_submitted", "error"}
ERROR_REASONS = {"crash": "the software crashed", "closed": "the software was closed early"}
REVIEW_CHOICES = {
    "passed": ([], "No issues observed."),
    "flagged_ok": (["background music"], "Music in the background; no sign of cheating."),
    "violation": (["second person in the room"], "Another person read the exam aloud."),
    "suspicious": (["left the camera view"], "Needs a second look."),
}


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


@login_required
@require_POST
def software_signal(request: HttpRequest, attempt_code: str) -> JsonResponse:
    """The software window tells its vendor something; the vendor calls the app back."""
    _own_simulated_attempt(request, attempt_code)
    event = request.POST.get("event", "")
    if event not in SOFTWARE_EVENTS:
        return JsonResponse({"code": "invalid_input", "message": "Unknown event."}, status=400)
    fields = {}
    if event == "error":
        reason = request.POST.get("reason", "crash")
        if reason not in ERROR_REASONS:
            return JsonResponse({"code": "invalid_input", "message": "Unknown reason."}, status=400)
        fields["reason"] = ERROR_REASONS[reason]
    try:
        answer = vendor.send(
            base_url=request.build_absolute_uri("/"),
            attempt_code=attempt_code,
            event=event,
            **fields,
        )
    except ProviderUnavailable as error:
        return JsonResponse({"code": error.code, "message": error.message}, status=502)
    return JsonResponse({"event": event, "delivery": answer})


@staff_member_required
@require_http_methods(["GET", "POST"])
def reviewer(request: HttpRequest) -> HttpResponse:
    """The simulated review team's desk: sessions waiting for a review, and the verdicts."""
    if request.method == "POST":
        verdict = request.POST.get("verdict", "")
        code = request.POST.get("attempt_code", "")
        if verdict not in REVIEW_CHOICES or not code:
            return render(
                request,
                "proctoring/simulated/reviewer.html",
                {"error": "Choose a session and a verdict.", **_queue()},
                status=400,
            )
        flags, comments = REVIEW_CHOICES[verdict]
        try:
            vendor.send(
                base_url=request.build_absolute_uri("/"),
                attempt_code=code,
                event="review",
                review={"verdict": verdict, "flags": flags, "comments": comments},
            )
        except ProviderUnavailable as error:
            return render(
                request,
                "proctoring/simulated/reviewer.html",
                {"error": error.message, **_queue()},
                status=502,
            )
        return redirect("proctoring:simulated-reviewer")
    return render(request, "proctoring/simulated/reviewer.html", _queue())


def _queue() -> dict[str, object]:
    waiting = (
        Attempt.objects.select_related("exam__course", "learner")
        .filter(
            exam__course__proctoring_provider=vendor.PROVIDER,
            taking_as_proctored=True,
            is_sample_attempt=False,  # practice sessions are not reviewed
            status__in=[AttemptStatus.SUBMITTED, AttemptStatus.SECOND_REVIEW_REQUIRED],
        )
        .order_by("completed_at", "id")[:100]
    )
    return {"waiting": waiting, "choices": REVIEW_CHOICES}
