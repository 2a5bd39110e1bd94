"""Readers turn the decoded text of one input file into Documents.

A reader's ``read(source, options)`` is a generator. It yields a
:class:`~copydesk.document.Document` per story, and yields (does not raise) a
:class:`ReaderError` for a record it cannot read when the rest of the file is
fine (a bad line of a JSONL export). It raises :class:`ReaderError` when the file
as a whole cannot be read. ``options`` is the ``readers:`` section of ``rules.yaml``: a reader reads its
own part and may share another's (JSON bodies use the plain-text conventions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from copydesk.document import Document, SourceText

if TYPE_CHECKING:
    from copydesk.checking import Option


class ReaderError(Exception):
    """A file or record that cannot be read; ``offset`` locates it in the file when known."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


ReadOutput = Iterator[Document | ReaderError]


@dataclass(frozen=True)
class Reader:
    """A document format: its name (as in ``rules.yaml`` ``readers:``), extensions and parser."""

    name: str
    extensions: tuple[str, ...]
    read: Callable[[SourceText, Mapping[str, Any]], ReadOutput]
    description: str = ""
    # For standard input, where there is no extension: does this text look like ours?
    sniff: Callable[[str], bool] | None = None
    # Settings under ``readers: NAME:`` in rules.yaml, validated like a check's options.
    options: tuple[Option, ...] = ()


def document_ids(path: str, count: int) -> list[str]:
    """A file with one story is named by its path; with several, ``path#1``, ``path#2``…"""
    if count == 1:
        return [path]
    return [f"{path}#{n}" for n in range(1, count + 1)]
