"""House rules: the default ``rules.yaml``, a newsroom's own file on top, validated.

A newsroom file has the same shape as the default and only says what differs:
mappings merge key by key, any other value (a list, a number) replaces the
default. Every mistake is reported with the file and line it is on.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import yaml

from copydesk.findings import SEVERITIES

if TYPE_CHECKING:
    from copydesk.checking import Check, Option
    from copydesk.plugins import Registry

USER_CONFIG_NAMES = ("copydesk.yaml", ".copydesk.yaml")
DEFAULT_RULES = "rules.yaml"
_TOP_LEVEL = ("version", "files", "limits", "readers", "checks", "ignore")
# Aliases may share a mapping many times over ("billion laughs"): a file that would expand to more
# nodes than this is refused before anything is built from it. rules.yaml has about 2,000.
MAX_YAML_NODES = 100_000
_CHECK_KEYS = ("enabled", "rules")
_SEVERITY_VALUES = (*SEVERITIES, "off")


class ConfigError(Exception):
    """A problem in a rules file, with the place it is at."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path, self.line, self.message = path, line, message


class YamlMapping(dict):
    """A YAML mapping that remembers the line of each key, and which file it came from."""

    path: str = ""
    line: int = 0
    key_lines: dict[Any, int]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> YamlMapping:
    mapping = YamlMapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise ConfigError(loader.name, key_node.start_mark.line + 1, f"duplicate key {key!r}")
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: str, text: str) -> YamlMapping:
    loader = _Loader(text)
    loader.name = path
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node) > MAX_YAML_NODES:
            raise ConfigError(path, None, f"aliases (*name) expand this file to more than {MAX_YAML_NODES:,} "
                                          "values; a rules file does not need that many")
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(path, line, f"malformed YAML: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise ConfigError(path, None, f"malformed YAML: {error}") from None
    finally:
        loader.dispose()
    if data is None:
        data = YamlMapping()
        data.key_lines = {}
    if not isinstance(data, YamlMapping):
        raise ConfigError(path, 1, "a rules file must be a mapping (check names under 'checks:')")
    _tag(data, path)
    return data


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes the document has once every alias is expanded (more than MAX_YAML_NODES: that
    bound, plus one); linear in the nodes written. An alias inside its own anchor counts as too many."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        children = [child for pair in node.value for child in pair] if isinstance(node, yaml.MappingNode) \
            else list(node.value) if isinstance(node, yaml.SequenceNode) else []
        if children_done:
            open_nodes.discard(id(node))
            sizes[id(node)] = min(1 + sum(sizes[id(child)] for child in children), MAX_YAML_NODES + 1)
        elif id(node) in open_nodes:
            return MAX_YAML_NODES + 1
        elif id(node) not in sizes:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children)
    return sizes[id(root)]


def _tag(value: Any, path: str) -> None:
    if isinstance(value, YamlMapping):
        value.path = path
        for item in value.values():
            _tag(item, path)
    elif isinstance(value, list):
        for item in value:
            _tag(item, path)


def merge(base: Any, override: Any) -> Any:
    """``override`` on top of ``base``: mappings merge key by key, anything else replaces."""
    if override is None:  # "repeated-word:" with nothing under it keeps the defaults
        return base
    if isinstance(base, YamlMapping) and isinstance(override, YamlMapping):
        merged = YamlMapping(base)
        merged.path, merged.line = override.path, override.line
        merged.key_lines = {**base.key_lines, **override.key_lines}
        for key, value in override.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    return override


