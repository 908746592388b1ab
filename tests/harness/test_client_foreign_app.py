"""The simulated client against an app shaped nothing like the reference app.

An OAuth-style token endpoint: form bodies, one endpoint for login and refresh, opaque
access tokens whose lifetime only `expires_in` tells, refresh tokens in JSON bodies,
`400 invalid_grant` for a dead refresh token and a bare 401 for a dead access token.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from harness import checks
from harness.client import ClientOptions, Profile, SignedOut, Target
from harness.clock import VirtualClock
from harness.events import Recorder, RedirectToLogin, RequestSent, Rotation, Unauthorized
from harness.target import TargetProfile, parse_profile

ACCESS_TTL_S = 300
PROFILE: dict[str, Any] = {
    "name": "notes-oauth",
    "base_url": "http://127.0.0.1:9",
    "users": [{"name": "qa", "identifier": "qa", "password": "pw"}],
    "tokens": {
        "access_token": "json:/access_token",
        "refresh_token": "json:/refresh_token",
        "expires_in": "json:/expires_in",
    },
    "login": {
        "path": "/oauth/token",
        "body": "form",
        "fields": {"grant_type": "password", "username": "{identifier}", "password": "{password}"},
    },
    "refresh": {
        "path": "/oauth/token",
        "body": "form",
        "fields": {"grant_type": "refresh_token", "refresh_token": "{refresh_token}"},
    },
    "probe": {"method": "GET", "path": "/me"},
    "action": {"path": "/notes", "fields": {"text": "{text}"}, "reply": "json:/saved"},
    "errors": {"code": "json:/error", "reasons": {"invalid_grant": "refresh_rejected"}},
}


class NotesApp:
    """Opaque tokens in dicts; time from time.time(), which the virtual clock freezes."""

    def __init__(self) -> None:
        self.access: dict[str, float] = {}
        self.refresh: set[str] = set()
        self.app = FastAPI()
        self.app.post("/oauth/token")(self.token)
        self.app.get("/me")(self.me)
        self.app.post("/notes")(self.notes)

    def issue(self) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.access[access] = time.time() + ACCESS_TTL_S
        self.refresh.add(refresh)
        return {"access_token": access, "refresh_token": refresh, "expires_in": ACCESS_TTL_S}

    async def token(self, request: Request) -> Any:
        form = dict(parse_qsl((await request.body()).decode()))
        if form.get("grant_type") == "password" and form.get("password") == "pw":
            return self.issue()
        if form.get("grant_type") == "refresh_token" and form.get("refresh_token") in self.refresh:
            self.refresh.discard(str(form["refresh_token"]))  # rotation, no grace
            return self.issue()
        return JSONResponse({"error": "invalid_grant"}, status_code=400)

    def authorised(self, request: Request) -> bool:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        return self.access.get(token, 0.0) > time.time()

    async def me(self, request: Request) -> Any:
        if not self.authorised(request):
            return JSONResponse({"detail": "not authenticated"}, status_code=401)
        return {"user": "qa"}

    async def notes(self, request: Request) -> Any:
        if not self.authorised(request):
            return JSONResponse({"detail": "not authenticated"}, status_code=401)
        return {"saved": (await request.json())["text"]}


@pytest.fixture
def notes() -> NotesApp:
    return NotesApp()


@pytest.fixture
def spec() -> TargetProfile:
    return parse_profile(PROFILE)


@pytest.fixture
async def make_profile(
    notes: NotesApp, spec: TargetProfile, recorder: Recorder
) -> AsyncIterator[Any]:
    opened: list[Profile] = []
    with VirtualClock(recorder=recorder) as clock:

        async def make(options: ClientOptions | None = None) -> Profile:
            target = Target.in_process(notes.app, spec)
            profile = Profile(target, clock, recorder, name="qa", user=spec.users[0],
                              options=options or ClientOptions())  # fmt: skip
            await profile.ready()
            opened.append(profile)
            return profile

        yield make, clock
        for profile in opened:
            await profile.aclose()


async def test_proactive_refresh_from_expires_in_keeps_the_user_in_for_twenty_minutes(
    make_profile: Any, recorder: Recorder
) -> None:
    make, clock = make_profile
    tab = await (await make()).login()
    for minute in range(20):
        assert await tab.chat(f"note {minute}") == f"note {minute}"
        await clock.advance(60)
    checks.no_redirect_to_login(recorder)
    checks.no_unauthorized(recorder)
    checks.refreshed_before_expiry(recorder)
    # 5-minute tokens refreshed a fifth of their life early: every 4 minutes, each a rotation.
    assert recorder.count(Rotation) == 5


async def test_without_proactive_refresh_a_bare_401_is_refreshed_and_retried(
    make_profile: Any, recorder: Recorder
) -> None:
    make, clock = make_profile
    tab = await (await make(ClientOptions(proactive_refresh=False))).login()
    await clock.advance(ACCESS_TTL_S + 1)
    assert (await tab.probe()).json() == {"user": "qa"}
    assert [e.error for e in recorder.of_kind(Unauthorized)] == ["token_rejected"]
    checks.no_redirect_to_login(recorder)


async def test_two_tabs_share_one_refresh_of_a_body_carried_refresh_token(
    make_profile: Any, recorder: Recorder
) -> None:
    make, clock = make_profile
    profile = await make()
    tabs = [await profile.login(), await profile.open_tab()]
    await clock.advance(ACCESS_TTL_S - 30, mode="fast_forward")
    for tab in tabs:
        await tab.probe()
    checks.refreshes_per_profile(recorder, 1)
    checks.no_redirect_to_login(recorder)


async def test_a_revoked_refresh_token_sends_the_user_to_login_with_the_default_message(
    make_profile: Any, notes: NotesApp, recorder: Recorder
) -> None:
    make, clock = make_profile
    tab = await (await make()).login()
    notes.refresh.clear()  # the server forgot every refresh token
    await clock.advance(ACCESS_TTL_S, mode="fast_forward")
    with pytest.raises(SignedOut):
        await tab.chat("lost?")
    redirect = checks.redirected_to_login(recorder, reason="refresh_rejected")
    assert redirect.message == "Please sign in again."
    assert recorder.count(RedirectToLogin) == 1
    [refresh] = [e for e in recorder.of_kind(RequestSent) if e.purpose == "refresh"]
    assert refresh.path == "/oauth/token"
