"""rules.yaml: the reference, a newsroom's overrides, and errors that say file and line."""

from __future__ import annotations

import yaml

from conftest import REPO


def test_default_rules_document_every_builtin_check_rule_and_option():
    from copydesk.checking import MISSING
    from copydesk.plugins import load_registry

    defaults = yaml.safe_load((REPO / "rules.yaml").read_text(encoding="utf-8"))
    registry = load_registry()
    for check in registry.checks.values():
        if registry.origins[f"Check:{check.name}"] != "built-in":
            continue
        section = defaults["checks"][check.name]
        assert section["enabled"] in (True, False)
        assert section["rules"] == {rule.id: rule.severity for rule in check.rules}
        assert set(section) - {"enabled", "rules"} == {option.name for option in check.options}
        assert all(option.default is MISSING for option in check.options)  # defaults live in rules.yaml
    for name, reader in registry.readers.items():
        declared = {option.name for option in reader.options}
        assert set(defaults["readers"].get(name, {})) == declared


def test_rules_yaml_ships_inside_the_package_unchanged():
    from copydesk.config import default_rules_text

    assert default_rules_text() == (REPO / "rules.yaml").read_text(encoding="utf-8")


def test_newsroom_file_found_upward_overrides_severity_and_options(cli, tmp_path):
    (tmp_path / ".copydesk.yaml").write_text(
        "checks:\n  repeated-word:\n    rules:\n      repeated-word: error\n    allowed: [the]\n",
        encoding="utf-8")
    nested = tmp_path / "desk" / "today"
    nested.mkdir(parents=True)
    story = nested / "story.txt"
    story.write_text("Headline\n\nThe the mayor said that that was that. It was very very late.\n",
                     encoding="utf-8")
    import os

    os.chdir(nested)
    result = cli("check", story, "--format", "json")
    import json

    findings = json.loads(result.out)["documents"][0]["findings"]
    # "the the" is now allowed; "that that" is no longer (the list replaced the default).
    assert [(f["text"], f["severity"]) for f in findings] == [("that that", "error"), ("very very", "error")]
    assert result.code == 1


def test_rules_command_prints_the_merged_configuration(cli, tmp_path):
    rules = tmp_path / "house.yaml"
    rules.write_text("checks:\n  repeated-word:\n    enabled: false\n", encoding="utf-8")
    result = cli("rules", "--rules", rules)
    assert result.code == 0
    assert f"# effective copydesk rules: built-in rules.yaml, {rules}" in result.out
    effective = yaml.safe_load(result.out)
    assert effective["checks"]["repeated-word"]["enabled"] is False
    assert effective["checks"]["repeated-word"]["allowed"][0] == "had"
    assert effective["readers"]["json"]["fields"]["body"] == "body"


def test_disabled_check_does_not_run_unless_selected(cli, tmp_path):
    rules = tmp_path / "copydesk.yaml"
    rules.write_text("checks:\n  repeated-word:\n    enabled: false\n", encoding="utf-8")
    story = tmp_path / "s.txt"
    story.write_text("Headline\n\nThe the end.\n", encoding="utf-8")
    assert "No findings" in cli("check", story).out
    assert "repeated-word" in cli("check", story, "--select", "repeated-word").out


def _config_error(cli, tmp_path, text):
    rules = tmp_path / "bad.yaml"
    rules.write_text(text, encoding="utf-8")
    story = tmp_path / "s.txt"
    story.write_text("Headline\n\nCopy.\n", encoding="utf-8")
    result = cli("check", "--rules", rules, story)
    assert result.code == 2
    assert result.out == ""
    return result.err.strip(), str(rules)


def test_unknown_check_names_file_and_line(cli, tmp_path):
    err, path = _config_error(cli, tmp_path, "checks:\n  repeated-word: {}\n  speling: {}\n")
    assert err.startswith(f"copydesk: error: {path}:3: unknown check 'speling'")
    assert "repeated-word" in err


def test_unknown_rule_names_file_and_line(cli, tmp_path):
    err, path = _config_error(cli, tmp_path,
                              "checks:\n  repeated-word:\n    rules:\n      doubled-word: error\n")
    assert f"{path}:4: check 'repeated-word' has no rule 'doubled-word'" in err


def test_wrong_option_type_names_file_and_line(cli, tmp_path):
    err, path = _config_error(cli, tmp_path, "checks:\n  repeated-word:\n    allowed: had\n")
    assert f"{path}:3: option 'allowed' of check 'repeated-word': expected list[str]" in err


def test_yaml_boolean_trap_is_caught_as_a_type_error(cli, tmp_path):
    err, path = _config_error(cli, tmp_path, "checks:\n  repeated-word:\n    allowed: [had, no]\n")
    assert f"{path}:3:" in err and "False" in err


def test_bad_severity_unknown_option_and_unknown_section(cli, tmp_path):
    err, path = _config_error(cli, tmp_path,
                              "checks:\n  repeated-word:\n    rules:\n      repeated-word: fatal\n")
    assert f"{path}:4: severity of 'repeated-word' must be one of error, warning, info, off" in err
    err, path = _config_error(cli, tmp_path, "checks:\n  repeated-word:\n    allow: [had]\n")
    assert f"{path}:3: check 'repeated-word' has no option 'allow'" in err
    err, path = _config_error(cli, tmp_path, "chekcs: {}\n")
    assert f"{path}:1: unknown top-level key 'chekcs'" in err
    err, path = _config_error(cli, tmp_path, "readers:\n  text:\n    residue_max_length: short\n")
    assert f"{path}:3: option 'residue_max_length' of reader 'text': expected an integer" in err


def test_malformed_yaml_and_duplicate_keys(cli, tmp_path):
    err, path = _config_error(cli, tmp_path, "checks:\n  repeated-word:\n    allowed: [had\n")
    assert err.startswith(f"copydesk: error: {path}:") and "malformed YAML" in err
    err, path = _config_error(cli, tmp_path, "checks:\n  repeated-word: {}\n  repeated-word: {}\n")
    assert f"{path}:3: duplicate key 'repeated-word'" in err


def test_missing_rules_file_is_a_usage_error(cli, tmp_path):
    result = cli("checks", "--rules", tmp_path / "nope.yaml")
    assert result.code == 2 and "nope.yaml: cannot read rules file" in result.err
