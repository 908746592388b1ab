"""How fast the reference app refuses an oversized header, and how much it reads first.

Starts the app as the harness does (uvicorn, `reference_app.protocol:BoundedH11Protocol`)
and, for comparison, with uvicorn's default protocol (httptools, where the app's middleware
answers); sends requests with an `Authorization` header of each size over a raw socket
and prints the status and the median and worst time to the answer, and the server's RSS
growth. Run from the repository root:

    .venv/bin/python benchmarks/header_limit.py [--rounds 20] [--sizes 20000,1000000,32000000]
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import time

import psutil

from harness.server import AppServer

ENV = {"REFAPP_PASSWORD_HASH_MEMORY_KIB": "8", "REFAPP_PASSWORD_HASH_TIME_COST": "1"}
DEFAULT_COMMAND = [
    "{python}",
    "-m",
    "uvicorn",
    "reference_app:create_app",
    "--factory",
    "--port",
    "{port}",
    "--no-access-log",
]


def read_answer(sock: socket.socket) -> bytes:
    """One HTTP answer: its head, then as many body bytes as its content-length says."""
    reply = b""
    while b"\r\n\r\n" not in reply and (chunk := sock.recv(65536)):
        reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length and (chunk := sock.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def answer(port: int, size: int) -> tuple[int, float]:
    """Status of a GET with a `size`-byte bearer token, and seconds to its status line."""
    head = (
        f"GET /api/chat/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {'a' * size}\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        # the server answered and closed before reading it all: read the answer
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head)
        reply = read_answer(sock)
    elapsed = time.perf_counter() - started
    status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1 ") else 0
    return status, elapsed


def measure(label: str, server: AppServer, sizes: list[int], rounds: int) -> None:
    assert server.pid is not None
    process = psutil.Process(server.pid)
    for size in sizes:
        before = process.memory_info().rss
        results = [answer(server.port, size) for _ in range(rounds)]
        grown = (process.memory_info().rss - before) / 2**20
        times = sorted(seconds * 1000 for _, seconds in results)
        statuses = sorted({status for status, _ in results})
        print(
            f"{label:<22} {size:>10,} B  status {statuses}  "
            f"median {statistics.median(times):7.1f} ms  max {times[-1]:7.1f} ms  "
            f"RSS +{grown:.0f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--sizes", default="20000,1000000,32000000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with AppServer(ENV, access_log=False) as server:
        measure("bounded h11 (harness)", server, sizes, args.rounds)
    with AppServer(ENV, access_log=False, command=DEFAULT_COMMAND, test_clock=False) as server:
        measure("uvicorn default", server, sizes, args.rounds)


if __name__ == "__main__":
    main()
