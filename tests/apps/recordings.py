"""HAR 1.2 recordings of a person using each test app, made with httpx (no browser needed).

Each flow signs in, makes an authenticated call, lets the access token expire (moving the
app's test clock, as the recording's own requests show), makes the call again, refreshes,
uses the app and signs out: what `profile --from-har` needs to see.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from harness.adapters.clock_core import CLOCK_PATH
from tests.apps.servers import RunningApp


class HarRecorder:
    """An httpx client whose every exchange is kept as a HAR 1.2 entry."""

    def __init__(self, base_url: str) -> None:
        self.entries: list[dict[str, Any]] = []
        self.http = httpx.Client(base_url=base_url, event_hooks={"response": [self._keep]})

    def _keep(self, response: httpx.Response) -> None:
        response.read()
        self.entries.append(har_entry(response))

    def har(self) -> dict[str, Any]:
        creator = {"name": "session-harness tests", "version": "1"}
        return {"log": {"version": "1.2", "creator": creator, "entries": self.entries}}

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(self.har(), indent=1), encoding="utf-8")
        self.http.close()
        return path


def har_entry(response: httpx.Response) -> dict[str, Any]:
    request = response.request
    request_headers = [{"name": k, "value": v} for k, v in request.headers.multi_items()]
    entry_request: dict[str, Any] = {
        "method": request.method,
        "url": str(request.url),
        "httpVersion": "HTTP/1.1",
        "headers": request_headers,
        "cookies": _cookies(request.headers.get("cookie", "")),
        "queryString": [{"name": k, "value": v} for k, v in request.url.params.multi_items()],
        "headersSize": -1,
        "bodySize": len(request.content),
    }
    if request.content:
        mime = request.headers.get("content-type", "application/octet-stream")
        entry_request["postData"] = {"mimeType": mime, "text": request.content.decode()}
    return {
        "startedDateTime": datetime.now(UTC).isoformat(),
        "time": response.elapsed.total_seconds() * 1000,
        "request": entry_request,
        "response": _response(response),
        "cache": {},
        "timings": {"send": 0, "wait": response.elapsed.total_seconds() * 1000, "receive": 0},
    }


def _response(response: httpx.Response) -> dict[str, Any]:
    return {
        "status": response.status_code,
        "statusText": response.reason_phrase,
        "httpVersion": "HTTP/1.1",
        "headers": [{"name": k, "value": v} for k, v in response.headers.multi_items()],
        "cookies": [],
        "content": {
            "size": len(response.content),
            "mimeType": response.headers.get("content-type", ""),
            "text": response.text,
        },
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": len(response.content),
    }


def _cookies(header: str) -> list[dict[str, str]]:
    pairs = (part.strip().partition("=") for part in header.split(";") if part.strip())
    return [{"name": name, "value": value} for name, _, value in pairs]


def _expire_access(recorder: HarRecorder, app: RunningApp) -> None:
    recorder.http.post(CLOCK_PATH, json={"advance_seconds": app.access_ttl + 1})


def record_drf(app: RunningApp, user: str, path: Path) -> Path:
    """simplejwt: tokens in JSON bodies, the refresh token sent back in one."""
    rec = HarRecorder(app.base_url)
    tokens = rec.http.post("/api/token/", json=app.credentials(user)).json()
    bearer = {"Authorization": f"Bearer {tokens['access']}"}
    rec.http.get("/api/me", headers=bearer)
    _expire_access(rec, app)
    rec.http.get("/api/me", headers=bearer)  # 401: expired
    tokens = rec.http.post("/api/token/refresh/", json={"refresh": tokens["refresh"]}).json()
    bearer = {"Authorization": f"Bearer {tokens['access']}"}
    rec.http.get("/api/me", headers=bearer)
    rec.http.post("/api/echo", json={"message": "hello there"}, headers=bearer)
    rec.http.post("/api/token/blacklist/", json={"refresh": tokens["refresh"]})
    return rec.write(path)


def record_flask(app: RunningApp, user: str, path: Path) -> Path:
    """flask-jwt-extended: the refresh token in a cookie, its CSRF cookie copied to a header."""
    rec = HarRecorder(app.base_url)
    access = rec.http.post("/api/login", json=app.credentials(user)).json()["access_token"]
    rec.http.get("/api/me", headers={"Authorization": f"Bearer {access}"})
    _expire_access(rec, app)
    rec.http.get("/api/me", headers={"Authorization": f"Bearer {access}"})  # 401: expired
    csrf = {"X-CSRF-TOKEN": rec.http.cookies["csrf_refresh_token"]}
    access = rec.http.post("/api/refresh", headers=csrf).json()["access_token"]
    bearer = {"Authorization": f"Bearer {access}"}
    rec.http.get("/api/me", headers=bearer)
    rec.http.post("/api/echo", json={"message": "hello there"}, headers=bearer)
    rec.http.post("/api/logout")
    return rec.write(path)
