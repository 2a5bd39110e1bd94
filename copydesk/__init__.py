"""copydesk: editorial quality checks for news copy.

The public API for plugin authors is importable from here; it is loaded on first
use so that ``copydesk --version`` does not pay for it.
"""

from __future__ import annotations

__version__ = "0.1.0"

_EXPORTS = {
    "hookimpl": "copydesk.hookspecs",
    "Rule": "copydesk.checking",
    "Option": "copydesk.checking",
    "Check": "copydesk.checking",
    "CheckContext": "copydesk.checking",
    "document_check": "copydesk.checking",
    "collection_check": "copydesk.checking",
    "Reader": "copydesk.readers",
    "ReaderError": "copydesk.readers",
    "Formatter": "copydesk.formatters",
    "Document": "copydesk.document",
    "Block": "copydesk.document",
    "Finding": "copydesk.findings",
    "Location": "copydesk.findings",
    "Report": "copydesk.report",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'copydesk' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
