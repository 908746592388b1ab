from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["harness", "harness.pytest_plugin", "harness.cli"])
def test_importing_harness_or_its_plugin_loads_neither_playwright_nor_locust(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "heavy = sorted(roots & {'playwright', 'locust', 'gevent'})\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_every_package_of_the_tree_is_in_the_wheel_list() -> None:
    """pyproject lists packages by hand (the bundled scenarios are mapped into harness/)."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for top in ("harness", "reference_app")
        for path in (ROOT / top).rglob("__init__.py")
    }
    scenarios = {"harness.scenarios"} | {
        f"harness.scenarios.{p.name}"
        for p in (ROOT / "scenarios").iterdir()
        if p.is_dir()
        and p.name.isidentifier()  # not .pytest_cache, __pycache__ is fine too
        and not p.name.startswith("__")
    }
    assert listed == found | scenarios


def test_python_dash_m_harness_without_a_command_says_so_in_one_line_and_exits_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "harness"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr == (
        "session-harness: the following arguments are required: command "
        "(see session-harness --help)\n"
    )
