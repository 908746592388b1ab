"""`profile --from-har` on recordings of the apps under tests/apps: the profile it infers gets
the verdicts the hand-written example gets (tests/harness/test_conformance_examples.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from harness.conformance.runner import check
from harness.recording import profile_from_har
from harness.target import load_profile
from tests.apps.recordings import record_drf, record_flask
from tests.apps.servers import USERS, RunningApp, drf_simplejwt_server, flask_jwt_cookies_server
from tests.harness.test_conformance_examples import EXPECTED

Recorder = Callable[[RunningApp, str, Path], Path]
# The examples' TTLs, so that the recorded tokens say what the examples promise.
TTLS = {"access_ttl": 300, "refresh_ttl": 86400}


@pytest.fixture(scope="module")
def drf_recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningApp, Path]]:
    folder = tmp_path_factory.mktemp("drf-har")
    with drf_simplejwt_server(folder, **TTLS) as app:
        yield app, _record(app, record_drf, folder)


@pytest.fixture(scope="module")
def flask_recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningApp, Path]]:
    folder = tmp_path_factory.mktemp("flask-har")
    with flask_jwt_cookies_server(**TTLS) as app:
        yield app, _record(app, record_flask, folder)


def _record(app: RunningApp, recorder: Recorder, folder: Path) -> Path:
    hars = [recorder(app, user, folder / f"{user}.har") for user in USERS]
    app.reset_clock()
    inferred = profile_from_har(hars, folder / "inferred.toml")
    assert inferred.problems == []
    return inferred.path


@pytest.fixture(autouse=True)
def _passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    for user, password in USERS.items():
        monkeypatch.setenv(f"QA_{user.upper()}_PASSWORD", password)


def test_drf_recording_gives_its_contract(drf_recorded: tuple[RunningApp, Path]) -> None:
    profile = load_profile(drf_recorded[1])
    assert (str(profile.tokens.access_token), str(profile.tokens.refresh_token)) == (
        "json:/access",
        "json:/refresh",
    )
    assert profile.login.fields == {"username": "{identifier}", "password": "{password}"}
    assert (profile.refresh.path, profile.refresh.fields) == (
        "/api/token/refresh/",
        {"refresh": "{refresh_token}"},
    )
    assert profile.logout is not None and profile.logout.fields == {"refresh": "{refresh_token}"}
    assert profile.probe is not None and profile.probe.path == "/api/me"
    assert profile.action is not None and str(profile.action.reply) == "json:/reply"
    policy = profile.policy
    # exp - iat of tokens issued a moment apart may read a second short
    assert abs((policy.access_ttl_seconds or 0) - 300) <= 1
    assert abs((policy.refresh_ttl_seconds or 0) - 86400) <= 1
    assert (policy.rotation, policy.refresh_expiry) == (True, "sliding")
    assert [user.password_env for user in profile.users] == ["QA_ALICE_PASSWORD", "QA_BOB_PASSWORD"]


def test_flask_recording_gives_the_cookie_and_its_csrf_header(
    flask_recorded: tuple[RunningApp, Path],
) -> None:
    profile = load_profile(flask_recorded[1])
    assert str(profile.tokens.refresh_token) == "cookie:refresh_token_cookie"
    assert {k.lower(): v for k, v in profile.refresh.headers.items()} == {
        "x-csrf-token": "{cookie:csrf_refresh_token}"
    }
    assert profile.refresh.fields == {}
    assert (profile.policy.rotation, profile.policy.refresh_expiry) == (False, "fixed")
    assert profile.clock.mode == "endpoint"


@pytest.mark.parametrize("recorded", ["drf_recorded", "flask_recorded"])
def test_inferred_profile_holds_no_recorded_secret(
    recorded: str, request: pytest.FixtureRequest
) -> None:
    path: Path = request.getfixturevalue(recorded)[1]
    text = path.read_text()
    assert not any(password in text for password in USERS.values())
    assert "eyJ" not in text  # no JWT


# The one thing a recording cannot show: flask-jwt-extended refuses a forged or malformed
# token with 422, an expired one with 401. The inferred profile says to add it; so does this.
FILLED_IN = {"flask-jwt-cookies.toml": "\n[access]\nrejected_status = [401, 422]\n"}


@pytest.mark.slow  # runs every conformance check against each app (~15 s each)
@pytest.mark.parametrize(
    ("example", "recorded"),
    [("drf-simplejwt.toml", "drf_recorded"), ("flask-jwt-cookies.toml", "flask_recorded")],
)
def test_inferred_profile_gets_the_example_profiles_verdicts(
    example: str, recorded: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    app, path = request.getfixturevalue(recorded)
    target = tmp_path / "target.toml"
    target.write_text(path.read_text().replace("# [access]\n", "") + FILLED_IN.get(example, ""))
    console = Console(file=StringIO(), width=200)
    outcome = check(target, base_url=app.base_url, report_dir=tmp_path, console=console)
    seen = {row.check: row.verdict for row in outcome.verdicts}
    expected = EXPECTED[example]
    assert set(seen) == set(expected)
    wrong = {name: v for name, v in seen.items() if v not in _allowed(expected[name])}
    assert wrong == {}, console.file.getvalue()  # type: ignore[attr-defined]


def _allowed(expected: str | frozenset[str]) -> frozenset[str]:
    return expected if isinstance(expected, frozenset) else frozenset({expected})
