"""Where a page may send the user: a return-to address is safe only on the app's own origin.

A login page that follows its `next` parameter anywhere is an open redirect (WSTG-CLNT-04):
a link to the real sign-in page ends on the attacker's. Addresses are read the way browsers
read them (WHATWG URL): tabs and newlines dropped, a backslash taken for a slash.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit

_WEB = {"http": 80, "https": 443}
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def safe_return_to(value: str, origin: str) -> bool:
    """Whether a page of `origin` that goes to `value` stays on `origin` (scheme, host, port)."""
    read = value.strip(_C0_AND_SPACE)
    read = read.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return _origin(urlsplit(urljoin(origin.rstrip("/") + "/", read))) == _origin(urlsplit(origin))


def _origin(url: SplitResult) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a web address; None for any other scheme (`javascript:`)."""
    if url.scheme not in _WEB or not url.hostname:
        return None
    try:
        port = url.port
    except ValueError:  # a port that is not a number: no origin a browser would reach
        return None
    return url.scheme, url.hostname, port or _WEB[url.scheme]
