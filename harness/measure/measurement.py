"""The whole measurement: each probe in turn, then one finding per promise."""

from __future__ import annotations

from harness.measure import deadlines, revocation
from harness.measure.finding import Finding, judged, seconds, shown, unmeasured
from harness.measure.lab import Lab
from harness.measure.search import Bracket

REPLAY = "replay outside the window"
NEEDS_CLOCK = "not measured: needs a clock that moves (clock.mode = none)"


async def measure(lab: Lab) -> list[Finding]:
    """Every finding about the app's session policy, in the order of the [policy] table."""
    findings: list[Finding] = []
    alone: int | None = None
    if lab.movable:
        timed, alone = await _lifetimes(lab)
        findings += timed
    else:
        findings += [unmeasured(what, lab.promise, field, NEEDS_CLOCK) for what, field in _TIMED]
    findings += await _rotation(lab, alone)
    findings.append(await _logout(lab))
    return findings


_TIMED = (
    ("access TTL (login)", "access_ttl_seconds"),
    ("access TTL (refresh)", "access_ttl_seconds"),
    ("refresh TTL", "refresh_ttl_seconds"),
    ("refresh expiry", "refresh_expiry"),
    ("idle timeout", "idle_timeout_seconds"),
    ("absolute lifetime", "absolute_seconds"),
)


async def _lifetimes(lab: Lab) -> tuple[list[Finding], int | None]:
    """The timed rows, and the age at which a session left alone is refused (None: never)."""
    promise, rows = lab.promise, []
    access: Bracket | None = None
    if lab.activity is None:
        why = "not measured: needs a [probe] or [action] request to use the access token"
        rows += [
            unmeasured(f"access TTL ({via})", promise, "access_ttl_seconds", why)
            for via in ("login", "refresh")
        ]
    else:
        for via in ("login", "refresh"):
            bracket, said = await deadlines.access_deadline(lab, via)
            access = access or bracket
            rows.append(
                _deadline(
                    f"access TTL ({via})",
                    lab,
                    "access_ttl_seconds",
                    bracket,
                    f"; the token says {said}",
                )
            )
    alone = await deadlines.alone_deadline(lab)
    if alone.refused is None:
        why = f"not measured: a session left alone is {alone}"
        rows += [unmeasured(what, promise, field, why) for what, field in _TIMED[2:]]
        return rows, None
    idle = await deadlines.activity_extends(lab, alone.refused, _end(access, alone.refused))
    kept = await deadlines.kept_alive(lab, alone.refused, await deadlines.announced_end(lab))
    return rows + _alone_rows(lab, alone, idle, kept), alone.refused


def _end(bracket: Bracket | None, default: int) -> int:
    return bracket.refused if bracket is not None and bracket.refused is not None else default


def _deadline(what: str, lab: Lab, field: str, bracket: Bracket, note: str = "") -> Finding:
    if bracket.refused is None:
        return unmeasured(what, lab.promise, field, f"no deadline: {bracket}{note}")
    value = _value(lab, field, bracket)
    text = f"{seconds(value)} ({bracket}){note}"
    if not bracket.exact:
        text += f"; to within {seconds(bracket.refused - bracket.worked)}"
    return judged(what, lab.promise, field, value, text)


def _value(lab: Lab, field: str, bracket: Bracket, *, window: bool = False) -> float:
    """The number a bracket measures: the promise when the probes cannot tell it apart from
    the truth (it lies between the last served and the first refused delay, whichever of the
    two the app counts as inside), else the first refused delay of a deadline, or the last
    served delay of a window."""
    assert bracket.refused is not None
    promised = getattr(lab.promise, field)
    if isinstance(promised, int | float) and bracket.worked <= promised <= bracket.refused:
        return float(promised)
    return float(bracket.worked if window else bracket.refused)


def _alone_rows(lab: Lab, alone: Bracket, idle: bool | None, kept: deadlines.Kept) -> list[Finding]:
    """What a session left alone and one kept active say about refresh TTL, expiry, idle
    timeout and absolute lifetime: activity alone keeps it → the lone deadline is idleness."""
    promise, end = lab.promise, alone.refused
    assert end is not None
    k = kept.bracket
    fixed = k.refused is not None and k.worked < end <= k.refused
    rows = []
    if idle:
        idle_s = seconds(_value(lab, "idle_timeout_seconds", alone))
        why = f"not measured: the idle timeout ({idle_s}) ends a session left alone first"
        rows.append(unmeasured("refresh TTL", promise, "refresh_ttl_seconds", why))
        rows.append(_expiry_behind_idle(lab, kept))
        rows.append(
            _deadline(
                "idle timeout", lab, "idle_timeout_seconds", alone, "; a request alone moves it"
            )
        )
    else:
        rows.append(_deadline("refresh TTL", lab, "refresh_ttl_seconds", alone))
        expiry = "fixed" if fixed else "sliding"
        every = f"refreshed and used every {seconds(kept.step)}, a session"
        how = f"{every} {'still ended by' if fixed else 'outlived'} {seconds(end)} after sign-in"
        rows.append(judged("refresh expiry", promise, "refresh_expiry", expiry, f"{expiry}: {how}"))
        why = "" if idle is False else " (a request could not be made in time to tell)"
        rows.append(
            judged(
                "idle timeout",
                promise,
                "idle_timeout_seconds",
                0.0,
                f"none: the refresh token's {seconds(end)} ends an idle session first{why}",
            )
        )
    rows.append(_absolute(lab, kept, end if fixed and not idle else None))
    return rows


