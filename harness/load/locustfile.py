"""Locust users that storm the refresh endpoint the way real browsers do.

Loaded only by the `locust` command (never import it into a pytest or Playwright process).

- `RefreshStormUser`: one signed-in profile refreshing in a loop and chatting now and then;
  every refresh must rotate (200 and a new cookie).
- `TabRaceUser`: one profile with several tabs that present the *same* refresh token at the
  same instant, as tabs do when their access tokens expire together. The server must rotate
  exactly once: every tab gets 200 and the same new token (the grace window), none a 401.
"""

from __future__ import annotations

import os
from http.cookies import SimpleCookie
from typing import Any

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

HEADERS = {"X-Requested-With": "session-harness-load"}
EMAIL = os.environ.get("STORM_EMAIL", "alice@example.com")
PASSWORD = os.environ.get("STORM_PASSWORD", "wonderland")


@events.init_command_line_parser.add_listener
def _add_arguments(parser: Any) -> None:
    parser.add_argument("--storm-tabs", type=int, default=5, help="tabs racing per TabRaceUser")
    parser.add_argument(
        "--max-p99-ms",
        type=float,
        default=0.0,
        help="fail the run when the refresh p99 exceeds this (0: no limit)",
    )


def _refresh_cookie(response: Any) -> str | None:
    morsel = SimpleCookie(response.headers.get("set-cookie", "")).get("refresh_token")
    return morsel.value if morsel is not None and morsel.value else None


class _SignedIn(FastHttpUser):
    abstract = True
    token = ""
    access = ""

    def on_start(self) -> None:
        with self.client.post(
            "/api/auth/login",
            json={"email": EMAIL, "password": PASSWORD},
            headers=HEADERS,
            catch_response=True,
        ) as response:
            cookie = _refresh_cookie(response) if response.status_code == 200 else None
            if cookie is None:
                response.failure(f"login answered {response.status_code}")
                self.stop()
                return
            self.token, self.access = cookie, response.json()["access_token"]

    def refresh(self, token: str, name: str) -> tuple[int, str | None]:
        headers = {**HEADERS, "Cookie": f"refresh_token={token}"}
        with self.client.post(
            "/api/auth/refresh", headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.text[:80]}")
                return response.status_code, None
            self.access = response.json()["access_token"]
            return 200, _refresh_cookie(response)


class RefreshStormUser(_SignedIn):
    wait_time = between(0.0, 0.05)

    @task(10)
    def rotate(self) -> None:
        status, rotated = self.refresh(self.token, "refresh")
        if status == 200 and rotated is not None:
            self.token = rotated

    @task(1)
    def chat(self) -> None:
        headers = {"Authorization": f"Bearer {self.access}"}
        with self.client.post(
            "/api/chat", json={"message": "2+2"}, headers=headers, catch_response=True
        ) as response:
            if response.status_code != 200 or response.json().get("reply") != "4":
                response.failure(f"chat answered {response.status_code}")


class TabRaceUser(_SignedIn):
    wait_time = between(0.05, 0.2)

    @task
    def race(self) -> None:
        tabs = max(1, int(self.environment.parsed_options.storm_tabs))
        racers = [gevent.spawn(self.refresh, self.token, "refresh (tab race)") for _ in range(tabs)]
        gevent.joinall(racers)
        children = {r.value[1] for r in racers if r.value is not None and r.value[0] == 200}
        ok = len(children) == 1 and None not in children
        events.request.fire(
            request_type="CHECK",
            name="tab race: one rotation",
            response_time=0,
            response_length=0,
            context={},
            exception=None
            if ok
            else AssertionError(f"{tabs} racing tabs got {len(children)} different tokens"),
        )
        if ok:
            self.token = children.pop() or self.token


@events.quitting.add_listener
def _gate(environment: Any, **_: Any) -> None:
    """CI gate: any failed request, or a refresh p99 over the limit, fails the run."""
    stats = environment.stats
    limit = float(getattr(environment.parsed_options, "max_p99_ms", 0.0) or 0.0)
    refresh = stats.get("refresh", "POST")
    slow = bool(
        limit and refresh.num_requests and refresh.get_response_time_percentile(0.99) > limit
    )
    if stats.total.fail_ratio > 0 or slow:
        environment.process_exit_code = 1
