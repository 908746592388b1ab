"""Cross-site requests to the cookie endpoints: refused, and the user's session carries on.

The refresh token travels in a cookie the browser attaches to any request for the app, so a
page of another site could make the victim's browser refresh or sign out. What such a page
cannot do is read the app's cookies or set its custom headers (no CORS preflight allows
them), and its requests carry its own `Origin` (OWASP WSTG-SESS-05).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import ProfileFactory, Promise, ServerView, VirtualClock, checks
from harness.events import Recorder

pytestmark = [pytest.mark.needs("refresh_cookie", "action")]

ATTACKER = "https://attacker.example"
# (Origin, whether the app's own headers are on the request)
CROSS_SITE = [
    pytest.param(ATTACKER, False, id="form-post-from-another-site"),
    pytest.param(None, False, id="no-origin-no-app-headers"),
    pytest.param(ATTACKER, True, id="another-origin-with-the-app-headers"),
]


def refused(status: int) -> bool:
    return 400 <= status < 500


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Cross-site request to a cookie endpoint")
@pytest.mark.parametrize(("origin", "app_headers"), CROSS_SITE)
async def test_cross_site_refresh_is_refused_and_rotates_nothing(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
    origin: str | None,
    app_headers: bool,
) -> None:
    user = await profile()
    tab = await user.login()
    response = await user.cross_site("refresh", origin=origin, app_headers=app_headers)
    assert refused(response.status_code), (
        f"a cross-site refresh was answered {response.status_code}: another site can renew "
        "the victim's session and read nothing, or rotate it under the user's feet"
    )
    # The user's own session goes on through the next expiry.
    await clock.advance(promise.access_ttl + timedelta(minutes=1), mode="fast_forward")
    assert await tab.chat("4+4")
    checks.no_redirect_to_login(recorder)
    checks.rotated_once_per_generation(await server_view.session(user), recorder, profile=user.name)


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Cross-site request to a cookie endpoint")
@pytest.mark.needs("logout")
@pytest.mark.parametrize(("origin", "app_headers"), CROSS_SITE[:2])
async def test_cross_site_logout_does_not_end_the_session(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    server_view: ServerView,
    origin: str | None,
    app_headers: bool,
) -> None:
    user = await profile()
    tab = await user.login()
    await user.cross_site("logout", origin=origin, app_headers=app_headers)
    await clock.advance(60)
    assert await tab.chat("5+5")
    checks.no_redirect_to_login(recorder)
    checks.server_kept_session(await server_view.session(user))