def plain(value: Any) -> Any:
    """The same data with ordinary dicts, for printing."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def default_rules_text() -> str:
    return resources.files("copydesk").joinpath(DEFAULT_RULES).read_text(encoding="utf-8")


def find_user_config(start: str) -> str | None:
    """``copydesk.yaml`` or ``.copydesk.yaml`` in ``start`` or the nearest folder above it."""
    folder = os.path.abspath(start)
    while True:
        for name in USER_CONFIG_NAMES:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


@dataclass
class Config:
    """The effective house rules for a run."""

    data: YamlMapping
    files: list[str] = field(default_factory=list)

    def reader_options(self) -> Mapping[str, Any]:
        return self.data.get("readers") or {}

    def max_file_bytes(self) -> int:
        return int(float((self.data.get("files") or {}).get("max_size_mb", 50)) * 1_000_000)

    def check_seconds(self) -> float:
        """Each check's time budget per story (0: none)."""
        return float((self.data.get("limits") or {}).get("check_seconds", 0))

    def _check_section(self, name: str) -> Mapping[str, Any]:
        return (self.data.get("checks") or {}).get(name) or {}

    def enabled(self, check: Check) -> bool:
        return bool(self._check_section(check.name).get("enabled", True))

    def severities(self, check: Check) -> dict[str, str]:
        """Effective severity of each rule of a check; ``off`` for a rule switched off."""
        configured = self._check_section(check.name).get("rules") or {}
        return {rule.id: configured.get(rule.id, rule.severity) for rule in check.rules}

    def options(self, check: Check) -> dict[str, Any]:
        return _options_of(check.options, self._check_section(check.name))

    def ignore(self) -> list[Any]:
        """The ``ignore:`` entries: findings never reported (path glob, rule, text, reason)."""
        return list(self.data.get("ignore") or [])

    def validate(self, registry: Registry) -> None:
        """Raise ConfigError for anything the checks and readers would not understand."""
        data = self.data
        _expect_keys(data, _TOP_LEVEL, "top-level key")
        for section in ("files", "limits", "readers", "checks"):
            if section in data and not isinstance(data[section], (YamlMapping, type(None))):
                raise _error(data, section, f"'{section}' must be a mapping")
        readers = data.get("readers") or YamlMapping()
        for name, section in readers.items():
            reader = registry.readers.get(name)
            if reader is None:
                raise _error(readers, name, f"unknown reader {name!r}" + _known(registry.readers))
            _validate_options(readers, name, section, {o.name: o for o in reader.options}, (), "reader")
        checks = data.get("checks") or YamlMapping()
        for name, section in checks.items():
            check = registry.checks.get(name)
            if check is None:
                raise _error(checks, name, f"unknown check {name!r}" + _known(registry.checks))
            _validate_options(checks, name, section, {o.name: o for o in check.options}, _CHECK_KEYS,
                              "check")
            if section and "enabled" in section and not isinstance(section["enabled"], bool):
                raise _error(section, "enabled", "'enabled' must be true or false")
            rules = (section or {}).get("rules") or YamlMapping()
            if not isinstance(rules, dict):
                raise _error(section, "rules", "'rules' must map rule ids to a severity")
            for rule_id, severity in rules.items():
                if check.rule(rule_id) is None:
                    known = ", ".join(rule.id for rule in check.rules)
                    raise _error(rules, rule_id, f"check {name!r} has no rule {rule_id!r} (its rules: {known})")
                if severity not in _SEVERITY_VALUES:
                    raise _error(rules, rule_id, f"severity of {rule_id!r} must be one of "
                                                 f"{', '.join(_SEVERITY_VALUES)}, not {severity!r}")
        _validate_ignore(data, registry)
        files = data.get("files") or YamlMapping()
        _expect_keys(files, ("max_size_mb",), "key under 'files'")
        _expect_positive(files, "max_size_mb")
        limits = data.get("limits") or YamlMapping()
        _expect_keys(limits, ("check_seconds",), "key under 'limits'")
        _expect_positive(limits, "check_seconds", zero=True)


def _expect_positive(section: YamlMapping, key: str, zero: bool = False) -> None:
    """A finite number above zero (or zero, where zero means no limit)."""
    if key not in section:
        return
    value = section[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < 0 or (value == 0 and not zero):
        raise _error(section, key, f"'{key}' must be a number above zero{' (or 0: no limit)' if zero else ''}, "
                                   f"not {value!r:.40}")


def _validate_ignore(data: YamlMapping, registry: Registry) -> None:
    entries = data.get("ignore")
    if entries is None:
        return
    if not isinstance(entries, list):
        raise _error(data, "ignore", "'ignore' must be a list of {path, rule, text, reason} entries")
    names = set(registry.checks) | set(registry.rule_owners())
    for entry in entries:
        if not isinstance(entry, YamlMapping):
            raise _error(data, "ignore", "each 'ignore' entry must be a mapping with path, rule and reason")
        _expect_keys(entry, ("path", "rule", "text", "reason"), "key of an 'ignore' entry")
        for key in ("path", "rule", "reason"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise _error(entry, key if key in entry else "path",
                             f"an 'ignore' entry needs '{key}' (a non-empty string)")
        if entry["rule"] not in names:
            raise _error(entry, "rule", f"unknown check or rule {entry['rule']!r} in 'ignore'")


def _options_of(declared: Iterable[Option], section: Mapping[str, Any]) -> dict[str, Any]:
    from copydesk.checking import MISSING

    values = {}
    for option in declared:
        if option.name in section:
            values[option.name] = section[option.name]
        elif option.default is not MISSING:
            values[option.name] = option.default
    return values


def _validate_options(parent: YamlMapping, name: str, section: Any, declared: dict[str, Option],
                      reserved: tuple[str, ...], what: str) -> None:
    if section is None:
        return
    if not isinstance(section, YamlMapping):
        raise _error(parent, name, f"the settings of {what} {name!r} must be a mapping")
    for key, value in section.items():
        if key in reserved:
            continue
        option = declared.get(key)
        if option is None:
            known = ", ".join(sorted([*reserved, *declared])) or "none"
            raise _error(section, key, f"{what} {name!r} has no option {key!r} (its options: {known})")
        problem = option.problem_with(value)
        if problem:
            raise _error(section, key, f"option {key!r} of {what} {name!r}: {problem}")


def _expect_keys(mapping: YamlMapping, allowed: tuple[str, ...], what: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise _error(mapping, key, f"unknown {what} {key!r} (expected one of: {', '.join(allowed)})")


def _error(mapping: Any, key: Any, message: str) -> ConfigError:
    line = getattr(mapping, "key_lines", {}).get(key)
    return ConfigError(getattr(mapping, "path", "") or "rules", line, message)


def _known(names: Iterable[str]) -> str:
    return f" (known: {', '.join(sorted(names))})"


def load_config(rules_file: str | None = None, search_from: str | None = None) -> Config:
    """Default rules, then ``rules_file`` or the first ``copydesk.yaml`` found upward."""
    default = load_yaml(f"<default {DEFAULT_RULES}>", default_rules_text())
    files = []
    path = rules_file or find_user_config(search_from or os.getcwd())
    data = default
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(path, None, f"cannot read rules file: {error}") from None
        data = merge(default, load_yaml(path, text))
        files.append(path)
    return Config(data, files)
