"""Tokens signed with the app's own key that the app never issued are refused, and the user's
own session carries on (RFC 8725: explicit typing, every claim validated; OWASP WSTG-SESS-10).

Test deployments usually hold the signing key in an environment variable ([access]
signing_key_env): with it the harness copies a token the app issued, changes one claim and
signs it again. The unchanged copy must be accepted, or the harness's key is not the app's
and nothing here would mean anything. A claim the standards leave to the app (a float time,
an `iat` before 1970, an `exp` past the year 9999, a missing `jti`) may be accepted or
refused, never answered with a 5xx.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import pytest

from harness import NotApplicable, ProfileFactory, Promise, ServerView, checks
from harness.client.wire import reply_of
from harness.clock import VirtualClock
from harness.drivers import ProfileDriver
from harness.events import Recorder
from harness.target import jws

# `signing_key` comes first in each test: an app whose key is unknown is not contacted at all.
pytestmark = [pytest.mark.needs("probe", "signing_key")]

DROP = object()  # a change that removes the claim
DAY = 86400
YEAR_10000 = 253402300800  # 10000-01-01T00:00:00Z: beyond every datetime library's range
INVALID = frozenset({"token_invalid"})
INVALID_OR_ENDED = frozenset({"token_invalid", "session_revoked"})
_HEX = re.compile(r"^[0-9a-fA-F]+$")


@dataclass(frozen=True)
class Reissue:
    """A token the app issued, to copy with a change and sign again with the app's key."""

    header: dict[str, Any]
    claims: dict[str, Any]
    key: str
    names: dict[str, str] = field(default_factory=dict)  # subject, session, type → claim name

    def token(self, changes: dict[str, object]) -> str:
        claims = {**self.claims, **changes}
        return jws.sign(self.header, {k: v for k, v in claims.items() if v is not DROP}, self.key)

    def claim(self, role: str) -> str | None:
        """The claim name of `role` (subject, session, type) when the issued token has it."""
        name = self.names[role]
        return name if name in self.claims else None

    def times(self, now: int) -> tuple[int, int]:
        """The issued token's lifetime moved to start `now`: (iat, exp)."""
        iat, exp = self.claims.get("iat"), self.claims.get("exp")
        lifetime = exp - iat if isinstance(iat, int) and isinstance(exp, int) else 300
        return now, now + max(lifetime, 1)


def reissue_of(user: ProfileDriver, key: str, promise: Promise) -> Reissue:
    """The user's access token as a Reissue; not applicable when it is no JWS."""
    token = user.login_access_token
    parts = jws.decoded(token) if token else None
    if parts is None:
        raise NotApplicable("the app's access tokens are not JWTs the harness can sign again")
    header, claims = parts
    access = promise.profile.access
    names = {
        "subject": access.subject_claim,
        "session": access.session_claim,
        "type": access.type_claim,
    }
    return Reissue(jws.signing_header(promise.profile, header), claims, key, names)


async def accepted(attacker: ProfileDriver, token: str, label: str) -> None:
    response = await attacker.present_access_token(token)
    assert 200 <= response.status_code < 300, f"{label}: answered {response.status_code}"


async def key_works(attacker: ProfileDriver, reissue: Reissue) -> None:
    """The issued claims signed again by the harness are accepted: its key is the app's."""
    response = await attacker.present_access_token(reissue.token({}))
    assert 200 <= response.status_code < 300, (
        f"the harness's key is not the app's: the issued token signed again "
        f"({reissue.header['alg']}) answered {response.status_code}"
    )


async def refusal_problem(
    attacker: ProfileDriver,
    promise: Promise,
    token: str,
    label: str,
    reasons: frozenset[str] = INVALID,
) -> str | None:
    """What is wrong with the app's answer to `token`, which it must refuse
    (`checks.access_refused`); None: nothing."""
    response = await attacker.present_access_token(token)
    try:
        checks.access_refused(promise, reply_of(response), reasons, label=label)
    except checks.CheckFailed as failed:
        return str(failed)
    return None


async def refused(
    attacker: ProfileDriver,
    promise: Promise,
    token: str,
    label: str,
    reasons: frozenset[str] = INVALID,
) -> None:
    problem = await refusal_problem(attacker, promise, token, label, reasons)
    assert problem is None, problem


