"""Fixtures of the browser tests: one headless Chromium per session, a fresh context per test,
and `browser_as(user)` that opens a page signed in as that user on the live server.

Debian's Chromium is driven through Playwright's sync API (never `playwright install`). The sync
API runs an event loop in the test thread, so Django's guard against ORM calls from async code
is switched off here: the test thread only arranges data and checks the database.
"""

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    expect,
)
from pytest_django.live_server_helper import LiveServer

VIEWPORT = {"width": 1100, "height": 800}
# Every wait is bounded: actions and assertions give up after this many milliseconds.
ACTION_TIMEOUT_MS = 10_000
NAVIGATION_TIMEOUT_MS = 15_000

expect.set_options(timeout=ACTION_TIMEOUT_MS)


# The provider callback: the simulated vendor sends it from inside a request and waits for it.
_CALLBACK = re.compile(r"^/api/v1/proctoring/[^/]+/callback/$")


def _drain(result: Iterable[bytes]) -> list[bytes]:
    try:
        return list(result)
    finally:
        if hasattr(result, "close"):
            result.close()


class _OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server for an in-memory SQLite test database.

    Every server thread then shares the test's one connection, and two requests in flight at
    once (a page saving two answers together) corrupt the connection's transaction state
    ("no such savepoint"). Handling one request at a time keeps the threads (so a kept-alive
    connection blocks nobody) without sharing the connection between them. Provider callbacks
    pass: the simulated vendor sends them from inside a request that holds the turn and waits
    for their answer (touching the connection no more until then), so queueing them would
    deadlock. PostgreSQL gives each thread its own connection and uses Django's threaded
    server unchanged.
    """

    request_lock = threading.Lock()

    def set_app(self, application: Callable) -> None:
        def one_at_a_time(environ: dict, start_response: Callable) -> list[bytes]:
            if _CALLBACK.match(environ.get("PATH_INFO", "")):
                return _drain(application(environ, start_response))
            with self.request_lock:
                return _drain(application(environ, start_response))

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, serialising requests when the database is in-memory SQLite."""
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    if server.thread.connections_override:
        server.thread.server_class = _OneRequestAtATimeServer
    server.start()
    yield server
    server.stop()


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    """A fresh context (cookies, storage) per test; fails the test on any uncaught page error
    or Content-Security-Policy violation."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, locale="en-US")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    # Every page runs under the site's Content-Security-Policy: a violation fails the test.
    context.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield context
    context.close()
    assert errors == [], f"JavaScript errors or CSP violations on the pages: {errors}"


@pytest.fixture
def browser_as(context: BrowserContext, live_server) -> Callable[..., Page]:
    """`browser_as(user)` returns a new page signed in as `user` (session cookie of a
    `force_login`); pass `path=` to open a page at once, `language=` to choose the site's
    language as the language switcher does (its cookie)."""

    def open_page(user, path: str | None = None, *, language: str | None = None) -> Page:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies = [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        if language is not None:
            cookies.append(
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
            )
        context.add_cookies(cookies)
        page = context.new_page()
        if path is not None:
            page.goto(path)
        return page

    return open_page
