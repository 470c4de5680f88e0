"""Template filters and tags for exam pages: times in UTC for <time> elements, durations."""

from datetime import UTC, datetime

from django import template
from django.utils.html import format_html
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def utc_time(moment: datetime | None, empty: str = "—") -> str:
    """A <time> element: ISO 8601 in `datetime`, "2026-11-02 09:00 UTC" as text (date and time
    in two spans, so that a narrow column breaks between them).

    The page script shows it in the viewer's time zone and keeps the UTC text as a tooltip.
    """
    if moment is None:
        return empty
    moment = moment.astimezone(UTC)
    return format_html(
        '<time datetime="{}" data-local><span>{}</span> <span>{} UTC</span></time>',
        moment.isoformat(),
        moment.strftime("%Y-%m-%d"),
        moment.strftime("%H:%M"),
    )


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as HH:MM (HH:MM:SS when there are leftover seconds); "—" when unknown."""
    if not seconds:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}"
    return f"{text}:{secs:02d}" if secs else text


@register.filter
def spoken_duration(seconds: int | None) -> str:
    """Seconds in words, for learners: "1 hour 30 minutes", "45 minutes", "50 seconds"."""
    if seconds is None:
        return "—"
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes:
        parts.append(
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        )
    if secs or not parts:
        parts.append(ngettext("%(count)d second", "%(count)d seconds", secs) % {"count": secs})
    return " ".join(parts)
