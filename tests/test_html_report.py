"""The HTML report, opened in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

``.ci/run`` installs Chromium and sets COPYDESK_REQUIRE_BROWSER=1, so there a
missing browser fails instead of skipping. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SEEDS

ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The machine's network is closed: without these Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

INJECTED = """Council approves <script>window.__injected = "script"</script> budget

The vote was close."><img src=x onerror="window.__injected = 'onerror'"> and the mayor said the budget was fair.

A <b>bold</b> claim &amp; an <a href="javascript:window.__injected='link'">unsafe link</a> said the mayor.

The vote was close."><img src=x onerror="window.__injected = 'onerror'"> and the mayor said the budget was fair.
"""


def _report(cli, tmp_path: Path, *paths) -> tuple[Path, list[dict]]:
    """The HTML report of ``paths`` written to a file, and the same run's findings from the JSON report
    (each with the number of its story under ``story``)."""
    html = tmp_path / "report.html"
    assert cli("check", *paths, "--format", "html", "--output", html, "--fail-on", "never").code == 0
    documents = json.loads(cli("check", *paths, "--format", "json", "--fail-on", "never").out)["documents"]
    return html, [dict(f, story=story) for story, document in enumerate(documents) for f in document["findings"]]


def test_html_report_escapes_the_copy(cli, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(INJECTED, encoding="utf-8")
    html, findings = _report(cli, tmp_path, story)
    page = html.read_text(encoding="utf-8")
    assert findings, "the injected story should have findings, so its copy is shown"
    assert "&lt;script&gt;window.__injected" in page
    assert "<img" not in page and "<b>" not in page and 'href="javascript' not in page
    assert page.count("<script") == 1  # the report's own
    assert "connect-src" not in page and "default-src 'none'" in page


def test_new_report_file_gets_ordinary_permissions(cli, tmp_path):
    os.umask(0o022)
    html, _ = _report(cli, tmp_path, REPO / "examples")
    assert html.stat().st_mode & 0o777 == 0o644


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("COPYDESK_REQUIRE_BROWSER"):
            pytest.fail("COPYDESK_REQUIRE_BROWSER is set but no chromium is on PATH")
        pytest.skip("needs Chromium on PATH (Debian: apt install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser):
    pages = []

    def open_(path: Path):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.requests = []
        page.errors = []
        page.on("request", lambda request: page.requests.append(request.url))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(path.as_uri())
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.close()


def _highlighted(page, number: int) -> str:
    return page.evaluate(
        "n => Array.from(document.querySelectorAll(`mark.hl[data-findings~='f${n}']`))"
        ".map(m => m.textContent).join('')", number)


SOURCES = [pytest.param([REPO / "examples"], id="examples"),
           pytest.param([SEEDS], id="seeds", marks=pytest.mark.skipif(
               not SEEDS.exists(), reason=f"needs {SEEDS} (shared data beside the repo)"))]


@pytest.mark.parametrize("paths", SOURCES)
def test_every_finding_is_highlighted_at_its_text(cli, tmp_path, open_page, paths, request):
    html, findings = _report(cli, tmp_path, *paths)
    page = open_page(html)
    assert page.locator("li.finding").count() == len(findings)
    for number, finding in enumerate(findings, 1):
        expected = "".join(finding["text"].splitlines())  # highlights stop at line ends
        assert _highlighted(page, number) == expected, finding
        item = page.locator(f"li#f{number}")
        assert finding["message"] in item.inner_text()
        assert item.get_attribute("data-severity") == finding["severity"]
    assert not page.errors
    assert all(url.startswith("file://") for url in page.requests), page.requests
    page.screenshot(path=str(_artifact(f"html-report-{request.node.callspec.id}.png")))


@pytest.mark.skipif(not SEEDS.exists(), reason=f"needs {SEEDS} (shared data beside the repo)")
def test_seeds_report_shows_heath_care_and_its_message_on_focus(cli, tmp_path, open_page):
    html, findings = _report(cli, tmp_path, SEEDS)
    page = open_page(html)
    heath = [n for n, f in enumerate(findings, 1) if f["rule"] == "real-word-error"]
    assert len(heath) == 2 and all(_highlighted(page, n) == "Heath Care" for n in heath)
    mark = page.locator(f"mark.hl[data-findings~='f{heath[0]}']").first
    mark.focus()
    tip = page.evaluate("m => getComputedStyle(m, '::after').content", mark.element_handle())
    assert "real-word-error" in tip and "Health Care" in tip
    page.screenshot(path=str(_artifact("html-report-seeds-focus.png")))


def test_filters_hide_what_they_should(cli, tmp_path, open_page):
    html, findings = _report(cli, tmp_path, REPO / "examples")
    severities = {f["severity"] for f in findings}
    assert {"error", "warning"} <= severities
    page = open_page(html)
    page.locator("input[data-severity='error']").uncheck()
    for number, finding in enumerate(findings, 1):
        assert page.locator(f"li#f{number}").is_hidden() == (finding["severity"] == "error")
    only_errors = page.evaluate("""() => Array.from(document.querySelectorAll('mark.hl'))
        .filter(m => m.dataset.findings.split(' ').every(id => document.getElementById(id).dataset.severity === 'error'))
        .map(m => [m.classList.contains('off'), m.tabIndex])""")
    assert only_errors and all(state == [True, -1] for state in only_errors)
    shown = sum(f["severity"] != "error" for f in findings)
    assert page.locator("#shown").inner_text() == str(shown)

    check = findings[0]["check"]
    page.locator("input[data-severity='error']").check()
    page.locator(f"input[data-check='{check}']").uncheck()
    for number, finding in enumerate(findings, 1):
        assert page.locator(f"li#f{number}").is_hidden() == (finding["check"] == check)
    stories_left = {f["story"] for f in findings if f["check"] != check}
    assert page.locator("article.story:not([hidden])").count() == len(stories_left) > 0
    page.screenshot(path=str(_artifact("html-report-filtered.png")))


def test_keyboard_reaches_highlights_and_jumps_from_the_list(cli, tmp_path, open_page):
    html, findings = _report(cli, tmp_path, REPO / "examples")
    page = open_page(html)
    page.locator("#filters input").last.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.dataset.findings]")
    assert focused[0] == "MARK"
    last = len(findings)
    page.locator(f"li#f{last} a.goto").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.activeElement.matches(`mark.hl[data-findings~='f${n}']`)", arg=last)


def test_injected_copy_does_not_run(cli, tmp_path, open_page):
    story = tmp_path / "story.txt"
    story.write_text(INJECTED, encoding="utf-8")
    html, _ = _report(cli, tmp_path, story)
    page = open_page(html)
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.__injected") is None
    assert page.locator("img").count() == 0
    copy = page.locator(".copy").first.inner_text()
    assert "<script>window.__injected" in copy and "onerror=" in copy
    assert all(url.startswith("file://") for url in page.requests), page.requests
    page.screenshot(path=str(_artifact("html-report-injected.png")))


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
