"""The editor's drafts between checks, so that a re-check sends only the blocks that changed.

An editor splits its copy into blocks (a headline, a caption, a paragraph, each with the blank
lines after it) and gives each an id of its own. The first check of a draft sends every block's
text; later ones send the text of the blocks that changed and only the id of the others. The
server keeps each draft's blocks, puts the story back together and checks the whole of it with
the Engine, as any other request: duplicate paragraphs, dates, spelling consistency and
attribution look across blocks, so checking a block alone could not give the same findings.

A draft moves from revision to revision. A request that leans on blocks the server holds names
the revision it was written against; if the server holds another one (it restarted, forgot the
draft to stay within its memory bound, or another request came between), it answers 409 and the
editor sends every block again. Drafts live in memory only, least recently used first out, within
a count and a size bound; they are never logged.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

MAX_ID_LENGTH = 64
MAX_BLOCKS = 10_000
_ID = re.compile(r"[A-Za-z0-9_.:-]+")


class DraftError(ValueError):
    """A draft request that is malformed; the message says why (HTTP 400)."""


class StaleDraft(Exception):
    """The request leans on blocks of a revision the server does not hold (HTTP 409)."""


@dataclass
class _Draft:
    revision: int
    blocks: dict[str, str]
    size: int


# Characters a block is counted for beyond its id and text: its dict entry and string headers.
_BLOCK_OVERHEAD = 100


class Drafts:
    """Drafts by id, at most ``max_drafts`` of them and ``max_chars`` characters in all (copy, ids and
    a per-block allowance, so that a draft of thousands of empty blocks is counted too)."""

    def __init__(self, max_drafts: int = 1_000, max_chars: int = 20_000_000) -> None:
        self.max_drafts = max_drafts
        self.max_chars = max_chars
        self._drafts: OrderedDict[str, _Draft] = OrderedDict()
        self._chars = 0

    def __len__(self) -> int:
        return len(self._drafts)

    def assemble(self, draft_id: Any, base: Any, blocks: Any) -> tuple[str, int]:
        """The story a draft request describes, and the draft's new revision.

        ``blocks`` is a list of ``{"id": …, "text": …}`` in the story's order, where ``text`` is
        left out for a block unchanged since revision ``base``. Raises DraftError when the
        request is malformed and StaleDraft when the server does not hold ``base``.
        """
        if not isinstance(draft_id, str) or not _ID.fullmatch(draft_id) or len(draft_id) > MAX_ID_LENGTH:
            raise DraftError(f"'draft' must be an id of at most {MAX_ID_LENGTH} letters, digits or _.:-")
        if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
            raise DraftError(f"'blocks' must be a list of at most {MAX_BLOCKS:,} blocks")
        texts: dict[str, str | None] = {}
        for block in blocks:
            if not isinstance(block, dict) or not isinstance(block.get("id"), str) \
                    or not _ID.fullmatch(block["id"]) or len(block["id"]) > MAX_ID_LENGTH:
                raise DraftError("each block must be an object with an 'id' of letters, digits or _.:-")
            if block["id"] in texts:
                raise DraftError(f"block id {block['id']!r} is given twice")
            text = block.get("text")
            if text is not None and not isinstance(text, str):
                raise DraftError(f"the text of block {block['id']!r} must be a string")
            texts[block["id"]] = text
        held = self._drafts.get(draft_id)
        if any(text is None for text in texts.values()):
            if held is None or base != held.revision:
                raise StaleDraft("the server does not hold this revision of the draft: send every block's text")
            missing = [block_id for block_id, text in texts.items() if text is None and block_id not in held.blocks]
            if missing:
                raise StaleDraft(f"block {missing[0]!r} is not in this revision of the draft: send its text")
        current = {block_id: held.blocks[block_id] if text is None else text  # type: ignore[union-attr]
                   for block_id, text in texts.items()}
        story = "".join(current.values())
        revision = held.revision + 1 if held is not None else 1
        # What the draft holds in memory, not only its copy: ids and many empty blocks cost too.
        size = len(draft_id) + len(story) + sum(len(block_id) + _BLOCK_OVERHEAD for block_id in current)
        self._store(draft_id, _Draft(revision, current, size))
        return story, revision

    def forget(self, draft_id: str) -> None:
        """Drop a draft (its story was refused after all: too large to keep)."""
        held = self._drafts.pop(draft_id, None)
        if held is not None:
            self._chars -= held.size

    def _store(self, draft_id: str, draft: _Draft) -> None:
        self.forget(draft_id)
        self._drafts[draft_id] = draft
        self._chars += draft.size
        while len(self._drafts) > self.max_drafts or (self._chars > self.max_chars and len(self._drafts) > 1):
            _, evicted = self._drafts.popitem(last=False)
            self._chars -= evicted.size
