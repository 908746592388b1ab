"""Reading HAR files and refusing the ones no profile can come from: one line, exit 2."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.recording.har import HarError, read_har

SITE = "http://app.test"


def _jwt(**claims: Any) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


ACCESS = _jwt(iat=1000, exp=1900, typ="access")
REFRESH = _jwt(iat=1000, exp=87400, typ="refresh")
CHILD = _jwt(iat=1950, exp=88350, typ="refresh")
ACCESS2 = _jwt(iat=1950, exp=2850, typ="access")


def entry(
    method: str,
    path: str,
    status: int = 200,
    *,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    answer: Any = None,
    set_cookies: tuple[str, ...] = (),
    site: str = SITE,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": method,
        "url": site + path,
        "headers": [{"name": k, "value": v} for k, v in (headers or {}).items()],
    }
    if form is not None:
        text = "&".join(f"{k}={v}" for k, v in form.items())
        request["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": text}
    response_headers = [{"name": "Set-Cookie", "value": c} for c in set_cookies]
    content = {"mimeType": "application/json", "text": json.dumps(answer)} if answer else {}
    return {"request": request, "response": {"status": status, "headers": response_headers,
                                            "content": content}}  # fmt: skip


def har(tmp_path: Path, name: str, *entries: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": list(entries)}}))
    return path


def form_app_recording(tmp_path: Path, name: str = "form.har") -> Path:
    """Form login, tokens in an OAuth-style body, refresh token rotated in a header-less body."""
    xrw = {"X-Requested-With": "app"}
    return har(
        tmp_path,
        name,
        entry("GET", "/", answer=None),
        entry("POST", "/oauth/token", form={"grant_type": "password", "email": "ann@x.test",
              "password": "s3cret-pw"}, headers=xrw,
              answer={"access_token": ACCESS, "refresh_token": REFRESH, "expires_in": 900}),
        entry("GET", "/api/profile", headers={"Authorization": f"Bearer {ACCESS}", **xrw},
              answer={"me": "ann"}),
        entry("GET", "/api/profile", 403, headers={"Authorization": f"Bearer {ACCESS}", **xrw}),
        entry("POST", "/oauth/token", form={"grant_type": "refresh_token",
              "refresh_token": REFRESH}, headers=xrw,
              answer={"access_token": ACCESS2, "refresh_token": CHILD}),
        entry("POST", "/api/sign-out", headers={"Authorization": f"Bearer {ACCESS2}", **xrw},
              form={"refresh_token": CHILD}, answer={"ok": True}),
    )  # fmt: skip


def test_read_har_keeps_fields_cookies_and_json(tmp_path: Path) -> None:
    exchanges = read_har(form_app_recording(tmp_path))
    login = exchanges[1]
    form = "application/x-www-form-urlencoded"
    assert (login.method, login.path, login.mime) == ("POST", "/oauth/token", form)
    assert login.fields is not None and login.fields["email"] == "ann@x.test"
    assert login.json["expires_in"] == 900


def test_form_login_with_one_endpoint_and_a_static_header_is_inferred(tmp_path: Path) -> None:
    out = tmp_path / "target.toml"
    assert main(["profile", "--from-har", str(form_app_recording(tmp_path)), "-o", str(out)]) == 0
    text = out.read_text()
    assert 'body = "form"' in text
    assert (
        'fields = { grant_type = "password", email = "{identifier}", password = "{password}" }'
        in text
    )
    assert 'fields = { grant_type = "refresh_token", refresh_token = "{refresh_token}" }' in text
    assert '[headers]\nX-Requested-With = "app"' in text
    assert 'path = "/oauth/token"\nbody = "form"' in text
    assert 'expires_in = "json:/expires_in"' in text
    assert "rejected_status = [403]" in text
    assert 'path = "/api/sign-out"' in text and "auth = true" in text
    assert "s3cret-pw" not in text and "eyJ" not in text


def _one_line_exit_2(capsys: pytest.CaptureFixture[str], *paths: Path) -> str:
    code = main(["profile", "--from-har", *map(str, paths), "-o", str(paths[0]) + ".toml"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("session-harness: "), err
    return err


def test_har_without_a_sign_in_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = har(tmp_path, "browse.har", entry("GET", "/", answer={"hello": "world"}))
    assert "no sign-in in it" in _one_line_exit_2(capsys, path)


def test_har_of_another_site_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ours = form_app_recording(tmp_path, "ours.har")
    theirs = form_app_recording(tmp_path / "..", "theirs.har")
    text = json.loads(theirs.read_text())
    for item in text["log"]["entries"]:
        item["request"]["url"] = item["request"]["url"].replace(SITE, "https://other.test")
    theirs.write_text(json.dumps(text))
    assert "record one app" in _one_line_exit_2(capsys, ours, theirs)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not a HAR file (not JSON"),
        ('{"log": {}}', "no log.entries"),
        ('{"log": {"entries": [{"request": {}}]}}', "not a HAR 1.2 file"),
        ('{"log": {"entries": [{"request": {"method": "GET", "url": "ftp://x"}, "response": {}}]}}',
         "not a HAR 1.2 file"),
    ],
)  # fmt: skip
def test_malformed_har_is_one_line(
    content: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.har"
    path.write_text(content)
    assert says in _one_line_exit_2(capsys, path)


def test_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "cannot read" in _one_line_exit_2(capsys, tmp_path / "absent.har")


def test_har_error_is_a_value_error() -> None:
    assert issubclass(HarError, ValueError)
