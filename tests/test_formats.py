"""Report formats for CI and data teams: SARIF (validated against the official schema), GitHub annotations, CSV."""

from __future__ import annotations

import csv
import io
import json
import shutil

import jsonschema

from conftest import FIXTURES, REPO

# OASIS SARIF 2.1.0 (rtm.5, as published on SchemaStore), copied from the MIT-licensed
# npm package @microsoft/jest-sarif 1.0.0-beta.0.
SARIF_SCHEMA = FIXTURES / "sarif-schema-2.1.0.json"
EXAMPLES = REPO / "examples"


def report(cli, *args):
    result = cli("check", *args, "--fail-on", "never")
    assert result.code == 0, result.err
    return result.out


def test_sarif_report_is_valid_against_the_official_schema(cli):
    sarif = json.loads(report(cli, EXAMPLES, "--format", "sarif"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    # The validator is not vacuous: a result without a message breaks the schema.
    broken = json.loads(json.dumps(sarif))
    broken["runs"][0]["results"][0]["message"] = "not an object"
    assert not jsonschema.Draft4Validator(schema).is_valid(broken)


def test_sarif_rules_regions_related_locations_and_fixes(cli, tmp_path):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    sarif = json.loads(report(cli, "examples", "--format", "sarif"))
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert {"duplicate-caption", "unattributed-claim", "weekday-mismatch"} <= set(ids)
    assert all(rule["help"]["text"] and rule["shortDescription"]["text"] for rule in rules)
    results = run["results"]
    for result in results:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        source = (tmp_path / uri).read_text(encoding="utf-8")
        assert source[region["charOffset"]:region["charOffset"] + region["charLength"]] == region["snippet"]["text"]
    caption = next(r for r in results if r["ruleId"] == "duplicate-caption")
    assert caption["level"] == "error"
    assert caption["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert caption["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == ""
    weekday = next(r for r in results if r["ruleId"] == "weekday-mismatch")
    replacement = weekday["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "Wednesday, Nov. 20"
    assert replacement["deletedRegion"]["charLength"] == len("Tuesday, Nov. 20")
    notice = next(r for r in results if r["ruleId"] == "anonymous-source")
    assert notice["level"] == "note" and "fixes" not in notice


def test_sarif_uses_relative_uris_and_counts_columns_in_code_points(cli, tmp_path):
    (tmp_path / "story.txt").write_text("Emoji 😀 headline\n\nThe mayor said the the budget passed.\n",
                                        encoding="utf-8")
    sarif = json.loads(report(cli, "story.txt", "--format", "sarif", "--select", "repeated-word"))
    run = sarif["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    location = run["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "story.txt"
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (3, 16)


def test_github_annotations(cli, tmp_path):
    path = tmp_path / "a, b.txt"
    path.write_text("Headline\n\nThe mayor said the the budget rose 100%.\n", encoding="utf-8")
    lines = report(cli, path.name, "--format", "github", "--select", "repeated-word").splitlines()
    assert lines == ["::warning file=a%2C b.txt,line=3,col=16,endLine=3,endColumn=23,"
                     "title=copydesk repeated-word::Repeated word \"the\". Suggestion: 'the'"]


def test_csv_has_one_row_per_finding_with_the_json_fields(cli):
    rows = list(csv.DictReader(io.StringIO(report(cli, EXAMPLES, "--format", "csv"))))
    findings = [f for d in json.loads(report(cli, EXAMPLES, "--format", "json"))["documents"]
                for f in d["findings"]]
    assert len(rows) == len(findings) > 0
    for row, finding in zip(rows, findings):
        assert (row["rule"], int(row["line"]), int(row["column"]), row["text"]) == \
            (finding["rule"], finding["line"], finding["column"], finding["text"])
    caption = next(row for row in rows if row["rule"] == "duplicate-caption")
    assert caption["severity"] == "error" and caption["suggestions"] == "(delete)"
