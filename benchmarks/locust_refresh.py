"""Locust users that refresh in a loop, each with its own session (run by refresh_throughput.py).

Each user takes one session from BENCH_TOKENS_FILE and, when the run ends, writes the token
it holds to BENCH_TOKENS_OUT: the next round carries on with the same sessions.
"""

from __future__ import annotations

import itertools
import os
from http.cookies import SimpleCookie

from locust import task
from locust.contrib.fasthttp import FastHttpUser

_TOKENS = open(os.environ["BENCH_TOKENS_FILE"]).read().split()  # noqa: SIM115
_NEXT = itertools.count()


class Refresher(FastHttpUser):
    def on_start(self) -> None:
        self.token = _TOKENS[next(_NEXT) % len(_TOKENS)]

    def on_stop(self) -> None:
        with open(os.environ["BENCH_TOKENS_OUT"], "a") as out:
            out.write(self.token + "\n")

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
