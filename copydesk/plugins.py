"""The plugin manager: built-in plugins and those installed under the ``copydesk`` entry point."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from importlib.metadata import entry_points

import pluggy

from copydesk import hookspecs
from copydesk.checking import Check
from copydesk.findings import INCOMPLETE_RULES
from copydesk.formatters import Formatter
from copydesk.readers import Reader

ENTRY_POINT_GROUP = "copydesk"
BUILTIN_PLUGINS = (
    "copydesk.readers.plaintext",
    "copydesk.readers.markdown",
    "copydesk.readers.html",
    "copydesk.readers.cms_json",
    "copydesk.readers.csv_records",
    "copydesk.formatters.text",
    "copydesk.formatters.json",
    "copydesk.formatters.sarif",
    "copydesk.formatters.github",
    "copydesk.formatters.csv",
    "copydesk.formatters.html",
    "copydesk.checks.repeated_word",
    "copydesk.checks.real_word",
    "copydesk.checks.inconsistent_spelling",
    "copydesk.checks.house_spelling",
    "copydesk.checks.duplicates",
    "copydesk.checks.duplicate_article",
    "copydesk.checks.dates",
    "copydesk.checks.attribution",
    "copydesk.checks.languagetool",
)


@dataclass
class Registry:
    """Everything the plugins contribute, by name, and where each came from."""

    checks: dict[str, Check] = field(default_factory=dict)
    readers: dict[str, Reader] = field(default_factory=dict)
    formatters: dict[str, Formatter] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def rule_owners(self) -> dict[str, str]:
        """Rule id -> name of the check that reports it."""
        return {rule.id: check.name for check in self.checks.values() for rule in check.rules}

    def extensions(self) -> list[str]:
        return [ext for reader in self.readers.values() for ext in reader.extensions]

    def reader_for(self, path: str) -> Reader | None:
        lowered = path.lower()
        for reader in self.readers.values():
            if lowered.endswith(reader.extensions):
                return reader
        return None


def plugin_manager() -> tuple[pluggy.PluginManager, list[str]]:
    manager = pluggy.PluginManager("copydesk")
    manager.add_hookspecs(hookspecs)
    for module in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(module), name=module)
    problems = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            manager.register(entry_point.load(), name=f"{entry_point.name} ({entry_point.value})")
        except Exception as error:  # a broken plugin must not take the built-in checks down
            problems.append(f"plugin {entry_point.name!r} ({entry_point.value}) failed to load: "
                            f"{type(error).__name__}: {error}")
    return manager, problems


def load_registry() -> Registry:
    manager, problems = plugin_manager()
    registry = Registry(problems=problems)
    kinds = (("register_checks", registry.checks, Check),
             ("register_readers", registry.readers, Reader),
             ("register_formatters", registry.formatters, Formatter))
    for hook_name, table, expected in kinds:
        for implementation in getattr(manager.hook, hook_name).get_hookimpls():
            origin = "built-in" if implementation.plugin_name in BUILTIN_PLUGINS else implementation.plugin_name
            try:
                contributed = implementation.function() or []
            except Exception as error:
                registry.problems.append(f"{origin}: {hook_name} failed: {type(error).__name__}: {error}")
                continue
            for item in contributed:
                _add(registry, table, item, expected, origin)
    _check_rule_ids(registry)
    return registry


def _add(registry: Registry, table: dict, item: object, expected: type, origin: str) -> None:
    name = getattr(item, "name", None)
    if not isinstance(item, expected):
        registry.problems.append(f"{origin}: expected a {expected.__name__}, got {item!r:.80}")
    elif name in table:
        registry.problems.append(f"{origin}: {expected.__name__.lower()} {name!r} is already provided by "
                                 f"{registry.origins.get(f'{expected.__name__}:{name}', 'another plugin')}")
    else:
        table[name] = item
        registry.origins[f"{expected.__name__}:{name}"] = origin


def _check_rule_ids(registry: Registry) -> None:
    owners: dict[str, str] = {}
    for check in list(registry.checks.values()):
        clash = next((rule.id for rule in check.rules
                      if rule.id in owners or rule.id in INCOMPLETE_RULES), None)
        if clash:
            registry.problems.append(f"check {check.name!r} reuses rule id {clash!r} "
                                     f"(of {owners.get(clash, 'copydesk')}); it is not loaded")
            del registry.checks[check.name]
            continue
        owners.update((rule.id, check.name) for rule in check.rules)
