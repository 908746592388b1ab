"""`session-harness explore`: the schedule search, its words, its scenario, its command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.client import ClientOptions
from harness.explore import ExploreError, run_explore
from harness.explore.minimise import without
from harness.explore.options import client_options
from harness.explore.steps import Act, BreakRefresh, OpenTab, Wait

PER_TAB_LOCK = ClientOptions(shared_lock=False)


def test_steps_say_themselves_in_plain_words() -> None:
    assert OpenTab(1).words() == "tab 1 opens and the user signs in"
    assert OpenTab(2).words() == "tab 2 opens"
    assert Act((1, 2)).words() == "tab 1 and tab 2 act together"
    assert Wait(1501).words() == "the clock moves 25 min 1 s"
    assert Wait(2700, "fast_forward").words() == "the laptop sleeps 45 min"
    assert BreakRefresh("lose").words() == "the answer to the next refresh is lost"


def test_steps_as_code_use_the_scenario_vocabulary() -> None:
    assert Act((1, 3)).code() == "await asyncio.gather(act(tabs[0]), act(tabs[2]))"
    assert Wait(60).code() == 'await clock.advance(timedelta(seconds=60), mode="run_for")'


def test_client_options_from_name_value_pairs() -> None:
    options = client_options(["shared_lock=false", "bugs=no_heartbeat"])
    assert options == ClientOptions(shared_lock=False, bugs=frozenset({"no_heartbeat"}))


@pytest.mark.parametrize(
    "pair", ["shared_lock", "shared_lock=maybe", "colour=red", "bugs=no_such_bug"]
)
def test_client_options_malformed_raise_explore_error(pair: str) -> None:
    with pytest.raises(ExploreError):
        client_options([pair])


@pytest.mark.parametrize(
    "argv",
    [
        ["--target", "no-such-profile"],
        ["--target", "reference-app", "--client-option", "shared_lock"],
        ["--target", "reference-app", "--regression", "no_such_regression"],
    ],
)
def test_explore_with_bad_input_exits_2_with_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["explore", *argv, "--state-dir", str(tmp_path)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.slow
def test_explore_finds_the_per_tab_lock_without_grace_logout_in_six_steps_or_fewer(
    tmp_path: Path,
) -> None:
    found = run_explore(
        "reference-app",
        seconds=30,
        shrink_seconds=5,
        seed_value=1,
        options=PER_TAB_LOCK,
        regressions=["no_reuse_grace"],
        state_dir=tmp_path,
    )
    assert found.exit_code == 1
    assert found.found is not None and len(found.found.steps) <= 6
    assert found.scenario is not None and found.scenario.is_file()
    # The written scenario reproduces the logout against the buggy app.
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(found.scenario),
            "-p",
            "no:cacheprovider",
            "--target",
            "reference-app",
            "-o",
            "asyncio_mode=auto",
            "-q",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "redirect(s) to login" in run.stdout
    # It reads as the bundled scenarios do: ruff has nothing to say about it.
    ruff = Path(sys.executable).parent / "ruff"
    if ruff.is_file():
        lint = subprocess.run([ruff, "format", "--diff", found.scenario], capture_output=True)
        assert lint.returncode == 0, lint.stdout.decode()
    # The example database is kept: the next run starts from the failing schedule.
    again = run_explore(
        "reference-app",
        seconds=30,
        shrink_seconds=1,
        options=PER_TAB_LOCK,
        regressions=["no_reuse_grace"],
        state_dir=tmp_path,
    )
    assert again.found is not None and again.found.after_seconds < 5


@pytest.mark.slow
def test_explore_of_the_clean_reference_app_finds_nothing(tmp_path: Path) -> None:
    found = run_explore("reference-app", seconds=15, seed_value=1, state_dir=tmp_path)
    assert found.exit_code == 0, "\n".join(found.lines())
    assert found.examples > 10


def test_schedule_without_an_opened_tab_renumbers_the_later_tabs() -> None:
    steps = (OpenTab(1), OpenTab(2), OpenTab(3), Act((1, 3)))
    assert without(steps, 1) == (OpenTab(1), OpenTab(2), Act((1, 2)))
    assert without(steps, 2) is None  # tab 3 acts later


def test_the_command_line_loads_hypothesis_only_when_explore_runs() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, harness.cli; print('hypothesis' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"


@pytest.mark.slow
def test_explore_finds_the_per_tab_lock_with_a_fresh_grace_child_logout(tmp_path: Path) -> None:
    found = run_explore(
        "reference-app",
        seconds=30,
        shrink_seconds=5,
        seed_value=1,
        options=PER_TAB_LOCK,
        regressions=["grace_new_child"],
        state_dir=tmp_path,
    )
    assert found.found is not None and len(found.found.steps) <= 6, "\n".join(found.lines())
