"""Drafts: the editor re-sends only the blocks that changed, and gets exactly the findings of a
full check of the same copy.

A client here does what the editor does (editor/src/editor.js): split the copy into blocks at
blank lines, keep each unchanged block's id, send the text of changed blocks only. Random edit
sequences (hypothesis) compare every answer with a full check of the same text. All servers
listen on 127.0.0.1 and every test is bounded.
"""

from __future__ import annotations

import itertools
from collections import Counter
import json
import re

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from test_server import ThreadServer, _engine, post_json  # noqa: E402

from copydesk.server.drafts import Drafts, DraftError, StaleDraft  # noqa: E402

PUBLISHED = "2024-03-06"  # a Wednesday: "on Monday" and "on Thursday" read differently
# Blocks that bring the story-level checks into play: duplicates, dates, spelling consistency,
# attribution of a quote to the paragraph before, a real-word error, a repeated word.
PARAGRAPHS = [
    "# Health budget rises as harbour workers strike",
    "![Dockers march past the gates (AP Photo/Jane Doe)](a.jpg)",
    "Dockers walked out on Monday after talks broke down, union leaders said.",
    "The union will organise a second march on Thursday, its leader Ann Hale said.",
    "The port authority said it would organize talks next week.",
    "“We will not go back until the offer improves,” she said.",
    "Nurses at the clinic said “public heath care” costs rose again on 12 March 2024.",
    "The the mayor's office agreed that costs rose 4% in February.",
    "“It is a fair offer,” said a spokesman. “We stand by it.”",
    "The talks resume on Friday, March 8, the ministry said.",
]


def blocks_of(text: str) -> list[str]:
    """The copy as blocks, each with the blank lines after it (as blocksOf in editor.js)."""
    blocks, start = [], 0
    for match in re.finditer(r"\n[ \t]*\n\s*", text):
        blocks.append(text[start:match.end()])
        start = match.end()
    if start < len(text) or not blocks:
        blocks.append(text[start:])
    return blocks


class DraftClient:
    """The editor's side of a draft (draftBlocks and sendDraft in editor.js)."""

    def __init__(self, port: int, draft: str) -> None:
        self.port, self.draft = port, draft
        self.revision: int | None = None
        self.held: list[tuple[str, str]] = []
        self.ids = itertools.count()
        self.sent: list[dict] = []  # the blocks of the last request

    def blocks(self, texts: list[str]) -> list[tuple[str, str, bool]]:
        unused: dict[str, list[str]] = {}
        for block_id, text in self.held:
            unused.setdefault(text, []).append(block_id)
        ids = [unused[text].pop(0) if self.revision is not None and unused.get(text) else None for text in texts]
        taken = {block_id for block_id in ids if block_id is not None}
        chosen = []
        for index, (text, block_id) in enumerate(zip(texts, ids)):
            if block_id is not None:
                chosen.append((block_id, text, True))
                continue
            there = self.held[index][0] if index < len(self.held) else None
            block_id = there if there is not None and there not in taken else f"b{next(self.ids)}"
            taken.add(block_id)
            chosen.append((block_id, text, False))
        return chosen

    def check(self, text: str) -> tuple[int, dict, bytes]:
        chosen = self.blocks(blocks_of(text))
        self.sent = [{"id": block_id} if unchanged else {"id": block_id, "text": block_text}
                     for block_id, block_text, unchanged in chosen]
        status, headers, body = post_json(self.port, "/api/v1/check", {
            "draft": self.draft, "revision": self.revision, "blocks": self.sent, "format": "markdown",
            "published": PUBLISHED})
        if status == 409:
            self.revision, self.held = None, []
            return self.check(text)
        assert status == 200, body
        self.revision = int(headers["copydesk-draft-revision"])
        self.held = [(block_id, block_text) for block_id, block_text, _ in chosen]
        return status, headers, body


@pytest.fixture(scope="module")
def drafts_server(tmp_path_factory):
    from copydesk.server.app import create_app

    with ThreadServer(create_app(_engine(tmp_path_factory.mktemp("drafts")))) as served:
        yield served


def full_check(port: int, text: str) -> bytes:
    status, _, body = post_json(port, "/api/v1/check", {"markdown": text, "published": PUBLISHED})
    assert status == 200, body
    return body


def _apply(paragraphs: list[str], edit: tuple) -> list[str]:
    kind, where, what = edit
    paragraphs = list(paragraphs)
    where = where % (len(paragraphs) + 1)
    if kind == "insert" or not paragraphs:
        paragraphs.insert(where, PARAGRAPHS[what % len(PARAGRAPHS)])
    elif kind == "delete" and len(paragraphs) > 1:
        del paragraphs[where % len(paragraphs)]
    elif kind == "duplicate":
        paragraphs.insert(where, paragraphs[what % len(paragraphs)])
    elif kind == "replace":
        paragraphs[where % len(paragraphs)] = PARAGRAPHS[what % len(PARAGRAPHS)]
    elif kind == "type":  # a few characters typed inside a paragraph
        index = where % len(paragraphs)
        at = what % (len(paragraphs[index]) + 1)
        paragraphs[index] = paragraphs[index][:at] + " the the" + paragraphs[index][at:]
    elif kind == "split":  # Enter twice inside a paragraph: one block becomes two
        index = where % len(paragraphs)
        at = what % (len(paragraphs[index]) + 1)
        paragraphs[index:index + 1] = [paragraphs[index][:at], paragraphs[index][at:]]
    return [paragraph for paragraph in paragraphs if paragraph.strip()] or [PARAGRAPHS[2]]


