"""Where copydesk keeps what it can rebuild: the audit's results, the parsed word lists.

``$XDG_CACHE_HOME/copydesk``, or ``~/.cache/copydesk``. Deleting it loses only time.
"""

from __future__ import annotations

import os


def default_cache_folder() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "copydesk")
