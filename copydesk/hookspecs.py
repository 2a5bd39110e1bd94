"""The whole plugin contract of copydesk.

A plugin is a module (or object) with functions named after these hooks and
marked with :data:`hookimpl`. Built-in checks, readers and formatters use the same
contract; third-party plugins are found through the ``copydesk`` entry-point
group:

    [project.entry-points.copydesk]
    my_checks = "my_package.copydesk_plugin"
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from copydesk.checking import Check
    from copydesk.formatters import Formatter
    from copydesk.readers import Reader

hookspec = pluggy.HookspecMarker("copydesk")
hookimpl = pluggy.HookimplMarker("copydesk")


@hookspec
def register_checks() -> list[Check]:
    """Checks this plugin adds: objects made by ``document_check`` or ``collection_check``."""


@hookspec
def register_readers() -> list[Reader]:
    """Readers this plugin adds: each turns files of some extensions into Documents."""


@hookspec
def register_formatters() -> list[Formatter]:
    """Report formats this plugin adds, selectable with ``--format NAME``."""
