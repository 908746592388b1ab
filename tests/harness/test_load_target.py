"""A storm against an app built on other people's auth code, from a profile written here.

Django REST framework + simplejwt (tests/apps/drf_simplejwt): tokens in JSON bodies, the
refresh token rotated and its parent blacklisted, no grace window.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.load.runner import StormConfig, run_storm
from tests.apps.servers import USERS, RunningApp, drf_simplejwt_server

PROFILE = """
name = "drf-simplejwt"
base_url = "{base_url}"

[[users]]
name = "alice"
identifier = "alice"
password = "{alice}"

[[users]]
name = "bob"
identifier = "bob"
password = "{bob}"

[tokens]
access_token = "json:/access"
refresh_token = "json:/refresh"

[login]
path = "/api/token/"
fields = {{ username = "{{identifier}}", password = "{{password}}" }}

[refresh]
path = "/api/token/refresh/"
fields = {{ refresh = "{{refresh_token}}" }}

[probe]
method = "GET"
path = "/api/me"

[action]
path = "/api/echo"
fields = {{ message = "{{text}}" }}
reply = "json:/reply"

[clock]
mode = "endpoint"
"""
SHORT = StormConfig(profiles=12, tabs=3, lifetimes=2, tick_s=1.0, think_s=1.0, between_s=1.0)


@pytest.fixture(scope="module")
def drf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningApp, Path]]:
    with drf_simplejwt_server(tmp_path_factory.mktemp("drf"), access_ttl=60) as app:
        profile = tmp_path_factory.mktemp("profile") / "drf.toml"
        profile.write_text(PROFILE.format(base_url=app.base_url, **USERS))
        yield app, profile


def test_storm_against_simplejwt_renews_every_token_once_from_the_profile_alone(
    drf: tuple[RunningApp, Path], tmp_path: Path
) -> None:
    app, profile = drf
    config = dataclasses.replace(SHORT, lost_responses=0.0)
    result = run_storm(config, tmp_path, target=str(profile), base_url=app.base_url)
    figures = result.figures
    assert result.exit_code == 0, result.breaches
    assert figures.count("signed_in") == 12
    assert figures.count("logins") == 12  # no bulk sessions: every profile logs in
    assert figures.count("renewals") == 12 * 2
    assert figures.amplification == pytest.approx(1.0)
    assert figures.count("false_logouts") == 0


def test_storm_against_simplejwt_shows_lost_refresh_answers_logging_users_out(
    drf: tuple[RunningApp, Path], tmp_path: Path
) -> None:
    # simplejwt has no grace window: the retry of a refresh whose answer was lost presents
    # a blacklisted token, and the user is sent to login.
    app, profile = drf
    config = dataclasses.replace(SHORT, lost_responses=0.3)
    result = run_storm(config, tmp_path, target=str(profile), base_url=app.base_url)
    assert result.exit_code == 1
    assert result.figures.count("false_logouts") > 0
    assert result.figures.reasons.get("refresh_rejected", 0) > 0
