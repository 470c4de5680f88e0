"""Django admin for support staff: attempts (read-only, with service actions), course content,
enrollments and roles, the history and the audit log. Allowances have their admin in their
own folder (exams.allowances.admin), registered with these when the app is ready.

Every write that has a service goes through it: attempts change only through the actions.
Importing this package registers the model admins.
"""

from exams.admin import attempts, content, courses, records

__all__ = ["attempts", "content", "courses", "records"]