EDITS = st.tuples(st.sampled_from(["insert", "delete", "duplicate", "replace", "type", "split"]),
                  st.integers(0, 20), st.integers(0, 200))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.lists(st.integers(0, len(PARAGRAPHS) - 1), min_size=1, max_size=8),
       edits=st.lists(EDITS, min_size=1, max_size=6),
       separators=st.sampled_from(["\n\n", "\n\n\n", "\n \n", "\n\n  "]),
       forget_at=st.integers(0, 8))
def test_a_draft_check_equals_a_full_check_of_the_same_text_after_any_edits(drafts_server, start, edits,
                                                                             separators, forget_at):
    port = drafts_server.port
    client = DraftClient(port, f"draft-{next(_DRAFT_NUMBERS)}")
    paragraphs = [PARAGRAPHS[index] for index in start]
    for step, edit in enumerate([None, *edits]):
        if edit is not None:
            paragraphs = _apply(paragraphs, edit)
        if step == forget_at:  # as if the server had restarted or evicted the draft
            client.revision = 987654
        text = separators.join(paragraphs) + "\n"
        held = Counter(block_text for _, block_text in client.held)
        _, _, body = client.check(text)
        assert json.loads(body) == json.loads(full_check(port, text)), (step, text)
        if step and step != forget_at:  # only the blocks the server does not hold went with their text
            assert sum("text" in block for block in client.sent) == sum((Counter(blocks_of(text)) - held).values())


_DRAFT_NUMBERS = itertools.count()


def test_only_changed_blocks_are_sent_and_findings_stay_on_their_words(drafts_server):
    port = drafts_server.port
    client = DraftClient(port, "only-changed")
    paragraphs = [PARAGRAPHS[0], PARAGRAPHS[2], PARAGRAPHS[6], PARAGRAPHS[4]]
    text = "\n\n".join(paragraphs) + "\n"
    client.check(text)
    assert all("text" in block for block in client.sent)
    paragraphs[1] = paragraphs[1].replace("walked out", "walked out out")
    edited = "\n\n".join(paragraphs) + "\n"
    _, _, body = client.check(edited)
    changed = [block for block in client.sent if "text" in block]
    assert len(client.sent) == 4 and len(changed) == 1 and changed[0]["text"].startswith("Dockers walked out out")
    findings = json.loads(body)["findings"]
    where = {finding["rule"]: edited[finding["offset"]:finding["offset"] + finding["length"]] for finding in findings}
    assert where["real-word-error"] == "public heath"
    assert "out out" in where["repeated-word"]


def test_a_draft_request_on_a_revision_the_server_does_not_hold_gets_409(drafts_server):
    port = drafts_server.port
    status, _, body = post_json(port, "/api/v1/check", {"draft": "never-seen", "revision": 3,
                                                        "blocks": [{"id": "b0"}], "format": "markdown"})
    assert status == 409 and "send every block" in json.loads(body)["error"]
    for bad in ({"draft": "x y", "blocks": []}, {"draft": "d", "blocks": [{"id": "a", "text": 1}]},
                {"draft": "d", "blocks": [{"id": "a", "text": ""}, {"id": "a", "text": ""}]},
                {"draft": "d", "blocks": "text"}, {"draft": "d", "blocks": [], "format": "pdf"},
                {"draft": "d", "blocks": [], "text": "both"}):
        status, _, body = post_json(port, "/api/v1/check", bad)
        assert status == 400 and "error" in json.loads(body), bad


def test_drafts_stay_within_their_bounds():
    # A one-block draft here is counted 113: its id, its copy and the block's id and allowance.
    drafts = Drafts(max_drafts=3, max_chars=400)
    for number in range(5):
        drafts.assemble(f"d{number}", None, [{"id": "a", "text": "x" * 10}])
    assert len(drafts) == 3
    with pytest.raises(StaleDraft):  # the oldest went first
        drafts.assemble("d0", 1, [{"id": "a"}])
    drafts.assemble("big", None, [{"id": "a", "text": "y" * 90}])
    assert len(drafts) <= 2 and drafts._chars <= 400
    story, revision = drafts.assemble("big", 1, [{"id": "a"}, {"id": "b", "text": "z"}])
    assert story == "y" * 90 + "z" and revision == 2
    with pytest.raises(StaleDraft):
        drafts.assemble("big", 2, [{"id": "c"}])
    with pytest.raises(DraftError):
        drafts.assemble("big", 2, [{"id": "a", "text": None, "extra": 1}, {"id": "a"}])
    # Empty blocks hold no copy but cost memory: a draft of many of them is counted, and goes.
    drafts.assemble("empty", None, [{"id": f"b{number}", "text": ""} for number in range(50)])
    assert len(drafts) == 1 and drafts._chars > 400
