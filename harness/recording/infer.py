"""A target profile inferred from a recorded sign-in: follow each token to where it is presented.

The first recording gives the contract (login, tokens, refresh, probe, action, logout, TTLs);
every recording gives one user. Recorded passwords and tokens never reach the draft.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.recording import calls, policy
from harness.recording.draft import Draft
from harness.recording.har import Exchange, HarError
from harness.recording.requests import csrf_headers, encoding, request_fields, static_headers
from harness.recording.signin import SignIn, sign_ins
from harness.recording.values import Carried, Presented, carried, presented

_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Tokens:
    """The access and refresh tokens of the sign-in, and how requests present them."""

    access: Carried
    access_header: Presented
    refresh: Carried | None
    refresh_presented: Presented | None


def infer(recordings: Sequence[tuple[str, Sequence[Exchange]]]) -> Draft:
    """The draft profile of the app the recordings sign in to; HarError when they cannot tell."""
    signed = sign_ins(recordings)
    first = signed[0]
    exchanges = list(recordings[0][1])
    after = [e for e in exchanges[exchanges.index(first.exchange) + 1 :] if _of_app(e, first)]
    draft = Draft()
    _identity(draft, first, signed)
    tokens = _tokens(draft, first, after)
    refresh = _refresh(draft, first, tokens, after)
    access_values = {tokens.access.value, *_renewed(tokens, refresh)}
    skip = {refresh.number} if refresh is not None else set()
    calls.probe_and_action(draft, after, access_values, skip)
    secrets = {value: "{refresh_token}" for value in _refresh_values(tokens, refresh)}
    calls.logout(draft, after, secrets, access_values)
    policy.access(draft, tokens.access_header, after, access_values)
    policy.policy(draft, first.exchange, tokens.access, tokens.refresh, refresh)
    policy.clock(draft, exchanges)
    _shared_headers(draft)
    return draft


def _of_app(exchange: Exchange, first: SignIn) -> bool:
    return exchange.origin == first.exchange.origin and not exchange.path.startswith(
        policy.CLOCK_PREFIX
    )


def _identity(draft: Draft, first: SignIn, signed: Sequence[SignIn]) -> None:
    login = first.exchange
    draft.set("", "name", _NAME_CHARS.sub("-", login.origin.split("://", 1)[1]).strip("-"))
    draft.set("", "base_url", login.origin)
    for each in signed:
        name = _NAME_CHARS.sub("_", each.identifier.split("@")[0]).strip("_") or "user"
        if any(user["name"] == name for user in draft.users):
            continue
        env = f"QA_{name.upper().replace('.', '_').replace('-', '_')}_PASSWORD"
        draft.users.append({"name": name, "identifier": each.identifier, "password_env": env})
        draft.found.append(
            (f"user {name} ({each.identifier}), password from ${env}", str(each.exchange))
        )
    replace = {first.identifier: "{identifier}", first.password: "{password}"}
    if login.method != "POST":
        draft.set("login", "method", login.method)
    draft.set("login", "path", login.path, login)
    if encoding(login) is not None:
        draft.set("login", "body", encoding(login))
    draft.set("login", "fields", request_fields(login, replace))
    headers = static_headers(login, replace)
    if headers:
        draft.set("login", "headers", headers)


def _tokens(draft: Draft, first: SignIn, after: Sequence[Exchange]) -> Tokens:
    """The access token is the value a later request presents in a header."""
    offered = carried(first.exchange)
    for item in offered:
        header = next(iter(_header_uses(after, item.value)), None)
        if header is not None:
            draft.set("tokens", "access_token", str(item.location), first.exchange)
            refresh = _refresh_token(offered, item, after)
            return Tokens(item, header, *refresh)
    raise HarError(
        f"{first.exchange}: the sign-in returned no token a later request presents in a header"
    )


def _header_uses(exchanges: Sequence[Exchange], value: str) -> list[Presented]:
    return [p for e in exchanges for p in presented(e, value, "access_token") if p.kind == "header"]


def _refresh_token(
    offered: Sequence[Carried], access: Carried, after: Sequence[Exchange]
) -> tuple[Carried | None, Presented | None]:
    """The other token the sign-in returned that a later request sends: a JWT first."""
    others = [item for item in offered if item.value != access.value]
    for item in sorted(others, key=lambda item: not item.is_jwt):
        for exchange in after:
            uses = presented(exchange, item.value, "refresh_token")
            if uses and _renews(exchange, access):
                return item, uses[0]
    return None, None


def _renews(exchange: Exchange, access: Carried) -> bool:
    """The answer carries a new access token where the sign-in carried it."""
    value = _read(exchange, access)
    return exchange.ok and value is not None and value != access.value


def _read(exchange: Exchange, item: Carried) -> str | None:
    return next((c.value for c in carried(exchange) if c.location == item.location), None)


def _signs_in(exchange: Exchange, first: SignIn) -> bool:
    return first.password_field in (exchange.fields or {})


def _refresh_values(tokens: Tokens, refresh: Exchange | None) -> set[str]:
    """The refresh token of the sign-in and, when rotated, its child."""
    if tokens.refresh is None:
        return set()
    child = _read(refresh, tokens.refresh) if refresh is not None else None
    return {tokens.refresh.value, *([child] if child else [])}


def _renewed(tokens: Tokens, refresh: Exchange | None) -> set[str]:
    value = _read(refresh, tokens.access) if refresh is not None else None
    return {value} if value else set()


def _refresh(
    draft: Draft, first: SignIn, tokens: Tokens, after: Sequence[Exchange]
) -> Exchange | None:
    found = next((e for e in after if _renews(e, tokens.access) and not _signs_in(e, first)), None)
    if found is None or tokens.refresh is None or tokens.refresh_presented is None:
        draft.hint(
            "refresh",
            'path = "/..."   # no refresh recorded: use the app past one access-token expiry',
        )
        return found
    draft.set("tokens", "refresh_token", str(tokens.refresh.location), first.exchange)
    draft.set("refresh", "path", found.path, found)
    replace = {tokens.refresh.value: "{refresh_token}", tokens.access.value: "{access_token}"}
    fields = request_fields(found, replace)
    if fields:
        draft.set("refresh", "fields", fields)
    if encoding(found) is not None:
        draft.set("refresh", "body", encoding(found))
    headers = {**csrf_headers(found), **static_headers(found, replace)}
    if tokens.refresh_presented.kind == "header":  # e.g. Authorization: Bearer <refresh token>
        headers[tokens.refresh_presented.name] = tokens.refresh_presented.template
    if headers:
        draft.set("refresh", "headers", headers, found)
    return found


def _shared_headers(draft: Draft) -> None:
    """A static header every recorded contract request sends goes to the top-level [headers]."""
    tables = [t for t in ("login", "refresh", "logout") if t in draft.tables]
    per = [draft.get(t, "headers") or {} for t in tables]
    shared = {k: v for k, v in per[0].items() if "{" not in v and all(p.get(k) == v for p in per)}
    if not shared:
        return
    draft.tables["headers"] = shared
    draft.found.append((f"headers = {shared} (on every request)", "every request"))
    for table, headers in zip(tables, per, strict=True):
        rest = {k: v for k, v in headers.items() if k not in shared}
        if rest:
            draft.tables[table]["headers"] = rest
        else:
            draft.tables[table].pop("headers", None)
