"""The checks over the server's session view (harness/checks.py, second half) and its parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from harness import checks
from harness.events import Recorder, RequestSent, ResponseReceived, Rotation
from harness.target.model import Policy
from harness.target.session_view import SessionViewError, parse_session_view

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def view(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sid": "s1",
        "user": "alice@example.com",
        "generation": 2,
        "rotations": 2,
        "created_at": at(0),
        "rotated_at": at(50),
        "last_activity": at(55),
        "idle_expires_at": at(115),
        "refresh_expires_at": at(50 + 7 * 24 * 60),
        "session_expires_at": at(30 * 24 * 60),
        "revoked": False,
        "revoked_reason": None,
        "revoked_at": None,
        "events": [
            {"kind": "login", "at": at(0)},
            {"kind": "rotation", "at": at(25), "generation": 1},
            {"kind": "rotation", "at": at(50), "generation": 2},
        ],
    }
    return {**body, **changes}


def record(read_at: float = 60, **changes: Any) -> Any:
    return parse_session_view(view(**changes), read_at=T0 + timedelta(minutes=read_at))


PROMISE = Policy(
    refresh_ttl_seconds=7 * 86400,
    refresh_expiry="sliding",
    idle_timeout_seconds=3600,
    absolute_seconds=30 * 86400,
)


def calls(*minutes: float, purpose: str = "action", status: int = 200) -> Recorder:
    recorder = Recorder()
    for minute in minutes:
        moment = T0 + timedelta(minutes=minute)
        base = {"at": moment, "wall": 0.0, "profile": "alice", "method": "POST", "path": "/a"}
        recorder.emit(RequestSent(**base, purpose=purpose))
        recorder.emit(ResponseReceived(**base, purpose=purpose, status=status))
    return recorder


def test_parsed_view_keeps_times_aware_and_events_in_order() -> None:
    parsed = record()
    assert parsed.created_at == T0 and parsed.rotated_at == T0 + timedelta(minutes=50)
    assert [e.kind for e in parsed.events] == ["login", "rotation", "rotation"]
    assert parsed.events_of("rotation")[1].details == {"generation": 2}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"generation": "2"}, "generation"),
        ({"created_at": "2026-01-01T00:00:00"}, "no UTC offset"),
        ({"last_activity": "yesterday"}, "last_activity"),
        ({"events": [{"at": at(0)}]}, "kind"),
    ],
)
def test_malformed_view_names_the_bad_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(SessionViewError, match=message):
        parse_session_view(view(**change))


def test_one_rotation_per_generation_passes_and_matches_the_client() -> None:
    recorder = Recorder()
    for minute in (25, 50):
        recorder.emit(Rotation(at=T0 + timedelta(minutes=minute), wall=0.0, profile="alice"))
    checks.rotated_once_per_generation(record(), recorder, profile="alice")
    checks.rotated_once_per_generation(None)  # no session view: nothing to judge


def test_a_generation_rotated_twice_fails_naming_it() -> None:
    events = [*view()["events"], {"kind": "rotation", "at": at(50), "generation": 2}]
    with pytest.raises(checks.CheckFailed, match=r"generation\(s\) \[2\] rotated more than once"):
        checks.rotated_once_per_generation(record(events=events, rotations=3))


def test_rotation_events_that_do_not_name_their_generation_fail() -> None:
    events = [view()["events"][0], *({**e, "generation": None} for e in view()["events"][1:])]
    with pytest.raises(checks.CheckFailed, match=r"name generations \[None, None\]"):
        checks.rotated_once_per_generation(record(events=events))


def test_rotation_events_out_of_order_fail() -> None:
    login, first, second = view()["events"]
    events = [login, {**first, "generation": 2}, {**second, "generation": 1}]
    with pytest.raises(checks.CheckFailed, match="expected 1 to 2 in order"):
        checks.rotated_once_per_generation(record(events=events))


def test_rotations_the_client_never_saw_fail() -> None:
    with pytest.raises(checks.CheckFailed, match="client saw 0 rotation"):
        checks.rotated_once_per_generation(record(), Recorder())


def test_server_activity_equal_to_the_last_call_passes() -> None:
    checks.server_saw_activity(record(), calls(30, 55))


def test_server_activity_behind_the_last_answered_call_fails() -> None:
    with pytest.raises(checks.CheckFailed, match="answered an API call of the user"):
        checks.server_saw_activity(record(last_activity=at(30)), calls(30, 55))


def test_server_activity_after_the_last_call_means_plumbing_counted() -> None:
    recorder = calls(30)
    with pytest.raises(checks.CheckFailed, match="refresh or logout counted"):
        checks.server_saw_activity(record(last_activity=at(50)), recorder)


def test_refused_calls_set_no_lower_bound_on_server_activity() -> None:
    checks.server_saw_activity(record(last_activity=at(30)), calls(30, 55, status=401))


def test_server_revoked_checks_the_reason() -> None:
    ended = record(revoked=True, revoked_reason="logout", revoked_at=at(60))
    checks.server_revoked(ended, "logout")
    with pytest.raises(checks.CheckFailed, match="ended for 'logout', expected 'session_idle'"):
        checks.server_revoked(ended, "session_idle")
    with pytest.raises(checks.CheckFailed, match="still open"):
        checks.server_revoked(record())


def test_server_kept_session_fails_past_a_deadline_even_before_revocation() -> None:
    checks.server_kept_session(record(read_at=60))
    with pytest.raises(checks.CheckFailed, match="idle"):
        checks.server_kept_session(record(read_at=120))


def test_audit_trail_must_hold_the_events_in_order() -> None:
    checks.server_logged(record(), "login", "rotation")
    checks.server_logged(None, "anything")
    with pytest.raises(checks.CheckFailed, match=r"lacks \['logout'\]"):
        checks.server_logged(record(), "login", "logout")
    with pytest.raises(checks.CheckFailed, match="in order"):
        checks.server_logged(record(), "rotation", "login")
    unnamed = [*view()["events"], {"kind": "logout", "at": at(59), "user": None}]
    with pytest.raises(checks.CheckFailed, match=r"\['logout'\] do not name its user"):
        checks.server_logged(record(events=unnamed), "logout")


def test_deadlines_as_promised_pass_for_a_sliding_session() -> None:
    checks.server_deadlines_as_promised(record(), PROMISE)


def test_refresh_expiry_that_did_not_slide_fails() -> None:
    fixed = record(refresh_expires_at=at(7 * 24 * 60))
    with pytest.raises(checks.CheckFailed, match="the refresh expiry"):
        checks.server_deadlines_as_promised(fixed, PROMISE)


def test_refresh_expiry_past_the_absolute_end_fails() -> None:
    late = record(rotated_at=at(29 * 24 * 60), refresh_expires_at=at(36 * 24 * 60))
    with pytest.raises(checks.CheckFailed, match="the refresh expiry"):
        checks.server_deadlines_as_promised(late, PROMISE)


def test_idle_deadline_off_the_last_activity_fails() -> None:
    with pytest.raises(checks.CheckFailed, match="the idle deadline"):
        checks.server_deadlines_as_promised(record(idle_expires_at=at(100)), PROMISE)


def ended_everywhere(sid: str, revoked: int | None) -> Any:
    signed_out = {"kind": "logout_all", "at": at(59), "user": "alice@example.com"}
    events = [view()["events"][0], {**signed_out, **({"revoked": revoked} if revoked else {})}]
    return record(
        sid=sid, revoked=True, revoked_reason="logout_all", revoked_at=at(59), events=events
    )


def test_sign_out_everywhere_counting_every_session_passes() -> None:
    checks.signed_out_everywhere([ended_everywhere("s1", 2), ended_everywhere("s2", 2)])
    checks.signed_out_everywhere([None, None])  # no session view: nothing to judge


def test_sign_out_everywhere_with_a_wrong_or_missing_count_fails() -> None:
    with pytest.raises(
        checks.CheckFailed, match=r"say they ended \[1\] session\(s\); the user had 2"
    ):
        checks.signed_out_everywhere([ended_everywhere("s1", 1), ended_everywhere("s2", 1)])
    with pytest.raises(checks.CheckFailed, match=r"\[None\]"):
        checks.signed_out_everywhere([ended_everywhere("s1", None)])


def test_sign_out_everywhere_that_left_a_session_open_fails() -> None:
    with pytest.raises(checks.CheckFailed, match="still open"):
        checks.signed_out_everywhere([ended_everywhere("s1", 2), record(sid="s2")])


def test_logged_with_finds_an_event_carrying_the_details() -> None:
    checks.server_logged_with(record(), "rotation", generation=2)
    checks.server_logged_with(None, "anything", detail=1)


def test_logged_with_fails_naming_the_events_of_that_kind() -> None:
    with pytest.raises(checks.CheckFailed, match=r"no 'rotation' event with \{'generation': 3\}"):
        checks.server_logged_with(record(), "rotation", generation=3)
    with pytest.raises(checks.CheckFailed, match="events: none"):
        checks.server_logged_with(record(), "refresh", grace=True)
