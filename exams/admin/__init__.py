"""Django admin for support staff: allowances, attempts (read-only, with service actions), course
content, enrollments and roles, the history and the audit log.

Every write that has a service goes through it: allowances are granted, changed and revoked by
`exams.services`, attempts change only through the actions. Importing this package registers
the model admins.
"""

from exams.admin import allowances, attempts, content, courses, records

__all__ = ["allowances", "attempts", "content", "courses", "records"]
