"""Domain events, sent only after the transaction that caused them commits.

Other apps (proctoring, notifications) connect receivers here instead of to model signals.
"""

from django.dispatch import Signal

# kwargs: attempt_id, attempt_code, from_status, to_status, taking_as_proctored, actor_id
attempt_status_changed = Signal()
