from __future__ import annotations

from harness.conformance.isolation import foreign_markers, marker, named_users
from harness.target import Reply

MARKERS = {"alice": "isolation-alice-1", "bob": "isolation-bob-2"}
IDENTIFIERS = {"alice": "alice@example.com", "bob": "bob@example.com"}


def test_markers_of_one_user_differ_each_time_and_name_the_user() -> None:
    first, second = marker("alice"), marker("alice")
    assert first != second and "alice" in first


def test_own_marker_in_a_reply_is_not_foreign() -> None:
    reply = Reply(200, text='{"reply": "echo: isolation-alice-1"}')
    assert foreign_markers(reply, MARKERS, "alice") == []


def test_another_users_marker_in_the_body_or_a_header_is_foreign() -> None:
    in_body = Reply(200, text='["isolation-bob-2"]')
    in_header = Reply(200, headers={"x-last-message": "isolation-bob-2"})
    assert foreign_markers(in_body, MARKERS, "alice") == ["bob"]
    assert foreign_markers(in_header, MARKERS, "alice") == ["bob"]


def test_users_are_named_by_whole_json_string_values_case_aside() -> None:
    reply = Reply(200, json={"user": {"email": "Alice@Example.com"}, "peers": ["bob@example.com"]})
    assert named_users(reply, IDENTIFIERS) == ["alice", "bob"]


def test_an_identifier_inside_a_longer_value_names_no_one() -> None:
    reply = Reply(200, json={"note": "write to bob@example.com"})
    assert named_users(reply, IDENTIFIERS) == []


def test_a_body_that_is_not_json_names_no_one() -> None:
    assert named_users(Reply(200, text="alice@example.com"), IDENTIFIERS) == []
