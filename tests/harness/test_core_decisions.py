"""The refresh algorithm's decisions, without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.core import (
    AccessToken,
    Backoff,
    ClientOptions,
    ClientPolicy,
    GiveUp,
    RefreshAttempts,
    Settled,
    adoptable,
    judge_api_reply,
    needs_refresh,
)
from harness.target.contract import Grant

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def token(lifetime_s: float | None, *, issued: datetime = NOW, value: str = "t") -> AccessToken:
    expires = None if lifetime_s is None else issued + timedelta(seconds=lifetime_s)
    return AccessToken.from_grant(Grant(value, None, expires, None, issued), issued)


def test_without_a_threshold_a_fifth_of_the_lifetime_is_left_when_refreshing() -> None:
    policy = ClientPolicy()
    short = token(600)  # 10 minutes: refresh with 2 minutes left
    assert not needs_refresh(short, NOW + timedelta(seconds=479), policy)
    assert needs_refresh(short, NOW + timedelta(seconds=480), policy)
    long = token(3 * 3600)  # capped: never more than 5 minutes early
    assert not needs_refresh(long, NOW + timedelta(hours=3, minutes=-6), policy)
    assert needs_refresh(long, NOW + timedelta(hours=3, minutes=-5), policy)


def test_a_configured_threshold_wins_and_no_proactive_refresh_waits_for_expiry() -> None:
    t = token(1800)
    at_26 = NOW + timedelta(minutes=26)
    assert needs_refresh(t, at_26, ClientPolicy(refresh_threshold_seconds=300))
    lazy = ClientPolicy(refresh_threshold_seconds=300).with_options(
        ClientOptions(proactive_refresh=False)
    )
    assert not needs_refresh(t, at_26, lazy)
    assert needs_refresh(None, at_26, lazy)  # no token at all: always


def test_a_token_whose_expiry_is_unknown_is_never_refreshed_early() -> None:
    opaque = token(None)
    assert opaque.seconds_left(NOW + timedelta(days=365)) == float("inf")
    assert not needs_refresh(opaque, NOW + timedelta(days=365), ClientPolicy())


def test_skew_moves_the_expiry_onto_the_clients_clock() -> None:
    server_now = NOW + timedelta(minutes=10)  # the client's clock is 10 minutes behind
    grant = Grant("t", None, server_now + timedelta(minutes=30), None, server_now)
    t = AccessToken.from_grant(grant, NOW)
    assert t.skew == timedelta(minutes=10)
    assert t.local_expires_at == NOW + timedelta(minutes=30)


def test_recheck_adopts_only_a_different_fresh_token() -> None:
    policy = ClientPolicy(refresh_threshold_seconds=300)
    old, new = token(1800, value="old"), token(1800, issued=NOW + timedelta(minutes=26))
    at_26 = NOW + timedelta(minutes=26)
    assert adoptable(new, old, at_26, policy) is new
    assert adoptable(old, old, at_26, policy) is None  # the one we started with
    assert adoptable(old, None, at_26, policy) is None  # another tab's, but stale too
    assert adoptable(None, old, at_26, policy) is None


@pytest.mark.parametrize(
    ("rejected", "reason", "retried", "verdict"),
    [
        (False, "", False, "deliver"),
        (True, "token_expired", False, "refresh_and_retry"),
        (True, "token_rejected", False, "refresh_and_retry"),
        (True, "token_expired", True, "deliver"),  # a second refusal is not retried again
        (True, "session_revoked", False, "sign_out"),
        (True, "session_idle", True, "sign_out"),
        (True, "forbidden", False, "deliver"),
    ],
)
def test_api_answers_are_judged_by_reason(
    rejected: bool, reason: str, retried: bool, verdict: str
) -> None:
    policy = ClientPolicy()
    assert judge_api_reply(rejected=rejected, reason=reason, retried=retried, policy=policy) == (
        verdict
    )


def test_refresh_attempts_back_off_then_give_up() -> None:
    attempts = RefreshAttempts(ClientPolicy(retry_delays=(1.0, 2.0)))
    assert attempts.after(None, "ConnectError") == Backoff(1, 1.0, "ConnectError")
    assert attempts.after(503) == Backoff(2, 2.0, "http_503")
    assert attempts.after(502) == GiveUp("http_502")


def test_refresh_attempts_settle_on_any_final_answer() -> None:
    for status in (200, 400, 401, 403):
        assert isinstance(RefreshAttempts(ClientPolicy()).after(status), Settled)
    assert isinstance(RefreshAttempts(ClientPolicy()).after(429), Backoff)


def test_served_client_constants_replace_the_defaults() -> None:
    served = {
        "refresh_threshold_seconds": 120,
        "idle_timeout_seconds": 0,
        "client": {
            "tick_seconds": 15,
            "retry_delays_seconds": [0.5],
            "messages": {"session_idle": "Bye."},
            "banner_connection": "Offline.",
            "retryable_errors": ["token_expired"],
        },
    }
    policy = ClientPolicy().with_served(served)
    assert policy.refresh_threshold_seconds == 120 and policy.tick_seconds == 15
    assert policy.idle_timeout_seconds is None  # 0 switches the idle timer off
    assert policy.retry_delays == (0.5,) and policy.banner_connection == "Offline."
    assert policy.message_for("session_idle") == "Bye."
    assert policy.message_for("anything") == policy.default_message
    assert policy.retryable == {"token_expired"}
