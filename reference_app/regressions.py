"""Deliberately injected bugs, switched on by name with `REFAPP_REGRESSIONS`: the bug catalogue.

Every regression is named here, with where it lives, what it breaks and where the bug class
comes from, so that a suite can prove it catches each one (`session-harness mutants`,
docs/regressions.md). The healthy code paths only ask whether a name is switched on; what
a bug does beyond one expression lives here. Client-side names are served to clients in
`/api/auth/config`: the browser frontend applies all of them, the harness's Python client
those marked `python_client`.
"""

from __future__ import annotations

import secrets
import uuid
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import jwt

from reference_app.store import Session, SessionStore

Layer = Literal["server", "client"]


@dataclass(frozen=True)
class Regression:
    name: str
    layer: Layer
    breaks: str  # what goes wrong, in a sentence
    source: str  # where the bug class comes from
    python_client: bool = False  # client bugs the harness's simulated client can also have


def _server(name: str, breaks: str, source: str) -> Regression:
    return Regression(name, "server", breaks, source)


def _client(name: str, breaks: str, source: str, *, python: bool = True) -> Regression:
    return Regression(name, "client", breaks, source, python_client=python)


LEGACY_ACCESS_TTL = "legacy_access_ttl"
NAIVE_DATETIMES = "naive_datetimes"
NO_REUSE_GRACE = "no_reuse_grace"
GRACE_NEW_CHILD = "grace_new_child"
FIXED_REFRESH_EXPIRY = "fixed_refresh_expiry"
NO_ABSOLUTE_ON_REFRESH = "no_absolute_on_refresh"
IDLE_UNCHECKED_ON_REFRESH = "idle_unchecked_on_refresh"
CSRF_HEADER_OPTIONAL = "csrf_header_optional"
CSRF_ORIGIN_IGNORED = "csrf_origin_ignored"
UNGUARDED_ROTATION = "unguarded_rotation"
REFRESH_COUNTS_AS_ACTIVITY = "refresh_counts_as_activity"
ACTIVITY_MARKS_DROPPED = "activity_marks_dropped"
NO_REUSE_DETECTION = "no_reuse_detection"
NO_ROTATION = "no_rotation"
LOGOUT_KEEPS_SESSION = "logout_keeps_session"
LOGOUT_ALL_CURRENT_ONLY = "logout_all_current_only"
STATELESS_ACCESS = "stateless_access"
ACCESS_EXP_UNCHECKED = "access_exp_unchecked"
REFRESH_COOKIE_PATH_ROOT = "refresh_cookie_path_root"
REFRESH_COOKIE_SCRIPT_READABLE = "refresh_cookie_script_readable"
REFRESH_COOKIE_OUTLIVES_TTL = "refresh_cookie_outlives_ttl"
LOGOUT_CLEARS_WRONG_PATH = "logout_clears_wrong_path"
SHARED_SESSION_CACHE = "shared_session_cache"
LOGIN_FOLLOWS_ANY_NEXT = "login_follows_any_next"

