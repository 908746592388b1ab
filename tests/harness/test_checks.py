from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from harness import Promise, checks
from harness.events import (
    BannerShown,
    IdleLogout,
    LoggedIn,
    Recorder,
    RedirectToLogin,
    RefreshFailed,
    RefreshSucceeded,
    RequestSent,
    Unauthorized,
    WarningShown,
)
from harness.target import load_profile
from harness.target.locations import Reply

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def refresh(recorder: Recorder, profile: str, tab: str) -> None:
    recorder.emit(
        RequestSent(
            at=T0, wall=0.0, profile=profile, tab=tab, method="POST", path="/r", purpose="refresh"
        )
    )


def test_no_redirect_passes_on_empty_recording() -> None:
    checks.no_redirect_to_login(Recorder())


def test_no_redirect_fails_and_names_the_redirect() -> None:
    recorder = Recorder()
    recorder.emit(
        RedirectToLogin(
            at=at(31),
            wall=0.0,
            profile="alice",
            tab="t1",
            reason="refresh_expired",
            message="expired",
        )
    )
    with pytest.raises(checks.CheckFailed, match="refresh_expired"):
        checks.no_redirect_to_login(recorder)


def test_no_redirect_scoped_to_other_profile_passes() -> None:
    recorder = Recorder()
    recorder.emit(
        RedirectToLogin(at=at(1), wall=0.0, profile="bob", tab="t1", reason="logout", message="bye")
    )
    checks.no_redirect_to_login(recorder, profile="alice")


def test_redirected_to_login_with_wrong_reason_fails() -> None:
    recorder = Recorder()
    recorder.emit(RedirectToLogin(at=at(1), wall=0.0, reason="session_idle", message="idle"))
    with pytest.raises(checks.CheckFailed, match="expected 'refresh_expired'"):
        checks.redirected_to_login(recorder, reason="refresh_expired")


def test_redirected_to_login_without_message_fails() -> None:
    recorder = Recorder()
    recorder.emit(RedirectToLogin(at=at(1), wall=0.0, reason="refresh_expired", message=""))
    with pytest.raises(checks.CheckFailed, match="without a message"):
        checks.redirected_to_login(recorder)


def test_refreshes_per_profile_counts_each_profile() -> None:
    recorder = Recorder()
    refresh(recorder, "alice", "t1")
    refresh(recorder, "bob", "t1")
    refresh(recorder, "bob", "t2")
    checks.refreshes_per_profile(recorder, 1, profile="alice")
    with pytest.raises(checks.CheckFailed, match="'bob': 2"):
        checks.refreshes_per_profile(recorder, 1)


def test_no_unauthorized_fails_on_a_401() -> None:
    recorder = Recorder()
    recorder.emit(Unauthorized(at=at(31), wall=0.0, path="/api/chat", error="token_expired"))
    with pytest.raises(checks.CheckFailed, match="token_expired"):
        checks.no_unauthorized(recorder)


def test_non_fatal_refresh_failure_is_not_a_fatal_one() -> None:
    recorder = Recorder()
    recorder.emit(RefreshFailed(at=at(1), wall=0.0, error="network", fatal=False))
    checks.no_fatal_refresh_failure(recorder)
    recorder.emit(RefreshFailed(at=at(2), wall=0.0, error="refresh_expired", fatal=True))
    with pytest.raises(checks.CheckFailed):
        checks.no_fatal_refresh_failure(recorder)


def test_warning_after_sign_out_fails() -> None:
    recorder = Recorder()
    recorder.emit(IdleLogout(at=at(60), wall=0.0))
    recorder.emit(WarningShown(at=at(61), wall=0.0, warning="idle", seconds_left=0))
    with pytest.raises(checks.CheckFailed, match="after the sign-out"):
        checks.warning_shown_before(recorder, "idle")


def test_warning_before_sign_out_passes() -> None:
    recorder = Recorder()
    recorder.emit(WarningShown(at=at(58), wall=0.0, warning="idle", seconds_left=120))
    recorder.emit(IdleLogout(at=at(60), wall=0.0))
    checks.warning_shown_before(recorder, "idle")


def chat_at(recorder: Recorder, minutes: float) -> None:
    recorder.emit(
        RequestSent(at=at(minutes), wall=0.0, profile="alice", method="POST", path="/api/chat")
    )


def login_at(recorder: Recorder, minutes: float, ttl_minutes: float = 30) -> None:
    recorder.emit(
        LoggedIn(
            at=at(minutes),
            wall=0.0,
            profile="alice",
            access_expires_at=at(minutes + ttl_minutes),
            session_expires_at=at(minutes + 60 * 24),
        )
    )


def refreshed_at(recorder: Recorder, minutes: float, ttl_minutes: float = 30) -> None:
    recorder.emit(
        RefreshSucceeded(
            at=at(minutes), wall=0.0, profile="alice", access_expires_at=at(minutes + ttl_minutes)
        )
    )


