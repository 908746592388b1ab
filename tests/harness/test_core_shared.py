"""What a profile's tabs share: broadcast, activity, heartbeat, sign-out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from harness.core import AccessToken, ClientPolicy, ProfileState
from harness.target.contract import Grant

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass
class FakeTab:
    in_session: bool = True
    adopted: list[AccessToken] = field(default_factory=list)
    seen_activity: int = 0
    sent_to_login: list[tuple[str, bool]] = field(default_factory=list)

    def adopt(self, token: AccessToken) -> None:
        self.adopted.append(token)

    def activity_seen(self) -> None:
        self.seen_activity += 1

    def to_login(self, reason: str, message: str | None, *, redirect: bool) -> None:
        self.in_session = False
        self.sent_to_login.append((reason, redirect))


def a_token() -> AccessToken:
    return AccessToken.from_grant(Grant("t", None, NOW + timedelta(minutes=30), None, NOW), NOW)


def test_broadcast_reaches_every_other_signed_in_tab() -> None:
    state = ProfileState(ClientPolicy())
    sender, other, gone = FakeTab(), FakeTab(), FakeTab(in_session=False)
    state.tabs += [sender, other, gone]
    token = a_token()
    state.broadcast(token, sender)
    assert (sender.adopted, other.adopted, gone.adopted) == ([], [token], [])
    assert state.token is token


def test_per_tab_lock_regression_broadcasts_nothing() -> None:
    state = ProfileState(ClientPolicy(shared_lock=False))
    other = FakeTab()
    state.tabs.append(other)
    state.broadcast(a_token(), FakeTab())
    assert other.adopted == [] and state.token is None


def test_heartbeat_is_due_after_clicks_without_calls_for_a_quarter_of_the_idle_timeout() -> None:
    state = ProfileState(ClientPolicy(idle_timeout_seconds=600, heartbeat_max_seconds=60))
    state.touch(NOW, api=True)
    state.touch(NOW + timedelta(seconds=10))  # a click, no call
    assert not state.heartbeat_due(NOW + timedelta(seconds=59))
    assert state.heartbeat_due(NOW + timedelta(seconds=60))  # min(60 s, 600 s / 4)
    state.touch(NOW + timedelta(seconds=60), api=True)
    assert not state.heartbeat_due(NOW + timedelta(seconds=500))  # no click since


def test_no_heartbeat_without_an_idle_timeout() -> None:
    state = ProfileState(ClientPolicy())
    state.touch(NOW, api=True)
    state.touch(NOW + timedelta(seconds=1))
    assert not state.heartbeat_due(NOW + timedelta(hours=1))


def test_sign_out_sends_every_signed_in_tab_to_login_and_forgets_tokens() -> None:
    state = ProfileState(ClientPolicy())
    tabs = [FakeTab(), FakeTab(), FakeTab(in_session=False)]
    state.tabs += tabs
    state.session_started(a_token(), NOW)
    state.refresh_token = "r"
    state.sign_out("session_idle", "bye", redirect=True)
    assert [t.sent_to_login for t in tabs] == [[("session_idle", True)]] * 2 + [[]]
    assert (state.token, state.refresh_token, state.session_open) == (None, None, False)


def test_a_refresh_token_counts_as_new_once() -> None:
    state = ProfileState(ClientPolicy())
    assert state.new_refresh_token("r1")
    assert not state.new_refresh_token("r1")
    assert not state.new_refresh_token(None)
