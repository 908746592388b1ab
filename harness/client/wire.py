"""httpx on one side, the target contract's plain requests and replies on the other."""

from __future__ import annotations

from typing import Literal

import httpx

from harness.drivers import Unsupported
from harness.target import TargetProfile, contract
from harness.target.contract import Outgoing
from harness.target.locations import Reply

# The requests that carry the refresh token: a refresh, and a logout (which ends its family).
Presenting = Literal["refresh", "logout"]


def build_request(http: httpx.AsyncClient, outgoing: Outgoing) -> httpx.Request:
    return http.build_request(
        outgoing.method,
        outgoing.path,
        headers=outgoing.headers or None,
        json=outgoing.json if outgoing.json is not None else None,
        data=outgoing.form,
    )


def reply_of(response: httpx.Response) -> Reply:
    """A response whose body was read, as the contract sees it."""
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    return Reply(
        status=response.status_code,
        headers={name.lower(): value for name, value in response.headers.items()},
        json=body,
        cookies=dict(response.cookies),
        text=response.text if body is None else "",
        set_cookie=tuple(response.headers.get_list("set-cookie")),
    )


def json_reply(response: httpx.Response) -> Reply:
    """Only the status and JSON body (a heartbeat's answer: no cookie jar, no headers)."""
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    return Reply(status=response.status_code, json=body)


def status_reply(response: httpx.Response) -> Reply:
    """Only the status and headers of a response whose body is still streaming."""
    return Reply(
        status=response.status_code,
        headers={name.lower(): value for name, value in response.headers.items()},
    )


def jar(http: httpx.AsyncClient) -> dict[str, str]:
    """The profile's cookies by name (what `{cookie:NAME}` templates read)."""
    return {cookie.name: cookie.value or "" for cookie in http.cookies.jar}


async def present_refresh_token(
    http: httpx.AsyncClient,
    spec: TargetProfile,
    value: str,
    cookies: dict[str, str],
    purpose: Presenting = "refresh",
) -> httpx.Response:
    """A refresh (or logout) presenting `value` with these `cookies` (the refresh cookie set
    to `value`; an empty `value` sends none, as a browser whose cookie was cleared)."""
    declared = spec.refresh if purpose == "refresh" else spec.logout
    if declared is None:
        raise Unsupported(f"the target profile declares no [{purpose}] request")
    held = dict(cookies)
    name = spec.refresh_cookie()
    if name is not None:
        held.pop(name, None)
        held.update({name: value} if value else {})
    outgoing = contract.build(spec, declared, purpose, cookies=held, refresh_token=value)
    request = build_request(http, outgoing)
    # `held` stands for the whole jar: the client's own cookies must not be added to it.
    request.headers.pop("Cookie", None)
    if held:
        request.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in held.items())
    return await http.send(request)


async def present_access_token(
    http: httpx.AsyncClient, spec: TargetProfile, value: str, cookies: dict[str, str]
) -> httpx.Response:
    """The [probe] request with `value` as its access token (none when empty), outside the
    refresh algorithm: a token replayed after logout or revocation, a forged one."""
    if spec.probe is None:
        raise Unsupported("the target profile declares no [probe] request")
    outgoing = contract.build(
        spec, spec.probe, "probe", cookies=cookies, access_token=value or None
    )
    return await http.send(build_request(http, outgoing))
