"""The authenticated requests of a recording: the probe, the action and the logout."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from harness.recording.draft import Draft
from harness.recording.har import Exchange
from harness.recording.requests import csrf_headers, encoding, request_fields, static_headers
from harness.recording.values import presented, strings_of

LOGOUT = re.compile(r"log-?_?out|sign-?_?out|blacklist|revoke", re.IGNORECASE)


def presents_access(exchange: Exchange, values: Collection[str]) -> bool:
    """The request carries one of the access tokens in a header."""
    uses = (p for v in values for p in presented(exchange, v, "access_token"))
    return any(p.kind == "header" for p in uses)


def probe_and_action(
    draft: Draft, after: Sequence[Exchange], access_values: Collection[str], skip: Collection[int]
) -> None:
    """The first authenticated GET is the probe; the first one with a body, the action."""
    authed = [e for e in after if e.ok and presents_access(e, access_values)]
    plain = [e for e in authed if not LOGOUT.search(e.path) and e.number not in skip]
    probe = next((e for e in plain if e.method == "GET"), None)
    if probe is None:
        draft.hint("probe", 'path = "/..."   # no authenticated GET recorded: a cheap one')
    else:
        draft.set("probe", "method", "GET")
        draft.set("probe", "path", probe.path, probe)
    action = next((e for e in plain if e.method != "GET" and e.fields), None)
    if action is not None:
        _action(draft, action)


def _action(draft: Draft, action: Exchange) -> None:
    fields = dict(action.fields or {})
    text_key = next((k for k, v in fields.items() if isinstance(v, str) and v), None)
    if text_key is None:
        return
    text, fields[text_key] = fields[text_key], "{text}"
    if action.method != "POST":
        draft.set("action", "method", action.method)
    draft.set("action", "path", action.path, action)
    draft.set("action", "fields", fields)
    reply = next((c.location for c in strings_of(action) if c.value == text), None)
    if reply is not None:
        draft.set("action", "reply", str(reply))


def logout(
    draft: Draft,
    after: Sequence[Exchange],
    replace: Mapping[str, str],
    access_values: Collection[str],
) -> None:
    """The request that signs out: a path that says so."""
    found = next((e for e in after if e.ok and e.method != "GET" and LOGOUT.search(e.path)), None)
    if found is None:
        draft.hint("logout", 'path = "/..."   # sign out at the end of the recording to find it')
        return
    draft.set("logout", "path", found.path, found)
    fields = request_fields(found, replace)
    if fields:
        draft.set("logout", "fields", fields)
    if encoding(found) is not None:
        draft.set("logout", "body", encoding(found))
    headers = {**csrf_headers(found), **static_headers(found, replace)}
    if headers:
        draft.set("logout", "headers", headers)
    if presents_access(found, access_values):
        draft.set("logout", "auth", True)