CATALOGUE: tuple[Regression, ...] = (
    _server(
        LEGACY_ACCESS_TTL,
        "login issues access tokens through a second path with a 7-day TTL",
        "story 3.2 Issues #1-#2 (AuthService vs TokenService)",
    ),
    _server(
        NAIVE_DATETIMES,
        "the store hands back naive datetimes; comparing them with aware ones crashes (500)",
        "story 3.2 root cause #3 (MongoDB naive datetimes)",
    ),
    _server(
        NO_REUSE_GRACE,
        "the parent token is refused even inside the grace window: a lost response signs out",
        "Okta/Auth0/Supabase reuse interval; RFC 9700 §4.14.2",
    ),
    _server(
        GRACE_NEW_CHILD,
        "inside the grace window the parent gets a freshly minted token, not the stored child",
        "Supabase: the parent always gets the active token back; RFC 9700 §4.14.2",
    ),
    _server(
        FIXED_REFRESH_EXPIRY,
        "rotation does not slide the refresh expiry: an active user is out after its TTL",
        "OWASP ASVS 5.0 7.3.1 (inactivity, not age), Keycloak SSO Session Idle",
    ),
    _server(
        NO_ABSOLUTE_ON_REFRESH,
        "the refresh endpoint neither checks nor caps at the absolute lifetime",
        "OWASP ASVS 5.0 7.3.2, 10.4.8 (absolute expiry even with sliding refresh)",
    ),
    _server(
        IDLE_UNCHECKED_ON_REFRESH,
        "the refresh endpoint ignores the idle deadline (only API calls enforce it)",
        "OWASP ASVS 5.0 7.3.1; RFC 9700 §4.14.2 (expire after inactivity)",
    ),
    _server(
        CSRF_HEADER_OPTIONAL,
        "cookie endpoints accept requests without the X-Requested-With header",
        "OWASP WSTG-SESS-05, ASVS 5.0 3.5.1 (CSRF on cookie-authenticated endpoints)",
    ),
    _server(
        CSRF_ORIGIN_IGNORED,
        "cookie endpoints accept a foreign Origin",
        "OWASP WSTG-SESS-05, CSRF cheat sheet (verify the Origin header)",
    ),
    _server(
        UNGUARDED_ROTATION,
        "rotation reads, then writes without a lock or a conditional update: concurrent "
        "refreshes of one token each rotate it",
        "story 3.2 Issue #5; supabase #8959 (3 tabs, 400 on refresh)",
    ),
    _server(
        REFRESH_COUNTS_AS_ACTIVITY,
        "a refresh extends the idle deadline: an open tab is never idle on the server",
        "OWASP ASVS 5.0 7.3.1 (inactivity timeout); Keycloak idle reset by refresh",
    ),
    _server(
        ACTIVITY_MARKS_DROPPED,
        "throttled activity writes drop the marks in between: the server's idle deadline "
        "lags the user's last call by up to the write interval",
        "throttled last-seen writes (a common store optimisation)",
    ),
    _server(
        NO_REUSE_DETECTION,
        "a replayed rotated token is refused but the family is not revoked",
        "RFC 9700 §4.14.2; OWASP ASVS 5.0 10.4.5",
    ),
    _server(
        NO_ROTATION,
        "refresh hands back the same refresh token (no rotation)",
        "RFC 9700 §4.14.2 (public clients: rotate or sender-constrain)",
    ),
    _server(
        LOGOUT_KEEPS_SESSION,
        "logout clears the cookie but leaves the session alive on the server",
        "OWASP WSTG-SESS-06, ASVS 5.0 7.4.1",
    ),
    _server(
        LOGOUT_ALL_CURRENT_ONLY,
        '"sign out everywhere" ends only the current session',
        "OWASP ASVS 5.0 7.4.3 (terminate all other sessions)",
    ),
    _server(
        STATELESS_ACCESS,
        "access tokens are checked by signature alone: they outlive logout and revocation",
        "OWASP WSTG-SESS-06/10, ASVS 5.0 7.4.1",
    ),
    _server(
        ACCESS_EXP_UNCHECKED,
        "expired access tokens are accepted (exp not verified)",
        "OWASP WSTG-SESS-10 (JWT exp), ASVS 5.0 9.2.1",
    ),
    _server(
        REFRESH_COOKIE_PATH_ROOT,
        "the refresh cookie is set at Path=/: the token travels with every request to the app",
        "OWASP WSTG-SESS-02 (Path attribute); RFC 6265bis §4.1.2.4",
    ),
    _server(
        REFRESH_COOKIE_SCRIPT_READABLE,
        "the refresh cookie lacks HttpOnly: any script on the page (an XSS) can read the token",
        "OWASP WSTG-SESS-02, ASVS 5.0 3.3.4; RFC 6265bis §4.1.2.6",
    ),
    _server(
        REFRESH_COOKIE_OUTLIVES_TTL,
        "the refresh cookie's Max-Age is ten times the refresh TTL: the browser keeps on disk "
        "a token the server no longer honours",
        "OWASP WSTG-SESS-02 (Expires/Max-Age), ASVS 5.0 3.3; RFC 6265bis §4.1.2.2",
    ),
    _server(
        LOGOUT_CLEARS_WRONG_PATH,
        "logout expires the refresh cookie at Path=/, not at the path the sign-in set it at: "
        "the cookie stays in the browser",
        "OWASP WSTG-SESS-06, ASVS 5.0 7.4.1; RFC 6265 §5.3 (a cookie is keyed by name, "
        "domain and path)",
    ),
    _server(
        SHARED_SESSION_CACHE,
        "the session endpoint's answer is cached without the user in the key: for a while "
        "every caller is told the first caller's user and session",
        "OWASP WSTG-SESS-09 / WSTG-ATHZ-02; a response cache keyed by path alone (Web Cache "
        "Deception, CWE-524)",
    ),
    _client(
        "stream_raw_fetch",
        "streaming chat uses a raw fetch that bypasses the auth client (no refresh, no retry)",
        "story 3.2 root cause #2 (fetch bypassed the axios interceptor)",
        python=False,
    ),
    _client(
        "per_tab_lock",
        "the refresh lock and the token are per tab (no Web Locks, no broadcast)",
        "story 3.2 Issue #5; supabase auth-js #213",
    ),
    _client(
        "no_proactive_refresh",
        "no refresh before expiry, no timer: every expiry meets a 401 first",
        "story 3.2 Option A missing (proactive refresh)",
    ),
    _client(
        "ignore_clock_skew",
        "the client compares the server's expiry with its own clock (no skew correction)",
        "auth0-spa-js / supabase auth-js clock-skew issues; RFC 7519 §4.1.4 leeway",
    ),
    _client(
        "no_lock_recheck",
        "a tab that waited for the refresh lock refreshes again instead of re-checking",
        "auth0-spa-js #553 (15 concurrent calls, several refreshes; fixed by double-check)",
    ),
    _client(
        "drop_early_401",
        "a 401 that arrives while another refresh is in flight is given up, not retried",
        "axios-auth-refresh #113",
    ),
    _client(
        "refresh_of_refresh",
        "a 401 from the refresh call is intercepted and refreshed again",
        "axios-auth-refresh #152, #120",
    ),
    _client(
        "no_expiry_warning",
        "no warning before the idle or the absolute sign-out",
        "story 3.2 Issue #3 and AC7",
    ),
    _client(
        "frozen_countdown",
        "the warning's countdown is drawn once, when it appears, and never updated",
        "story 3.2 AC7 (a warning shown before redirect, with its countdown)",
        python=False,
    ),
    _client(
        "absolute_warning_says_idle",
        'the warning before the absolute end shows the idle text and kind ("Are you still '
        'there?"): staying active cannot help, yet the user is asked to',
        "story 3.2 Issue #3 (the 7-day end) and AC7",
        python=False,
    ),
    _client(
        "no_heartbeat",
        "clicks without API calls never reach the server (no heartbeat)",
        "story 3.2 AC5 (user activity extends the session)",
    ),
    _client(
        "heartbeat_every_activity",
        "every click or key press sends a heartbeat at the next tick: an active user's "
        "activity reaches the server far more often than heartbeat_max_seconds allows",
        "story 3.2 AC5 (activity extends the session, at most one heartbeat per "
        "heartbeat_max_seconds); issue 18 class 5 (background request rates)",
    ),
    _client(
        "network_error_signs_out",
        "a refresh that fails on the network signs the user out instead of retrying",
        "story 3.2 test table (network error: retry, then graceful error)",
    ),
    _client(
        "refusal_retried",
        "a refresh refused for good (403, 400) is retried like a 5xx, then shown as a "
        "connection problem: the user is never sent to sign in",
        "RFC 6749 §5.2 (an invalid_grant refusal is final: a retry cannot help)",
    ),
    _client(
        LOGIN_FOLLOWS_ANY_NEXT,
        "the login page goes wherever its `next` parameter says after sign-in "
        "(`//evil.example`, `javascript:`): an open redirect from the real sign-in page",
        "OWASP WSTG-CLNT-04 (client-side URL redirect); CWE-601",
        python=False,
    ),
    _client(
        "no_cookie_fallback",
        "a page without a token in memory or another tab never tries the refresh cookie",
        "story 3.2 Issue #4 (no auth context: a cleared store has no fallback)",
        python=False,
    ),
)

