"""The house word list: words a newsroom has told copydesk are right.

A word on it is never reported by a spelling rule (real-word-error,
inconsistent-spelling, or any rule declared with ``spelling=True``; the house
style book, house-spelling, still wins), whichever front-end checks the copy: ``copydesk check``,
``audit``, the server (``/v2/words``) or the language server.

The list is a UTF-8 text file, ``copydesk-words.txt``, kept beside the rules
file: one word per line, blank lines and ``#`` comments ignored, so it can be
edited by hand and reviewed in git like the rules. Words match whatever their
case ("Kyiv" on the list accepts "KYIV"). Changes are written atomically (a
temporary file renamed over the list), so a reader never sees half a list.
"""

from __future__ import annotations

import os
import re
import threading
from typing import Iterable

from copydesk.sources import write_atomically

FILE_NAME = "copydesk-words.txt"

# A word as the spelling rules see one: letters and digits, with inner apostrophes and hyphens.
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def words_in(text: str) -> list[str]:
    """The words of ``text``, as a finding's text is compared with the list."""
    return _WORD.findall(text)


def path_for(rules_files: Iterable[str], folder: str | None = None) -> str:
    """Where the house word list of a run lives: beside its rules file, or else the nearest
    ``copydesk-words.txt`` in ``folder`` (default: the working directory) or above it, or else
    (for a list not yet written) in ``folder`` itself."""
    rules = list(rules_files)
    if rules:
        return os.path.join(os.path.dirname(os.path.abspath(rules[-1])), FILE_NAME)
    start = os.path.abspath(folder or os.getcwd())
    current = start
    while True:
        candidate = os.path.join(current, FILE_NAME)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return os.path.join(start, FILE_NAME)
        current = parent


class HouseWordsError(Exception):
    """The word list could not be read or written; the message names the file."""


class HouseWords:
    """The house word list of one file, reread when the file changes (another process may add to it)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._words: dict[str, str] = {}  # casefolded -> as written

    def __contains__(self, word: str) -> bool:
        return word.casefold() in self._current()

    def read(self) -> list[str]:
        """The words on the list, as written; HouseWordsError when the file cannot be read."""
        with self._lock:
            return list(self._load().values())

    def covers(self, text: str) -> bool:
        """Whether any word of ``text`` is on the list (a finding's text may span two words: "Heath Care")."""
        words = self._current()
        return bool(words) and any(word.casefold() in words for word in words_in(text))

    def words(self) -> list[str]:
        """The words on the list, as written, in the order of the file."""
        return list(self._current().values())

    def add(self, word: str) -> bool:
        """Put ``word`` on the list; False when it was there already."""
        word = _valid(word)
        with self._lock:
            words = self._load()
            if word.casefold() in words:
                return False
            self._write([*self._lines(), word])
            return True

    def delete(self, word: str) -> bool:
        """Take ``word`` off the list; False when it was not on it."""
        word = _valid(word)
        with self._lock:
            if word.casefold() not in self._load():
                return False
            self._write([line for line in self._lines() if line.strip().casefold() != word.casefold()])
            return True

    def _current(self) -> dict[str, str]:
        # A list that became unreadable mid-run keeps the words last read: checking goes on.
        with self._lock:
            try:
                return self._load()
            except HouseWordsError:
                return self._words

    def _load(self) -> dict[str, str]:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            self._stamp, self._words = None, {}
            return self._words
        except OSError as error:
            raise HouseWordsError(f"{self.path}: cannot read the house word list: {error.strerror}") from None
        stamp = (status.st_mtime_ns, status.st_size)
        if stamp != self._stamp:
            words = {}
            for line in self._lines():
                word = line.strip()
                if word and not word.startswith("#"):
                    words.setdefault(word.casefold(), word)
            self._stamp, self._words = stamp, words
        return self._words

    def _lines(self) -> list[str]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                return handle.read().splitlines()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as error:
            raise HouseWordsError(f"{self.path}: cannot read the house word list: {error}") from None

    def _write(self, lines: list[str]) -> None:
        try:
            write_atomically(self.path, "".join(f"{line}\n" for line in lines).encode("utf-8"))
        except OSError as error:
            raise HouseWordsError(f"{self.path}: cannot write the house word list: {error.strerror}") from None
        self._load()


def _valid(word: str) -> str:
    word = word.strip()
    if not word or len(word) > 100 or any(char.isspace() for char in word) or word.startswith("#"):
        raise ValueError("a house word is one word of up to 100 characters, with no spaces, "
                         "not starting with '#'")
    return word
