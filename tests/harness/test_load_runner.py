from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.load.runner import LOCUSTFILE, StormConfig, locust_command, read_stats

CSV_HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n"
)


def test_locust_command_runs_locust_in_its_own_interpreter_with_the_storm_users() -> None:
    command = locust_command(
        StormConfig(users=7, seconds=3, tabs=4), "http://127.0.0.1:9", Path("/tmp/x/locust")
    )
    assert command[:3] == [sys.executable, "-m", "locust"]
    assert command[command.index("-f") + 1] == str(LOCUSTFILE)
    assert command[command.index("-u") + 1] == "7"
    assert command[command.index("-t") + 1] == "3s"
    assert command[command.index("--storm-tabs") + 1] == "4"
    assert command[-2:] == ["RefreshStormUser", "TabRaceUser"]
    assert "--processes" not in command


def test_locust_command_with_several_processes_uses_locust_distributed_mode() -> None:
    command = locust_command(StormConfig(processes=2), "http://127.0.0.1:9", Path("p"))
    assert command[command.index("--processes") + 1] == "2"


def test_read_stats_parses_locust_csv(tmp_path: Path) -> None:
    (tmp_path / "locust_stats.csv").write_text(
        CSV_HEADER
        + "POST,refresh,120,0,12,13.5,5,40,600,80.5,0.0,12,14,15,16,20,25,30,35,40,40,40\n"
        + ",Aggregated,130,2,12,13.5,5,40,600,85.0,0.1,12,14,15,16,20,25,30,36,40,40,40\n"
    )
    stats = read_stats(tmp_path / "locust")
    assert stats["refresh"].requests == 120
    assert stats["refresh"].p99_ms == 35.0
    assert stats["Aggregated"].failures == 2


@pytest.mark.parametrize("flag", ["--users", "--seconds", "--processes"])
def test_load_command_rejects_non_positive_counts(
    flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", flag, "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "at least 1" in err
