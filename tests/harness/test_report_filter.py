"""The report's filter, run in Chromium: status, criterion, suite and text narrow the tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser

from harness.report.model import RunResult, TestResult
from harness.report.writer import write_report

pytestmark = pytest.mark.asyncio(loop_scope="session")


def report(tmp_path: Path) -> Path:
    tests = [
        TestResult("api/a.py::test_alpha", "api", status="passed", ac=["AC1"]),
        TestResult("api/b.py::test_beta", "api", status="skipped", ac=["AC2"]),
        TestResult("browser/c.py::test_gamma", "browser", status="passed", ac=["AC1", "AC2"]),
    ]
    started = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    return write_report(RunResult("r1", started, tests=tests), tmp_path / "report")


async def visible(page: object, **filters: str) -> list[str]:
    for name, value in filters.items():
        event = "input" if name == "text" else "change"
        await page.evaluate(  # type: ignore[attr-defined]
            "([id, value, event]) => { const el = document.getElementById(id);"
            " el.value = value; el.dispatchEvent(new Event(event)); }",
            [f"f-{name}", value, event],
        )
    names: list[str] = await page.evaluate(  # type: ignore[attr-defined]
        "() => Array.from(document.querySelectorAll('section.test:not(.hidden) h3'))"
        ".map(h => h.textContent.trim().split(' ').pop())"
    )
    return sorted(names)


async def test_filter_narrows_tests_by_status_criterion_suite_and_text(
    browser: Browser, tmp_path: Path
) -> None:
    page = await browser.new_page()
    try:
        await page.goto(report(tmp_path).as_uri())
        assert await visible(page) == ["test_alpha", "test_beta", "test_gamma"]
        assert await visible(page, ac="AC2") == ["test_beta", "test_gamma"]
        assert await visible(page, suite="api") == ["test_beta"]
        assert await visible(page, ac="", suite="", status="passed") == ["test_alpha", "test_gamma"]
        assert await visible(page, text="GAMMA") == ["test_gamma"]
        assert await page.locator("#f-count").inner_text() == "1 of 3 tests"
    finally:
        await page.close()
