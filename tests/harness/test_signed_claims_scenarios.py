"""The well-signed-token scenarios (scenarios/api/test_signed_claims.py) pass on the reference
app, fail on one whose verifier has a flaw of their class, and say why they cannot run when
the harness does not know an app's key."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest

from reference_app import tokens

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "api" / "test_signed_claims.py"
INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"


def run(pytester: pytest.Pytester, *args: str) -> dict[str, dict[str, Any]]:
    """The scenarios against the bundled reference app, in this process; results by name."""
    pytester.makeini(INI)
    reports = pytester.path / "reports"
    pytester.runpytest_inprocess(
        str(SCENARIOS), "-p", "no:cacheprovider", "--harness-report", str(reports), *args
    )
    doc = json.loads((reports / "latest" / "results.json").read_text())
    return {test["id"].rsplit("::", 1)[-1]: test for test in doc["tests"]}


class _TypeBlindJwt:
    """PyJWT as the reference app calls it, except that every token reads as an access token."""

    PyJWTError = jwt.PyJWTError

    @staticmethod
    def decode(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {**jwt.decode(*args, **kwargs), "typ": "access"}


def test_every_scenario_passes_on_the_reference_app(pytester: pytest.Pytester) -> None:
    results = run(pytester)
    assert len(results) == 4
    assert {test["status"] for test in results.values()} == {"passed"}


def test_an_app_blind_to_the_token_type_fails_with_the_refresh_typed_token_named(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "jwt", _TypeBlindJwt)
    results = run(pytester, "-k", "wrong_claims")
    [test] = results.values()
    assert test["status"] == "failed"
    assert "typ 'refresh': answered 200" in test["failure"]["message"]


def test_an_app_with_a_wider_leeway_than_it_serves_fails_both_leeway_scenarios(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "ISSUED_AT_LEEWAY", timedelta(days=2))  # config still says 60
    results = run(pytester, "-k", "wrong_claims or leeway")
    messages = {name: test["failure"]["message"] for name, test in results.items()}
    assert "iat a day ahead: answered 200" in messages[next(n for n in messages if "wrong" in n)]
    assert (
        "iat 5 s beyond the leeway: answered 200"
        in messages[next(n for n in messages if "leeway" in n)]
    )


def test_an_app_that_trusts_the_signature_alone_fails_the_logged_out_session_scenario(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFAPP_REGRESSIONS", "stateless_access")
    results = run(pytester, "-k", "logged_out")
    [test] = results.values()
    assert test["status"] == "failed"
    assert "a token made after the logout: answered 200" in test["failure"]["message"]


def test_a_running_app_whose_key_the_harness_lacks_is_not_applicable_with_the_reason(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REFAPP_JWT_SECRET", raising=False)
    results = run(pytester, "--base-url", "http://127.0.0.1:9")
    reasons = {test["skip_reason"] for test in results.values()}
    assert {test["status"] for test in results.values()} == {"not_applicable"}
    assert reasons == {"not applicable: needs the app's signing key (set $REFAPP_JWT_SECRET)"}
