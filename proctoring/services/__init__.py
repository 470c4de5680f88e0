"""Every write of the proctoring app."""

from proctoring.services.callbacks import callback_process, callback_receive
from proctoring.services.reviews import review_decide, reviews_apply_held
from proctoring.services.sessions import session_notify, session_open

__all__ = [
    "callback_process",
    "callback_receive",
    "review_decide",
    "reviews_apply_held",
    "session_notify",
    "session_open",
]
