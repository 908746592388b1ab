"""harness/browser/recording.py: parsing the frontend's `auth-event {json}` console lines."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from harness.browser.recording import parse_auth_event
from harness.events import ConsoleError, TokenAdopted

START = datetime(2031, 3, 4, 5, 6, 7, tzinfo=UTC)
BASE = {"at": START, "wall": 0.0, "source": "browser", "profile": "p", "tab": "t"}


def test_parse_auth_event_turns_js_millis_and_iso_fields_into_datetimes() -> None:
    expires = "2031-03-04T05:21:07+00:00"
    line = "auth-event " + json.dumps(
        {
            "kind": "token_adopted",
            "at": START.timestamp() * 1000,
            "access_expires_at": expires,
            "extra": 1,
        }
    )
    event = parse_auth_event(line, **{**BASE, "at": datetime(2000, 1, 1, tzinfo=UTC)})
    assert event == TokenAdopted(**BASE, access_expires_at=datetime.fromisoformat(expires))


@pytest.mark.parametrize(
    "line",
    [
        'auth-event {"kind": "no_such_kind"}',
        'auth-event {"kind": "refresh_started"}',  # required field "reason" missing
        "auth-event {not json",
    ],
)
def test_parse_auth_event_with_bad_payload_returns_console_error_quoting_it(line: str) -> None:
    event = parse_auth_event(line, **BASE)
    assert isinstance(event, ConsoleError)
    assert line in event.message


def test_parse_auth_event_ignores_ordinary_console_lines() -> None:
    assert parse_auth_event("auth-events are fun", **BASE) is None
