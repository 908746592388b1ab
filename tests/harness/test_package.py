from __future__ import annotations

import subprocess
import sys


def test_importing_harness_loads_neither_playwright_nor_locust() -> None:
    code = (
        "import sys, harness\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "heavy = sorted(roots & {'playwright', 'locust', 'gevent'})\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_python_dash_m_harness_prints_usage_and_exits_2_without_a_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "harness"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "usage: session-harness" in result.stderr
    assert "Traceback" not in result.stderr
