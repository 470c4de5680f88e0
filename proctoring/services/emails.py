"""E-mails to learners about their proctoring reviews."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from proctoring.models import Review


@transaction.atomic
def review_email_send(*, review_id: int) -> bool:
    """E-mail the learner that their review result arrived, once per review. True if sent."""
    review = (
        Review.objects.select_for_update()
        .select_related("attempt__learner", "attempt__exam__course")
        .filter(pk=review_id, emailed_at__isnull=True, attempt__isnull=False)
        .first()
    )
    if review is None or review.attempt is None:
        return False
    attempt = review.attempt
    context = {
        "attempt": attempt,
        "exam": attempt.exam,
        "review": review,
        "learner": attempt.learner,
    }
    # In the learner's language: the worker has no request to ask.
    with translation.override(attempt.language or settings.LANGUAGE_CODE):
        subject = render_to_string("proctoring/email/review_subject.txt", context).strip()
        body = render_to_string("proctoring/email/review_body.txt", context)
    send_mail(
        subject=subject, message=body, from_email=None, recipient_list=[attempt.learner.email]
    )
    review.emailed_at = timezone.now()
    review.save(update_fields=["emailed_at"])
    return True