BY_NAME = {regression.name: regression for regression in CATALOGUE}
SERVER = frozenset(r.name for r in CATALOGUE if r.layer == "server")
CLIENT = frozenset(r.name for r in CATALOGUE if r.layer == "client")
KNOWN = SERVER | CLIENT

# The story's old AuthService.ACCESS_TOKEN_EXPIRE_MINUTES.
LEGACY_TTL = timedelta(days=7)


def legacy_access_token(claims: dict[str, object], key: str, now: datetime) -> tuple[str, datetime]:
    """`legacy_access_ttl`: the second issuing path, with its own 7-day TTL."""
    issued = now.replace(microsecond=0)
    expires = issued + LEGACY_TTL
    payload = {**claims, "iat": issued, "exp": expires, "jti": uuid.uuid4().hex}
    token = jwt.encode(payload, key, algorithm="HS256")
    return token, expires


def overwrite(store: SessionStore, new: Session) -> None:
    """`unguarded_rotation`: last writer wins (an upsert without the generation condition)."""
    while True:
        stored = store.get(new.sid)
        if stored is None or stored.revoked:
            return
        if store.replace_if_generation(stored.generation, new):
            return


# How much longer than the refresh TTL `refresh_cookie_outlives_ttl` keeps the cookie.
COOKIE_OUTLIVES_TTL_BY = 10


def refresh_cookie_attributes(bugs: frozenset[str], path: str, refresh_ttl_s: int) -> str:
    """The refresh cookie's attributes after its value (`; HttpOnly; Path=...`), bugs applied."""
    http_only = "" if REFRESH_COOKIE_SCRIPT_READABLE in bugs else "; HttpOnly"
    scope = "/" if REFRESH_COOKIE_PATH_ROOT in bugs else path
    lifetime = ""
    if REFRESH_COOKIE_OUTLIVES_TTL in bugs:
        lifetime = f"; Max-Age={COOKIE_OUTLIVES_TTL_BY * refresh_ttl_s}"
    return f"{http_only}; Path={scope}{lifetime}"


def minted_secret() -> str:
    """`grace_new_child`: a random secret where the stored child's derived one belongs."""
    return urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


# How long `shared_session_cache` keeps an answer: a micro-cache's few seconds.
SHARED_CACHE_TTL = timedelta(seconds=30)


class SharedAnswers:
    """`shared_session_cache`: one kept answer per route for every caller (no user in the key)."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[datetime, dict[str, Any]]] = {}

    def answer(self, route: str, now: datetime, fresh: dict[str, Any]) -> dict[str, Any]:
        kept = self._kept.get(route)
        if kept is not None and now - kept[0] < SHARED_CACHE_TTL:
            return kept[1]
        self._kept[route] = (now, fresh)
        return fresh
