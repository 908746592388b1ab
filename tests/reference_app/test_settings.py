from __future__ import annotations

import subprocess
import sys

import pytest

from harness.cli import main
from reference_app import SettingsError, load_settings


def test_settings_read_public_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFAPP_ACCESS_TTL_SECONDS", "900")
    monkeypatch.setenv("REFAPP_IDLE_TIMEOUT_SECONDS", "0")
    monkeypatch.setenv("REFAPP_REGRESSIONS", "no_reuse_grace, per_tab_lock")
    monkeypatch.setenv("REFAPP_LOGIN_FAILURES_PER_ADDRESS", "0")
    settings = load_settings()
    assert settings.login_failures_per_address == 0
    assert settings.access_ttl_seconds == 900
    assert settings.idle_timeout_seconds == 0
    assert settings.regressions == {"no_reuse_grace", "per_tab_lock"}


@pytest.mark.parametrize(
    ("env", "value", "fragment"),
    [
        ("REFAPP_ACCESS_TTL_SECONDS", "-1", "REFAPP_ACCESS_TTL_SECONDS"),
        (
            "REFAPP_REFRESH_THRESHOLD_SECONDS",
            "4000",
            "REFAPP_REFRESH_THRESHOLD_SECONDS must be shorter",
        ),
        ("REFAPP_REGRESSIONS", "teleport", "unknown regression teleport"),
        ("REFAPP_MONGODB_URI", "postgres://x", "REFAPP_MONGODB_URI"),
        ("REFAPP_JWT_SECRET", "short", "at least 32"),
        ("REFAPP_IDLE_TIMEOUT_SECONDS", "abc", "REFAPP_IDLE_TIMEOUT_SECONDS"),
        ("REFAPP_SESSION_MAX_SECONDS", "1000000000000", "REFAPP_SESSION_MAX_SECONDS"),
        ("REFAPP_PASSWORD_HASH_CONCURRENCY", "0", "REFAPP_PASSWORD_HASH_CONCURRENCY"),
        ("REFAPP_LOGIN_FAILURES_PER_ACCOUNT", "-1", "REFAPP_LOGIN_FAILURES_PER_ACCOUNT"),
        ("REFAPP_LOGIN_FAILURES_PER_ADDRESS", "many", "REFAPP_LOGIN_FAILURES_PER_ADDRESS"),
        ("REFAPP_LOGIN_FAILURE_WINDOW_SECONDS", "0", "REFAPP_LOGIN_FAILURE_WINDOW_SECONDS"),
    ],
)
def test_invalid_setting_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_serve_with_invalid_settings_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REFAPP_ACCESS_TTL_SECONDS", "0")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "REFAPP_ACCESS_TTL_SECONDS" in err


def test_cli_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "abc"]) == 2
    assert "invalid int value" in capsys.readouterr().err


def test_python_dash_m_harness_lists_serve() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "harness", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "serve" in done.stdout
