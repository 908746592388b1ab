from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import main
from harness.load.plan import StormPlan, Timing
from harness.load.runner import LOCUSTFILE, StormConfig, locust_command, worker_command

PLAN = StormPlan("aligned", 7, 3, 2, Timing(access_ttl_s=60, threshold_s=20, tick_s=1))


def test_locust_command_runs_the_browser_users_with_the_plan_in_their_own_interpreter() -> None:
    command = locust_command(StormConfig(profiles=7), PLAN, "http://127.0.0.1:9", Path("/r"))
    assert command[:3] == [sys.executable, "-m", "locust"]
    assert command[command.index("-f") + 1] == str(LOCUSTFILE)
    assert command[command.index("-u") + 1] == "7"
    assert StormPlan.from_json(command[command.index("--storm-plan") + 1]) == PLAN
    assert command[command.index("--storm-out") + 1] == "/r/storm.json"
    assert command[-1] == "BrowserProfileUser"
    assert "--processes" not in command and "--master" not in command


def test_locust_command_uses_locust_distributed_mode() -> None:
    forked = locust_command(StormConfig(processes=2), PLAN, "http://h:1", Path("r"))
    assert forked[forked.index("--processes") + 1] == "2"
    master = locust_command(
        StormConfig(master=True, expect_workers=3, master_bind_port=6000),
        PLAN,
        "http://h:1",
        Path("r"),
    )
    assert master[master.index("--expect-workers") + 1] == "3"
    assert master[master.index("--master-bind-port") + 1] == "6000"
    assert worker_command("10.0.0.5", 6000)[-5:] == [
        "--worker",
        "--master-host",
        "10.0.0.5",
        "--master-port",
        "6000",
    ]


def one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["load", *argv]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.count("\n") == 0, err
    assert "Traceback" not in captured.err + captured.out
    return err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--profiles", "0"], "--profiles must be at least 1"),
        (["--tabs", "0"], "--tabs must be at least 1"),
        (["--lost-responses", "1.5"], "is a share"),
        (["--base-url", "ftp://example.com"], "must start with http://"),
        (["--setting", "oops"], "NAME=VALUE"),
        (["--worker"], "--worker needs --master-host"),
        (["--target", "/nonexistent/profile.toml"], "profile.toml"),
    ],
)
def test_load_refuses_usage_mistakes_in_one_line(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert says in one_line_exit_2([*argv, "--report-dir", str(tmp_path)], capsys)


def test_load_against_an_unreachable_server_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    argv = ["--base-url", f"http://127.0.0.1:{port}", "--report-dir", str(tmp_path)]
    assert "cannot reach" in one_line_exit_2(argv, capsys)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_load_against_a_silent_server_exits_2(
    silent_server: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["--base-url", silent_server, "--report-dir", str(tmp_path)]
    assert "did not answer within" in one_line_exit_2(argv, capsys)


def test_load_with_an_unwritable_report_dir_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert "cannot write to" in one_line_exit_2(["--report-dir", str(blocker / "x")], capsys)
