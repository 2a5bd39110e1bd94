"""The editor of ``copydesk serve`` in a real headless Chromium (Debian's, driven by Playwright).

An editor types a story; findings are underlined and listed; applying a suggestion changes
the text and the finding goes; a word put on the house list stops being flagged. Nothing
reaches another origin, nothing logs an error, and HTML in the copy stays text.
``.ci/run`` sets COPYDESK_REQUIRE_BROWSER=1, so there a missing browser fails instead of skipping.
"""

from __future__ import annotations

import json

import pytest

from test_html_report import ARTIFACTS, browser  # noqa: F401 (the browser fixture)
from test_server import serving

STORY = """# Heath Care Costs Rise at the Clinic

![Nurses at the city clinic (AP Photo/Jane Doe)](a.jpg)

![Nurses at the city clinic (AP Photo/Jane Doe)](b.jpg)

Patients said costs rose on Monday.

The vote was close."><img src=x onerror="window.__injected = 'onerror'"><script>window.__injected = 'script'</script> and the mayor said the budget was fair and would pass.

The vote was close."><img src=x onerror="window.__injected = 'onerror'"><script>window.__injected = 'script'</script> and the mayor said the budget was fair and would pass.
"""
CAPTION = "Nurses at the city clinic (AP Photo/Jane Doe)"


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("desk")) as served:
        yield served


def _underlined(page, severity: str) -> str:
    return page.evaluate("s => Array.from(document.querySelectorAll('.cm-lintRange-' + s))"
                         ".map(n => n.textContent).join('|')", severity)


def _listed(page) -> list[str]:
    return page.eval_on_selector_all("#findings li.finding", "items => items.map(i => i.textContent)")


def test_editor_underlines_fixes_and_learns_words(browser, editor_server):  # noqa: F811
    origin = editor_server["url"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(origin + "/")
        page.wait_for_selector(".cm-content")
        page.click(".cm-content")
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(STORY)
        # (Locators, not wait_for_function: the page's policy forbids the eval that one needs.)
        page.locator(".cm-lintRange-error").first.wait_for(timeout=15000)
        page.locator("#findings li.finding", has_text="Heath Care").wait_for(timeout=15000)

        # Both underlined in place: the repeated caption (an error) and "Heath Care" (a warning).
        assert CAPTION in _underlined(page, "error")
        assert "Heath Care" in _underlined(page, "warning")
        listed = _listed(page)
        assert any("duplicate-caption" in item and CAPTION in item for item in listed)
        assert any("real-word-error" in item and "Heath Care" in item for item in listed)

        # Apply the caption's suggestion (delete the repeat): the text changes, the finding goes.
        item = page.locator("#findings li.finding", has_text="duplicate-caption")
        item.get_by_role("button", name="Delete", exact=True).click()
        page.locator("#findings li.finding", has_text="duplicate-caption").wait_for(state="detached", timeout=15000)
        text = page.evaluate("window.copydeskEditor.state.doc.toString()")
        assert text.count(CAPTION) == 1 and "![](b.jpg)" in text

        # Put "Heath" on the house word list: its finding goes, and the list on disk has it.
        item = page.locator("#findings li.finding", has_text="real-word-error")
        item.get_by_role("button", name="Add “Heath” to the word list", exact=True).click()
        page.locator("#findings li.finding", has_text="real-word-error").wait_for(state="detached", timeout=15000)
        assert "Heath" in (editor_server["folder"] / "copydesk-words.txt").read_text(encoding="utf-8").split()
        assert "Heath Care" not in _underlined(page, "warning")

        # The injected HTML is copy: shown as text in the editor and the sidebar, never run.
        assert any("<script>window.__injected" in item and "duplicate-paragraph" in item for item in _listed(page))
        assert page.evaluate("window.__injected") is None
        assert page.locator("#findings img, #editor img, #findings script").count() == 0

        # Ignore once: the finding goes, and stays gone when an edit elsewhere brings a re-check.
        item = page.locator("#findings li.finding", has_text="duplicate-paragraph")
        item.get_by_role("button", name="Ignore once", exact=True).click()
        item.wait_for(state="detached", timeout=15000)
        page.click(".cm-content")
        page.keyboard.press("Control+Home")
        page.keyboard.press("End")
        page.keyboard.type(" the the")
        page.locator("#findings li.finding", has_text="repeated-word").wait_for(timeout=15000)
        assert not any("duplicate-paragraph" in item for item in _listed(page))

        # Keyboard: F8 moves the cursor to the next finding.
        page.click(".cm-content")
        page.keyboard.press("Control+Home")
        page.keyboard.press("F8")
        selected = page.evaluate("(() => { const s = window.copydeskEditor.state.selection.main;"
                                 " return window.copydeskEditor.state.sliceDoc(s.from, s.to); })()")
        assert selected, "F8 selects the next finding"

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "editor.png"))
        assert errors == []
        assert requests and all(url.startswith(origin + "/") or url.startswith("data:") for url in requests), requests
    finally:
        page.close()


