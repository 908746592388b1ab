"""Locust users that refresh in a loop, each with its own session (run by refresh_throughput.py)."""

from __future__ import annotations

import itertools
import os
from http.cookies import SimpleCookie

from locust import task
from locust.contrib.fasthttp import FastHttpUser

_TOKENS = open(os.environ["BENCH_TOKENS_FILE"]).read().split()  # noqa: SIM115
# Each run starts at its own offset: a token rotated in an earlier run is an old token now.
_NEXT = itertools.count(int(os.environ.get("BENCH_TOKEN_OFFSET", "0")))


class Refresher(FastHttpUser):
    def on_start(self) -> None:
        self.token = _TOKENS[next(_NEXT) % len(_TOKENS)]

    @task
    def refresh(self) -> None:
        headers = {"X-Requested-With": "locust", "Cookie": f"refresh_token={self.token}"}
        with self.client.post(
            "/api/auth/refresh", headers=headers, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.text[:80]}")
                return
            rotated = SimpleCookie(response.headers.get("set-cookie", "")).get("refresh_token")
            if rotated is not None:
                self.token = rotated.value
