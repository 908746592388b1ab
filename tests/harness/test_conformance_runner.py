"""`session-harness check`: bad inputs exit 2 with one line; verdicts decide exit 0 or 1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harness.app import started_server
from harness.cli import main
from harness.server import AppServer, free_port
from harness.target import bundled_profiles, load_profile

HERE = Path(__file__).resolve().parent
FLAWED = HERE / "flawed_app.toml"
REFERENCE = bundled_profiles()["reference-app"]


def variant(tmp_path: Path, source: Path, *edits: tuple[str, str], name: str = "p.toml") -> Path:
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def flawed(tmp_path: Path, flaws: str = "", *edits: tuple[str, str], env: str = "") -> Path:
    server = ('cwd = "."', f'cwd = "{HERE}"\nenv = {{ FLAWED_APP_FLAWS = "{flaws}"{env} }}')
    return variant(tmp_path, FLAWED, server, *edits)


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(scope="module")
def reference_server() -> Iterator[str]:
    with started_server(load_profile(REFERENCE), {}) as server:
        yield server.base_url


# -- bad inputs -------------------------------------------------------------------------


def test_unknown_key_names_the_field_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = variant(tmp_path, REFERENCE, ("[login]\npath", "[login]\npaht = 1\npath"))
    assert main(["check", "--target", str(profile)]) == 2
    assert one_line_error(capsys).endswith('login.paht: unknown key (did you mean "path"?)')


def test_missing_login_path_names_the_field_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = variant(tmp_path, REFERENCE, ('path = "/api/auth/login"\n', ""))
    assert main(["check", "--target", str(profile)]) == 2
    assert one_line_error(capsys).endswith("login.path: required")


def test_bad_json_pointer_names_the_field_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = variant(tmp_path, REFERENCE, ('"json:/access_token"', '"json:access_token"'))
    assert main(["check", "--target", str(profile)]) == 2
    line = one_line_error(capsys)
    assert "tokens.access_token" in line and "bad JSON pointer" in line


def test_unreachable_base_url_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    profile = variant(tmp_path, FLAWED, ('base_url = "http://127.0.0.1:9"', f'base_url = "{url}"'))
    assert main(["check", "--target", str(profile), "--base-url", url]) == 2
    assert one_line_error(capsys).startswith(f"session-harness: cannot reach {url}")


def test_wrong_credentials_name_the_first_user_and_exit_2(
    tmp_path: Path, reference_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = variant(tmp_path, REFERENCE, ('password = "wonderland"', 'password = "wrong"'))
    assert main(["check", "--target", str(profile), "--base-url", reference_server]) == 2
    line = one_line_error(capsys)
    assert "users[0] (alice, alice@example.com) cannot sign in" in line
    assert "401 invalid_credentials" in line


def test_app_without_its_test_clock_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"REFAPP_PASSWORD_HASH_MEMORY_KIB": "8", "REFAPP_PASSWORD_HASH_TIME_COST": "1"}
    with AppServer(env, test_clock=False, access_log=False) as server:
        assert main(["check", "--target", "reference-app", "--base-url", server.base_url]) == 2
    line = one_line_error(capsys)
    assert "/__harness__/clock answered 404 but clock.mode = endpoint" in line


def test_unknown_bundled_profile_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--target", "no-such-app"]) == 2
    assert "no such file, nor a bundled profile" in one_line_error(capsys)


# -- verdicts and exit codes ------------------------------------------------------------


def test_warn_exits_0_and_1_with_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = str(flawed(tmp_path))
    args = ["check", "--target", profile, "--report-dir", str(tmp_path / "r"), "-k", "logout"]
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "warn" in out and "started from the profile's [server] command" in out
    assert main([*args, "--strict"]) == 1


def test_a_failing_check_exits_1_and_stops_the_app_it_started(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from harness.conformance.runner import check

    reports = tmp_path / "reports"
    outcome = check(flawed(tmp_path, "no_csrf"), report_dir=reports, keyword="csrf")
    assert outcome.exit_code == 1
    assert [row.verdict for row in outcome.verdicts] == ["fail"]
    with pytest.raises(httpx.ConnectError):
        httpx.get(outcome.base_url + "/me", timeout=2)
    junit = (reports / "latest" / "junit.xml").read_text(encoding="utf-8")
    assert '<property name="reference" value="OWASP ASVS 5.0 V3.5.1" />' in junit
    assert "fail" in capsys.readouterr().out
    [row] = json.loads((reports / "latest" / "results.json").read_text())["conformance"]
    assert row["verdict"] == "fail" and row["reason"].startswith("a cookie-carried refresh")
    page = (reports / "latest" / "index.html").read_text(encoding="utf-8")
    assert "Session conformance" in page and "Acceptance criteria" not in page
    assert "a cross-site refresh: no X-CSRF" in page  # the evidence, redacted
    assert "cookie: rt=&lt;refresh#" in page


def test_time_checks_without_a_clock_are_not_applicable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", "--target", str(flawed(tmp_path)), "--report-dir", str(tmp_path / "r")]
    assert main([*args, "-k", "idle_session"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "not applicable" in out and "needs a clock" in out


def test_bundled_reference_profile_starts_its_app_and_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", "--target", "reference-app", "--report-dir", str(tmp_path)]
    assert main([*args, "-k", "rotates or replayed or expired_access"]) == 0
    out = capsys.readouterr().out
    assert "3 pass" in out


def test_real_time_clock_waits_for_short_ttls_and_skips_long_ones(tmp_path: Path) -> None:
    """clock.mode = real: the app keeps its own time; a 2 s token is waited out, a 1 h
    absolute lifetime is beyond what a check may wait and is not applicable."""
    profile = flawed(
        tmp_path,
        "",
        ("access_ttl_seconds = 60", "access_ttl_seconds = 2"),
        ("[server]", '[clock]\nmode = "real"\n\n[server]'),
        env=', FLAWED_APP_ACCESS_TTL = "2"',
    )
    args = ["check", "--target", str(profile), "--report-dir", str(tmp_path / "r")]
    assert main([*args, "-k", "expired_access or absolute_lifetime"]) == 0
    rows = json.loads((tmp_path / "r" / "latest" / "results.json").read_text())["conformance"]
    reasons = {row["check"]: (row["verdict"], row["reason"]) for row in rows}
    assert reasons["expired_access_token_is_rejected"] == (
        "pass",
        "refused after 3 s (lifetime 2 s (JWT exp - iat)): 401 token_expired",
    )
    verdict, reason = reasons["absolute_lifetime_ends_an_active_session"]
    assert verdict == "not applicable" and reason.startswith("needs 3,660 s of real time")