def test_editor_page_headers(browser, editor_server):  # noqa: F811
    page = browser.new_page()
    try:
        response = page.goto(editor_server["url"] + "/")
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "default-src 'none'" in policy and "connect-src 'self'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert page.locator("script[src^='http'], link[href^='http']").count() == 0  # nothing from a CDN
    finally:
        page.close()


def test_editor_asks_for_the_token_of_a_guarded_server(browser, tmp_path):  # noqa: F811
    from test_server import ThreadServer, _engine

    from copydesk.server.app import Settings, create_app

    token = "newsroom-token-0123456789"
    with ThreadServer(create_app(_engine(tmp_path), Settings(token=token))) as served:
        page = browser.new_page()
        asked = []
        page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept(token)))
        try:
            page.goto(f"http://127.0.0.1:{served.port}/")
            page.locator("#findings li.finding").first.wait_for(timeout=15000)  # the starter story was checked
            assert asked == ["This copydesk server needs a token:"]
        finally:
            page.close()


DRAFT = """# Health budget rises as harbour workers strike

![Dockers march past the gates (AP Photo/Jane Doe)](a.jpg)

Dockers walked out on Monday after talks broke down, union leaders said.

Nurses at the clinic said “public heath care” costs rose again, and the mayor’s office agreed.
"""


def _all_underlined(page) -> list[str]:
    return page.eval_on_selector_all("[class*='cm-lintRange-']", "nodes => nodes.map(n => n.textContent)")


def test_editor_sends_only_the_changed_block_and_keeps_highlights_on_their_words(browser, tmp_path):  # noqa: F811
    from test_server import ThreadServer, _engine

    from copydesk.server.app import create_app

    with ThreadServer(create_app(_engine(tmp_path))) as served:  # its own word list: "heath" is not on it
        _edit_one_block(browser, f"http://127.0.0.1:{served.port}")


def _edit_one_block(browser, origin: str) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    bodies, errors = [], []
    page.on("request", lambda request: bodies.append(json.loads(request.post_data))
            if request.url == origin + "/api/v1/check" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(origin + "/")
        page.wait_for_selector(".cm-content")
        page.locator("#findings li.finding").first.wait_for(timeout=15000)  # the starter story
        page.evaluate("text => window.copydeskEditor.dispatch({changes: {from: 0, "
                      "to: window.copydeskEditor.state.doc.length, insert: text}})", DRAFT)
        page.locator("#findings li.finding", has_text="public heath").wait_for(timeout=15000)
        assert "public heath" in _all_underlined(page)
        sent_before = len(bodies)

        # Type inside the third block, before the real-word error's paragraph.
        at = DRAFT.index("walked out") + len("walked out")
        page.evaluate("at => window.copydeskEditor.dispatch({selection: {anchor: at}})", at)
        page.click(".cm-content")  # focus, then put the cursor back where it was set
        page.evaluate("at => window.copydeskEditor.dispatch({selection: {anchor: at}})", at)
        page.keyboard.type(" out")
        # While the re-check is pending, the underline has moved with its words.
        assert "public heath" in _all_underlined(page)
        page.locator("#findings li.finding", has_text="repeated-word").wait_for(timeout=15000)

        last = bodies[-1]
        assert len(bodies) > sent_before and last["draft"] and last["format"] == "markdown"
        changed = [block for block in last["blocks"] if "text" in block]
        assert len(last["blocks"]) == 4 and len(changed) == 1, last["blocks"]
        assert changed[0]["text"] == "Dockers walked out out on Monday after talks broke down, union leaders said.\n\n"
        underlined = _all_underlined(page)
        assert "public heath" in underlined and "out out" in underlined
        text = page.evaluate("window.copydeskEditor.state.doc.toString()")
        assert text == DRAFT.replace("walked out", "walked out out")
        assert errors == []
    finally:
        page.close()
