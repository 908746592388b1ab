"""Cross-site requests to the cookie endpoints: refused, and the user's session carries on.

The refresh token travels in a cookie the browser attaches to any request for the app, so a
page of another site could make the victim's browser refresh or sign out. What such a page
cannot do is read the app's cookies or set its custom headers (no CORS preflight allows
them), and its requests carry its own `Origin` (OWASP WSTG-SESS-05).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from harness import NotApplicable, ProfileFactory, Promise, ServerView, VirtualClock, checks
from harness.client.wire import reply_of
from harness.events import Recorder
from harness.target.contract import reason_of

pytestmark = [pytest.mark.needs("refresh_cookie", "action")]

# (whose page sends it, whether the app's own headers are on the request)
CROSS_SITE = [
    pytest.param("attacker", False, id="form-post-from-another-site"),
    pytest.param(None, False, id="no-origin-no-app-headers"),
    pytest.param("attacker", True, id="another-origin-with-the-app-headers"),
    pytest.param("other-port", True, id="same-host-other-port-with-the-app-headers"),
    pytest.param("other-scheme", True, id="same-host-other-scheme-with-the-app-headers"),
    # Served, the app's own origin names its port too: both sides of the comparison do.
    pytest.param("other-port", True, id="served-same-host-other-port", marks=pytest.mark.served),
]


def page_can_send(app_headers: bool, promise: Promise) -> None:
    """A request from another origin that carries the app's own headers models a page that
    got past the CSRF header (a CORS rule too wide): only an Origin check refuses it."""
    if app_headers and not promise.policy.origin_check:
        raise NotApplicable(
            "needs an Origin check on the cookie endpoints ([policy] origin_check = true)"
        )


def origin_of(page: str | None, base_url: str) -> str | None:
    """The `Origin` a page sends: another site on the app's scheme, or the app's host on
    another port or over the other scheme (a different origin all the same)."""
    if page is None:
        return None
    parts = urlsplit(base_url)
    if page == "attacker":
        return f"{parts.scheme}://attacker.example"
    if page == "other-scheme":
        other = "https" if parts.scheme == "http" else "http"
        return f"{other}://{parts.netloc}"
    return f"{parts.scheme}://{parts.hostname}:{(parts.port or 80) + 1}"


def refused_as_csrf(response: httpx.Response, promise: Promise) -> None:
    assert 400 <= response.status_code < 500, (
        f"a cross-site request was answered {response.status_code}: another site can renew "
        "the victim's session, or end it, under the user's feet"
    )
    reason = promise.reason("csrf_failed")
    if reason is not None:
        assert reason_of(promise.profile, reply_of(response), "refresh") == reason
    checks.refusal_explained(promise.profile, reply_of(response))


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Cross-site request to a cookie endpoint")
async def test_refresh_with_the_app_headers_and_no_origin_is_accepted(
    profile: ProfileFactory,
) -> None:
    """A native client, or a browser that sends no Origin on a same-origin request, sends the
    app's headers and no Origin: only a foreign Origin is refused, not a missing one."""
    user = await profile()
    await user.login()
    response = await user.cross_site("refresh", origin=None, app_headers=True)
    assert response.status_code == 200, f"refused without an Origin: {response.text}"


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Cross-site request to a cookie endpoint")
@pytest.mark.parametrize(("page", "app_headers"), CROSS_SITE)
async def test_cross_site_refresh_is_refused_and_rotates_nothing(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
    page: str | None,
    app_headers: bool,
) -> None:
    page_can_send(app_headers, promise)
    user = await profile()
    tab = await user.login()
    origin = origin_of(page, user.target.base_url)
    response = await user.cross_site("refresh", origin=origin, app_headers=app_headers)
    refused_as_csrf(response, promise)
    # The user's own session goes on through the next expiry.
    await clock.advance(promise.access_ttl + timedelta(minutes=1), mode="fast_forward")
    assert await tab.chat("4+4")
    checks.no_redirect_to_login(recorder)
    checks.rotated_once_per_generation(await server_view.session(user), recorder, profile=user.name)


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Cross-site request to a cookie endpoint")
@pytest.mark.needs("logout")
@pytest.mark.parametrize(("page", "app_headers"), CROSS_SITE[:2])
async def test_cross_site_logout_does_not_end_the_session(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    server_view: ServerView,
    page: str | None,
    app_headers: bool,
) -> None:
    user = await profile()
    tab = await user.login()
    origin = origin_of(page, user.target.base_url)
    await user.cross_site("logout", origin=origin, app_headers=app_headers)
    await clock.advance(60)
    assert await tab.chat("5+5")
    checks.no_redirect_to_login(recorder)
    checks.server_kept_session(await server_view.session(user))