def test_refreshed_before_expiry_passes_when_each_used_token_was_replaced_in_time() -> None:
    recorder = Recorder()
    login_at(recorder, 0)
    refreshed_at(recorder, 25)
    refreshed_at(recorder, 50)
    chat_at(recorder, 70)
    checks.refreshed_before_expiry(recorder)


def test_refreshed_before_expiry_fails_on_a_refresh_after_the_token_expired() -> None:
    recorder = Recorder()
    login_at(recorder, 0)
    chat_at(recorder, 31)
    refreshed_at(recorder, 31)
    with pytest.raises(checks.CheckFailed, match="1 access token"):
        checks.refreshed_before_expiry(recorder)


def test_refreshed_before_expiry_ignores_a_token_nobody_used_after_its_expiry() -> None:
    recorder = Recorder()
    login_at(recorder, 0)
    chat_at(recorder, 10)
    checks.refreshed_before_expiry(recorder)


def test_no_interruption_fails_on_a_banner() -> None:
    recorder = Recorder()
    checks.no_interruption(recorder)
    recorder.emit(BannerShown(at=at(25), wall=0.0, message="Connection problem, retrying."))
    with pytest.raises(checks.CheckFailed, match="banner_shown"):
        checks.no_interruption(recorder)


def test_access_ttl_everywhere_fails_on_a_login_with_a_seven_day_token() -> None:
    recorder = Recorder()
    login_at(recorder, 0, ttl_minutes=7 * 24 * 60)
    refreshed_at(recorder, 25)
    with pytest.raises(checks.CheckFailed, match="logged_in"):
        checks.access_ttl_everywhere(recorder, 1800)


def test_access_ttl_everywhere_passes_when_login_and_refresh_agree() -> None:
    recorder = Recorder()
    login_at(recorder, 0)
    refreshed_at(recorder, 25)
    checks.access_ttl_everywhere(recorder, 1800)


def test_access_ttl_everywhere_fails_without_any_token() -> None:
    with pytest.raises(checks.CheckFailed, match="no access token"):
        checks.access_ttl_everywhere(Recorder(), 1800)


def test_signed_out_only_after_idle_fails_on_an_idle_sign_out_too_soon() -> None:
    recorder = Recorder()
    chat_at(recorder, 30)
    recorder.emit(
        RequestSent(
            at=at(50), wall=0.0, profile="alice", method="POST", path="/r", purpose="refresh"
        )
    )  # a refresh is not activity
    recorder.emit(
        RedirectToLogin(at=at(75), wall=0.0, profile="alice", reason="session_idle", message="idle")
    )
    checks.signed_out_only_after_idle(recorder, 600)
    with pytest.raises(checks.CheckFailed, match="less than 3600 s"):
        checks.signed_out_only_after_idle(recorder, 3600)


def test_refusal_with_a_message_is_explained() -> None:
    profile = load_profile("reference-app")
    said = Reply(status=401, json={"error": "refresh_invalid", "message": "not valid"})
    checks.refusal_explained(profile, said)
    checks.refusal_explained(profile, Reply(status=200, json={"ok": True}))


def test_refusal_without_a_message_fails_naming_where_it_was_looked_for() -> None:
    profile = load_profile("reference-app")
    blank = Reply(status=401, json={"error": "token_invalid", "message": None})
    with pytest.raises(checks.CheckFailed, match=r"garbage: .*401 and no message at json:/message"):
        checks.refusal_explained(profile, blank, label="garbage")


def test_refusal_is_not_judged_when_the_profile_does_not_say_where_messages_are() -> None:
    profile = load_profile("reference-app")
    silent = profile.model_copy(
        update={"errors": profile.errors.model_copy(update={"message": None})}
    )
    checks.refusal_explained(silent, Reply(status=401, json={"error": "token_invalid"}))


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (Reply(status=500, json={}), "a server error (500) instead of a refusal"),
        (Reply(status=200, json={"ok": True}), "answered 200"),
        (
            Reply(status=401, json={"error": "token_expired", "message": "m"}),
            "refused as token_expired",
        ),
        (Reply(status=401, json={"error": "token_invalid"}), "no message"),
    ],
)
def test_access_refused_names_what_is_wrong_with_the_answer(reply: Reply, problem: str) -> None:
    profile = load_profile("reference-app")
    promise = Promise(profile.policy, profile)
    with pytest.raises(checks.CheckFailed, match=f"^forged: .*{re.escape(problem)}"):
        checks.access_refused(promise, reply, {"token_invalid"}, label="forged")
    good = Reply(status=401, json={"error": "token_invalid", "message": "not valid"})
    checks.access_refused(promise, good, {"token_invalid"}, label="forged")
