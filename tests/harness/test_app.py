"""The app under test's environment (harness/app.py): its signing key above all."""

from __future__ import annotations

import pytest

from harness.app import in_process, remote_signing_key, server_env, started_signing_key
from harness.target import TargetProfile, load_profile

VARIABLE = "REFAPP_JWT_SECRET"


def with_server_env(profile: TargetProfile, **env: str) -> TargetProfile:
    assert profile.server is not None
    server = profile.server.model_copy(update={"env": {**profile.server.env, **env}})
    return profile.model_copy(update={"server": server})


def test_an_app_the_harness_starts_gets_a_key_made_up_for_the_run_and_shared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    profile = load_profile("reference-app")
    key = started_signing_key(profile)
    assert len(key) >= 32  # the reference app refuses shorter keys
    assert server_env(profile, {})[VARIABLE] == key
    assert started_signing_key(profile) == key  # one key for the run, not one per app
    assert remote_signing_key(profile) == key  # kept in the harness's environment


def test_the_harness_environment_gives_the_key_when_the_profile_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(VARIABLE, "k" * 40)
    assert server_env(load_profile("reference-app"), {})[VARIABLE] == "k" * 40


def test_the_servers_env_in_the_profile_wins_for_an_app_the_harness_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(VARIABLE, "k" * 40)
    profile = with_server_env(load_profile("reference-app"), **{VARIABLE: "p" * 40})
    assert started_signing_key(profile) == "p" * 40
    assert server_env(profile, {})[VARIABLE] == "p" * 40


def test_a_running_app_has_no_key_unless_the_harness_environment_holds_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    assert remote_signing_key(load_profile("reference-app")) is None


def test_the_app_imported_in_process_signs_with_the_key_the_harness_knows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    profile = load_profile("reference-app")
    app = in_process(profile, {})
    assert app.state.services.tokens.secret == started_signing_key(profile)
