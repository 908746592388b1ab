"""The refresh cookie's own attributes, read from its Set-Cookie header and judged.

Parsing is the standard library's (`http.cookies`); what a browser makes of the attributes
follows RFC 6265bis: Max-Age wins over Expires, a missing Path defaults to the directory of
the request that set the cookie, and a cookie is deleted only by one of the same name,
domain and path that has already expired.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookies import CookieError, Morsel, SimpleCookie

from harness.report.verdicts import FAIL, NOT_APPLICABLE, PASS, WARN

HOST_PREFIX = "__Host-"
# The attributes a `http.cookies.Morsel` reads (its documentation lists them).
_MORSEL_ATTRIBUTES = frozenset(
    {"expires", "path", "comment", "domain", "max-age", "secure", "httponly", "version", "samesite"}
)


class MalformedCookie(ValueError):
    """A Set-Cookie header of the cookie that a browser cannot read as the app meant."""

    def __init__(self, why: str, header: str) -> None:
        super().__init__(why)
        self.why = why
        self.header = header


@dataclass(frozen=True)
class SetCookie:
    """One cookie as one Set-Cookie header sets it; "" for an attribute not sent."""

    header: str
    name: str
    value: str
    path: str  # where the browser keeps it: the Path attribute, else the default path
    path_attribute: str
    domain: str
    max_age: str
    expires: str
    http_only: bool
    secure: bool
    same_site: str

    @property
    def key(self) -> tuple[str, str, str]:
        """What a browser's jar keys a cookie by: a cookie replaces (or deletes) its twin."""
        return self.name, self.domain.lower().lstrip("."), self.path


@dataclass(frozen=True)
class Judgement:
    """A check's verdict on one attribute and why; the check adds the header as evidence."""

    verdict: str
    text: str


def read(headers: Sequence[str], name: str, request_path: str) -> list[SetCookie]:
    """Every Set-Cookie header among `headers` that sets `name`, answering `request_path`.

    Raises MalformedCookie for a header that starts with `name=` but does not parse.
    """
    found: list[SetCookie] = []
    for header in headers:
        if header.partition("=")[0].strip() != name:
            continue
        morsel = _morsel(header, name)
        attribute = morsel["path"] if morsel["path"].startswith("/") else ""
        found.append(
            SetCookie(
                header=header,
                name=name,
                value=morsel.value,
                path=attribute or default_path(request_path),
                path_attribute=attribute,
                domain=morsel["domain"],
                max_age=str(morsel["max-age"]),
                expires=morsel["expires"],
                http_only=bool(morsel["httponly"]),
                secure=bool(morsel["secure"]),
                same_site=morsel["samesite"],
            )
        )
    return found


def _morsel(header: str, name: str) -> Morsel[str]:
    parsed: SimpleCookie = SimpleCookie()
    try:
        parsed.load(_known_attributes(header))
    except CookieError as exc:
        raise MalformedCookie(f"it does not parse ({exc})", header) from None
    if name not in parsed:
        raise MalformedCookie("it does not parse as a cookie", header)
    return parsed[name]


def _known_attributes(header: str) -> str:
    """The header without the attributes `http.cookies` does not know (Partitioned, Priority):
    it would read `Priority=High` as a second cookie that takes the attributes after it, and
    give up on a whole header over a flag such as `Partitioned`."""
    first, *attributes = header.split(";")
    kept = [a for a in attributes if a.partition("=")[0].strip().lower() in _MORSEL_ATTRIBUTES]
    return ";".join([first, *kept])


def default_path(request_path: str) -> str:
    """RFC 6265bis §5.1.4: the request path up to its last `/` (`/` for a top-level path)."""
    if not request_path.startswith("/") or request_path.count("/") == 1:
        return "/"
    return request_path[: request_path.rindex("/")]


def path_matches(request_path: str, cookie_path: str) -> bool:
    """RFC 6265bis §5.1.4: whether a browser sends a cookie of `cookie_path` to `request_path`."""
    if request_path == cookie_path:
        return True
    if not request_path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"


def sent_at(headers: Mapping[str, str], fallback: datetime) -> datetime:
    """When the server wrote the answer (its Date header), to read an Expires against."""
    try:
        moment = parsedate_to_datetime(headers["date"])
    except (KeyError, TypeError, ValueError):
        return fallback
    return _aware(moment)


def lifetime_s(cookie: SetCookie, now: datetime) -> float | None:
    """How long a browser keeps the cookie (Max-Age, else Expires); None: a session cookie."""
    if cookie.max_age:
        try:
            return float(int(cookie.max_age))
        except ValueError:
            raise MalformedCookie(
                f"Max-Age={cookie.max_age} is not a number", cookie.header
            ) from None
    if cookie.expires:
        return (_expires(cookie) - now).total_seconds()
    return None


def _expires(cookie: SetCookie) -> datetime:
    try:
        moment = parsedate_to_datetime(cookie.expires)
    except (TypeError, ValueError):
        raise MalformedCookie(f"Expires={cookie.expires} is not a date", cookie.header) from None
    return _aware(moment)