async def server_error(attacker: ProfileDriver, token: str, label: str) -> str | None:
    """A 5xx answer to `token`, which the app may accept or refuse as it sees fit."""
    status = (await attacker.present_access_token(token)).status_code
    return f"{label}: a server error ({status})" if status >= 500 else None


def unknown_like(value: object) -> object:
    """A session id of the same shape as `value` that the app never handed out."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value + 10**9
    text = str(value)
    if _HEX.match(text):
        return secrets.token_hex(max(len(text) // 2, 8))
    return secrets.token_urlsafe(max(len(text) * 3 // 4, 12))


def wrong_types(value: object) -> list[object]:
    """JSON values of another type than an identifier claim's: a list, null, an object, and a
    number for a string."""
    others: list[object] = [[value], None, {"id": value}]
    return [*others, 7] if isinstance(value, str) else others


def wrong_claims(reissue: Reissue, now: int) -> dict[str, dict[str, object]]:
    """Changes every app must refuse, by label."""
    iat, exp = reissue.times(now)
    changes: dict[str, dict[str, object]] = {
        "exp equal to iat (both ahead)": {"iat": now + 30, "exp": now + 30},
        "exp before iat (both ahead)": {"iat": now + 30, "exp": now + 20},
        "iat a day ahead": {"iat": now + DAY, "exp": now + DAY + exp - iat},
        "nbf a day ahead": {"nbf": now + DAY, "exp": now + DAY + exp - iat},
        "exp negative": {"exp": -1},
        "iat as a string": {"iat": str(iat)},
        "exp as a string": {"exp": str(exp)},
        "nbf as a string": {"nbf": str(iat)},
        "exp missing": {"exp": DROP},
    }
    if (kind := reissue.claim("type")) is not None:
        for value in ("refresh", "id"):
            if value != reissue.claims[kind]:
                changes[f"{kind} {value!r}"] = {kind: value}
        changes[f"{kind} missing"] = {kind: DROP}
    for role in ("subject", "session"):
        if (name := reissue.claim(role)) is not None:
            changes[f"{name} missing"] = {name: DROP}
            for wrong in wrong_types(reissue.claims[name]):
                changes[f"{name} {wrong!r}"] = {name: wrong}
    if (sid := reissue.claim("session")) is not None:
        changes[f"{sid} of a session that never existed"] = {sid: unknown_like(reissue.claims[sid])}
    return changes


def doubtful_claims(reissue: Reissue, now: int) -> dict[str, dict[str, object]]:
    """Changes the standards leave to the app: either answer will do, a 5xx will not."""
    iat, exp = reissue.times(now)
    changes: dict[str, dict[str, object]] = {
        "iat and exp as fractions": {"iat": iat + 0.5, "exp": exp + 0.5},
        "iat before 1970": {"iat": -DAY},
        "exp beyond the year 9999": {"exp": YEAR_10000},
    }
    essential = {"exp", *(reissue.claim(role) for role in ("subject", "session", "type"))}
    for name in sorted(set(reissue.claims) - essential):
        changes[f"{name} missing"] = {name: DROP}
    return changes


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Well-signed tokens with wrong claims")
async def test_well_signed_tokens_with_wrong_claims_are_refused_and_the_users_session_goes_on(
    signing_key: str,
    profile: ProfileFactory,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
    clock: VirtualClock,
) -> None:
    user = await profile()
    tab = await user.login()
    reissue = reissue_of(user, signing_key, promise)
    attacker = await profile(name="attacker")  # the forger has none of the user's cookies
    await key_works(attacker, reissue)
    now = math.floor(clock.now().timestamp())
    problems = []  # every variant is tried: one run shows all the app lets through
    for label, change in wrong_claims(reissue, now).items():
        reasons = INVALID | {"token_expired"} if label == "exp negative" else INVALID
        reasons = INVALID_OR_ENDED if "never existed" in label else reasons
        token = reissue.token(change)
        problems.append(await refusal_problem(attacker, promise, token, label, reasons))
    for label, change in doubtful_claims(reissue, now).items():
        problems.append(await server_error(attacker, reissue.token(change), label))
    found = [problem for problem in problems if problem is not None]
    assert not found, f"{len(found)} well-signed token(s) mishandled: " + "; ".join(found)
    assert await tab.chat("2+3")
    checks.no_redirect_to_login(recorder)
    checks.server_kept_session(await server_view.session(user))


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Well-signed tokens with wrong claims")
@pytest.mark.needs("two_users")
async def test_well_signed_tokens_mixing_two_users_sessions_are_refused(
    signing_key: str,
    profile: ProfileFactory,
    recorder: Recorder,
    promise: Promise,
    server_view: ServerView,
) -> None:
    """A subject with another user's session claim, either way round: an app that trusts the
    session claim alone (or the subject alone) would serve one user as the other."""
    alice, bob = await profile(0), await profile(1)
    tabs = [await alice.login(), await bob.login()]
    mine, theirs = [reissue_of(user, signing_key, promise) for user in (alice, bob)]
    sub, sid = mine.claim("subject"), mine.claim("session")
    if sub is None or sid is None:
        raise NotApplicable("the app's access tokens carry no subject and session claims")
    attacker = await profile(name="attacker")
    await key_works(attacker, mine)
    mixes = {
        f"{alice.name}'s {sub} with {bob.name}'s {sid}": {sid: theirs.claims[sid]},
        f"{bob.name}'s {sub} with {alice.name}'s {sid}": {sub: theirs.claims[sub]},
    }
    for label, change in mixes.items():
        await refused(attacker, promise, mine.token(change), label, INVALID_OR_ENDED)
    for tab, user in zip(tabs, (alice, bob), strict=True):
        assert await tab.chat("6*7")
        checks.server_kept_session(await server_view.session(user))
    checks.no_redirect_to_login(recorder)


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Well-signed tokens with wrong claims")
async def test_iat_and_nbf_up_to_the_leeway_ahead_are_accepted_and_beyond_it_refused(
    signing_key: str, profile: ProfileFactory, promise: Promise, clock: VirtualClock
) -> None:
    """The app's promised leeway for clocks ahead ([policy] issued_at_leeway_seconds), both
    edges: a token issued by a process whose clock runs up to the leeway ahead works, one a
    few seconds further ahead does not."""
    leeway = math.floor(promise.require("issued_at_leeway_seconds").total_seconds())
    user = await profile()
    await user.login()
    reissue = reissue_of(user, signing_key, promise)
    attacker = await profile(name="attacker")
    await key_works(attacker, reissue)
    now = clock.now().timestamp()
    edge, beyond = math.floor(now) + leeway, math.ceil(now) + leeway + 5
    for ahead, label in ((edge, "at the leeway"), (beyond, "5 s beyond the leeway")):
        iat, exp = reissue.times(ahead)
        issued_ahead = reissue.token({"iat": iat, "exp": exp})
        valid_from_ahead = reissue.token({"nbf": ahead, "exp": exp})
        if ahead == edge:
            await accepted(attacker, issued_ahead, f"iat {label}")
            await accepted(attacker, valid_from_ahead, f"nbf {label}")
        else:
            await refused(attacker, promise, issued_ahead, f"iat {label}")
            await refused(attacker, promise, valid_from_ahead, f"nbf {label}")


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Well-signed tokens with wrong claims")
@pytest.mark.needs("logout")
async def test_a_fresh_well_signed_token_of_a_logged_out_session_is_refused(
    signing_key: str, profile: ProfileFactory, promise: Promise, clock: VirtualClock
) -> None:
    """An app that revokes access with its sessions checks the session, not only the
    signature: a token made after the logout, unexpired and well signed, names an ended
    session and gets nothing."""
    if not promise.policy.access_revocation:
        raise NotApplicable("needs [policy] access_revocation = true in the target profile")
    user = await profile()
    tab = await user.login()
    reissue = reissue_of(user, signing_key, promise)
    attacker = await profile(name="attacker")
    await key_works(attacker, reissue)
    await tab.logout()
    iat, exp = reissue.times(math.floor(clock.now().timestamp()))
    fresh: dict[str, object] = {"iat": iat, "exp": exp}
    if "jti" in reissue.claims:
        fresh["jti"] = secrets.token_hex(16)
    label = "a token made after the logout"
    await refused(attacker, promise, reissue.token(fresh), label, INVALID_OR_ENDED)
