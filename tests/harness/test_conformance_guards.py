"""Which refresh headers guard a cookie-carried refresh against CSRF."""

from __future__ import annotations

from harness.conformance.guards import cookie_carried, csrf_headers, reads_cookie
from harness.target import TargetProfile, load_profile, parse_profile

REFERENCE = load_profile("reference-app")


def double_submit(**refresh: object) -> TargetProfile:
    return parse_profile(
        {
            "name": "flask",
            "base_url": "http://127.0.0.1:9",
            "users": [{"name": "a", "identifier": "a", "password": "p"}],
            "headers": {"Content-Type": "application/json"},
            "tokens": {"access_token": "json:/access_token", "refresh_token": "cookie:rt"},
            "login": {"path": "/login"},
            "refresh": {"path": "/refresh", **refresh},
        }
    )


def test_static_and_cookie_copied_headers_guard_the_refresh() -> None:
    assert cookie_carried(REFERENCE)
    assert csrf_headers(REFERENCE) == {"X-Requested-With": "session-harness"}
    profile = double_submit(headers={"X-CSRF-TOKEN": "{cookie:csrf}", "X-Token": "{access_token}"})
    assert csrf_headers(profile) == {"X-CSRF-TOKEN": "{cookie:csrf}"}
    assert reads_cookie("{cookie:csrf}") and not reads_cookie("static")


def test_a_refresh_token_sent_in_the_body_is_not_cookie_carried() -> None:
    profile = double_submit(fields={"refresh": "{refresh_token}"})
    assert not cookie_carried(profile)
    assert csrf_headers(profile) == {}