def _aware(moment: datetime) -> datetime:
    """An HTTP date is UTC; `-0000` (RFC 5322's "unknown zone") parses naive."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def expired(cookie: SetCookie, now: datetime) -> bool:
    """A deletion: a browser drops the cookie at once (Max-Age of 0 or less, a past Expires)."""
    left = lifetime_s(cookie, now)
    return left is not None and left <= 0


# -- the judgements -----------------------------------------------------------------------


def http_only(cookie: SetCookie) -> Judgement:
    if cookie.http_only:
        return Judgement(PASS, "HttpOnly")
    return Judgement(FAIL, "no HttpOnly: any script on the page (an XSS) can read the token")


def secure(cookie: SetCookie, scheme: str) -> Judgement:
    if cookie.secure:
        return Judgement(PASS, "Secure")
    if scheme != "https":
        return Judgement(NOT_APPLICABLE, "the app is served over http: Secure is judged on https")
    return Judgement(FAIL, "no Secure on https: the browser also sends the token over plain http")


def same_site(cookie: SetCookie) -> Judgement:
    value = cookie.same_site.lower()
    if value in ("strict", "lax"):
        return Judgement(PASS, f"SameSite={cookie.same_site}")
    if value == "none" and cookie.secure:
        return Judgement(
            WARN, "SameSite=None: sent with cross-site requests, only a CSRF defence guards it"
        )
    if value == "none":
        return Judgement(FAIL, "SameSite=None without Secure: browsers refuse the cookie")
    if not value:
        return Judgement(
            FAIL, "no SameSite: whether a cross-site request carries it is left to the browser"
        )
    return Judgement(FAIL, f"SameSite={cookie.same_site} is none of Strict, Lax or None")


def scope(cookie: SetCookie, refresh_path: str, ordinary: Mapping[str, str]) -> Judgement:
    """Path: sent to the refresh path, and no wider than it needs; `ordinary` names the
    profile's other requests (`[action]`: its path) a narrow cookie stays away from."""
    shown = f"Path={cookie.path}" if cookie.path_attribute else f"no Path (so {cookie.path})"
    if not path_matches(refresh_path, cookie.path):
        return Judgement(
            FAIL,
            f"{shown} does not cover the refresh path {refresh_path}: "
            "the browser never sends the cookie there",
        )
    if cookie.path == "/" and cookie.name.startswith(HOST_PREFIX):
        # RFC 6265bis §4.1.3.2: a __Host- cookie must be Path=/, bought with its host lock.
        return Judgement(
            WARN, f"{shown}, as {HOST_PREFIX} requires: the token travels with every request"
        )
    if cookie.path == "/":
        return Judgement(FAIL, f"{shown}: the refresh token travels with every request to the app")
    along = [name for name, path in ordinary.items() if path_matches(path, cookie.path)]
    if along:
        return Judgement(WARN, f"{shown}: the refresh token also travels with {', '.join(along)}")
    return Judgement(PASS, f"{shown} covers {refresh_path}")


def lifetime(cookie: SetCookie, ttl_s: float, now: datetime, tolerance_s: float) -> Judgement:
    """Max-Age (or Expires) against the promised refresh TTL."""
    left = lifetime_s(cookie, now)
    promised = f"the promised refresh TTL of {ttl_s:,.0f} s"
    if left is None:
        return Judgement(
            PASS,
            "a session cookie (no Max-Age or Expires): kept until the browser "
            "closes, the server's refresh TTL ends the token",
        )
    shown = f"Max-Age={cookie.max_age}" if cookie.max_age else f"Expires={cookie.expires}"
    if left > ttl_s + tolerance_s:
        return Judgement(
            FAIL,
            f"{shown} ({left:,.0f} s) outlives {promised}: the browser "
            "keeps the token on disk after the server stopped taking it",
        )
    if left < ttl_s - tolerance_s:
        return Judgement(
            WARN,
            f"{shown} ({left:,.0f} s) ends before {promised}: the browser "
            "drops a token the server would still take",
        )
    return Judgement(PASS, f"{shown} ({left:,.0f} s) matches {promised}")


def cleared(set_by_login: SetCookie, by_logout: Sequence[SetCookie], now: datetime) -> Judgement:
    """The logout deletes the very cookie the sign-in set: same name, domain and path."""
    if not by_logout:
        return Judgement(
            FAIL,
            f"the logout sets no {set_by_login.name} cookie: the browser keeps the refresh token",
        )
    twins = [cookie for cookie in by_logout if cookie.key == set_by_login.key]
    if not twins:
        where = ", ".join(_where(cookie) for cookie in by_logout)
        return Judgement(
            FAIL,
            f"the logout clears {where}, not the sign-in's {_where(set_by_login)}: "
            "the browser keeps it",
        )
    last = twins[-1]  # of two headers for one cookie, a browser keeps the later
    if expired(last, now):
        return Judgement(PASS, f"the logout expires {_where(last)}")
    if not last.value:
        return Judgement(WARN, f"the logout empties {_where(last)} but does not expire it")
    return Judgement(FAIL, f"the logout sets {_where(last)} again with a value, unexpired")


def _where(cookie: SetCookie) -> str:
    domain = f", Domain={cookie.domain}" if cookie.domain else ""
    return f"{cookie.name} at Path={cookie.path}{domain}"