def _expiry_behind_idle(lab: Lab, kept: deadlines.Kept) -> Finding:
    promise = lab.promise
    ttl = promise.refresh_ttl_seconds
    lived = kept.bracket.worked
    if ttl is None:
        why = "not measured: the idle timeout hides the refresh token's own lifetime"
        return unmeasured("refresh expiry", promise, "refresh_expiry", why)
    if lived > ttl:
        text = f"sliding: kept active, the session outlived the {seconds(ttl)} refresh TTL"
        return judged("refresh expiry", promise, "refresh_expiry", "sliding", text)
    why = f"not measured: the session ended ({seconds(lived)}) before the refresh TTL"
    return unmeasured("refresh expiry", promise, "refresh_expiry", why)


def _absolute(lab: Lab, kept: deadlines.Kept, fixed_end: int | None) -> Finding:
    k = kept.bracket
    if fixed_end is not None:
        text = f"{seconds(fixed_end)}: the fixed refresh token ends even an active session"
        return judged("absolute lifetime", lab.promise, "absolute_seconds", float(fixed_end), text)
    if k.refused is None:
        text = f"none: refreshed and used every {seconds(kept.step)}, {k}"
        return Finding("absolute lifetime", shown(lab.promise.absolute_seconds), text, "measured")
    note = f"; refreshed and used every {seconds(kept.step)}"
    return _deadline("absolute lifetime", lab, "absolute_seconds", k, note)


async def _rotation(lab: Lab, alone: int | None) -> list[Finding]:
    """Rotation, the grace window and a replay; `alone` (when known) bounds the window: a
    parent served until the session itself ends has no window of its own."""
    promise = lab.promise
    rotated = await revocation.rotates(lab)
    text = "a new refresh token on every refresh" if rotated else "the same refresh token"
    rows = [judged("rotation", promise, "rotation", rotated, text)]
    if not rotated:
        why = "not measured: no rotation, so no parent to replay"
        return [
            *rows,
            unmeasured("grace window", promise, "grace_seconds", why),
            unmeasured(REPLAY, promise, "reuse_detection", why),
        ]
    if not lab.movable:
        grace_at_once = await revocation.parent_answer(lab, 0)
        text = f"{NEEDS_CLOCK}; at once the parent gets {grace_at_once}"
        return [
            *rows,
            unmeasured("grace window", promise, "grace_seconds", text),
            unmeasured(REPLAY, promise, "reuse_detection", NEEDS_CLOCK),
        ]
    ceiling = revocation.GRACE_CEILING_S if alone is None else max(1, alone - 1)
    grace = await revocation.grace_window(lab, ceiling)
    rows.append(_grace(lab, grace))
    if grace.bracket.refused is None:
        why = "not measured: the parent is served however late it comes back"
        return [*rows, unmeasured(REPLAY, promise, "reuse_detection", why)]
    revoked = await revocation.replay_revokes(lab, grace.bracket.refused + 1)
    family = revoked.startswith(("the family", "every session"))
    rows.append(judged(REPLAY, promise, "reuse_detection", family, f"revokes {revoked}"))
    return rows


def _grace(lab: Lab, grace: revocation.Grace) -> Finding:
    b = grace.bracket
    if not grace.served_at_once:
        text = "0 s: the parent is refused at once"
        return judged("grace window", lab.promise, "grace_seconds", 0.0, text)
    if b.refused is None:
        text = f"no window of its own: the parent gets {grace.served_as}, {b}"
        return unmeasured("grace window", lab.promise, "grace_seconds", text)
    value = _value(lab, "grace_seconds", b, window=True)
    text = f"{seconds(value)} ({b}); inside it the parent gets {grace.served_as}"
    return judged("grace window", lab.promise, "grace_seconds", value, text)


async def _logout(lab: Lab) -> Finding:
    promise = lab.promise
    if lab.profile.logout is None:
        return unmeasured("logout", promise, "access_revocation", "not measured: no [logout]")
    access, refresh, elsewhere = await revocation.logout_revokes(lab)
    ended = [
        name
        for name, gone in (
            ("the refresh token", refresh),
            ("its access tokens", access),
            ("the user's other sessions", elsewhere),
        )
        if gone
    ]
    text = "revokes " + (", ".join(ended) if ended else "nothing: the session goes on")
    if lab.activity is None:
        return Finding("logout", "-", text, "measured")
    return judged("logout", promise, "access_revocation", access, text)
