"""`manage.py seed_demo`: the demo course, its exams and the demo users, safe to run again.

The users' password is the DEMO_PASSWORD environment variable, else `demo-password`. The
command also sets up the `support` group (see `setup_roles`).
"""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from exams.management.demo import DEFAULT_PASSWORD, DemoSeed, seed_demo


class Command(BaseCommand):
    help = "Create or update the demo course, its exams and the demo users (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site-url",
            default=f"http://127.0.0.1:{os.environ.get('PORT') or 8000}",
            help="The site's address, printed with the users (default: 127.0.0.1 on $PORT).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed = seed_demo(password=os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD)
        self.stdout.write(_summary(seed, site_url=options["site_url"].rstrip("/")))


def _summary(seed: DemoSeed, *, site_url: str) -> str:
    lines = [f"Course: {seed.course.course_id} ({seed.course.name})", "Exams:"]
    for exam in seed.exams:
        lines.append(
            f"  {exam.name}: {exam.get_exam_type_display()}, {exam.time_limit_minutes} min, "
            f"{exam.questions.count()} questions"
        )
    lines.append("Users:")
    name_width = max(len(user.username) for user in seed.users)
    email_width = max(len(user.email) for user in seed.users)
    for user in seed.users:
        lines.append(
            f"  {user.username:<{name_width}}  {user.email:<{email_width}}  "
            f"password: {seed.password}  {user.role}"
        )
    lines += [f"Site:  {site_url}/", f"Admin: {site_url}/admin/ (sign in as support)"]
    return "\n".join(lines)
