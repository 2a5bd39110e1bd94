"""Third-party plugins through a real entry point, and one failing check isolated from the rest."""

from __future__ import annotations

import json
import textwrap

from conftest import run_process

PLUGIN = '''
from copydesk import Rule, document_check, hookimpl


@document_check(
    name="exclamation",
    description="Exclamation marks in running copy.",
    rules=[Rule("exclamation-mark", "warning", "An exclamation mark outside a quote.")],
)
def exclamation(document, ctx):
    for block in document.body:
        for position, char in enumerate(block.text):
            if char == "!":
                yield ctx.finding("exclamation-mark", "Avoid exclamation marks.",
                                  block.source_span(position, position + 1), suggestions=["."])


@document_check(
    name="crasher",
    description="A check with a bug.",
    rules=[Rule("never-reported", "error", "Never reported: the check crashes first.")],
)
def crasher(document, ctx):
    if "boom" in document.source.text:
        raise RuntimeError("boom in the plugin")
    return []


@hookimpl
def register_checks():
    return [exclamation, crasher]
'''


def install_plugin(root, module_source: str, entry_point: str = "newsroom = newsroom_checks"):
    """A package that declares a ``copydesk`` entry point, visible to importlib.metadata."""
    root = root / "site"
    root.mkdir()
    (root / "newsroom_checks.py").write_text(textwrap.dedent(module_source), encoding="utf-8")
    dist_info = root / "newsroom_checks-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: newsroom-checks\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(f"[copydesk]\n{entry_point}\n")
    return {"PYTHONPATH": str(root)}


def test_entry_point_plugin_check_is_listed_and_fires(tmp_path):
    env = install_plugin(tmp_path, PLUGIN)
    listing = run_process("checks", cwd=tmp_path, env=env)
    assert listing.code == 0, listing.err
    assert "exclamation — Exclamation marks in running copy. [newsroom (newsroom_checks)]" in listing.out
    assert "    exclamation-mark  warning  An exclamation mark outside a quote." in listing.out

    story = tmp_path / "story.txt"
    story.write_text("Headline\n\nPrices fell again!\n", encoding="utf-8")
    result = run_process("check", story, "--format", "json", cwd=tmp_path, env=env)
    (finding,) = json.loads(result.out)["documents"][0]["findings"]
    assert (finding["rule"], finding["check"], finding["line"], finding["column"]) == \
        ("exclamation-mark", "exclamation", 3, 18)
    # Without the entry point the check does not exist.
    assert "exclamation" not in run_process("checks", cwd=tmp_path).out


def test_plugin_options_take_defaults_and_rules_file_overrides(tmp_path):
    source = PLUGIN.replace(
        'rules=[Rule("exclamation-mark", "warning", "An exclamation mark outside a quote.")],',
        'rules=[Rule("exclamation-mark", "warning", "An exclamation mark outside a quote.")],\n'
        '    options=[__import__("copydesk").Option("limit", int, "Marks allowed.", default=0)],')
    source = source.replace('for position, char in enumerate(block.text):',
                            'for position, char in list(enumerate(block.text))[: 10**6]:\n'
                            '            if block.text.count("!") <= ctx.options["limit"]:\n'
                            '                break')
    env = install_plugin(tmp_path, source)
    story = tmp_path / "story.txt"
    story.write_text("Headline\n\nWow! Really!\n", encoding="utf-8")
    default = json.loads(run_process("check", story, "--format", "json", cwd=tmp_path, env=env).out)
    assert len(default["documents"][0]["findings"]) == 2
    (tmp_path / "copydesk.yaml").write_text("checks:\n  exclamation:\n    limit: 2\n")
    relaxed = json.loads(run_process("check", story, "--format", "json", cwd=tmp_path, env=env).out)
    assert relaxed["documents"][0]["findings"] == []
    (tmp_path / "copydesk.yaml").write_text("checks:\n  exclamation:\n    limit: lots\n")
    wrong = run_process("check", story, cwd=tmp_path, env=env)
    assert wrong.code == 2 and "copydesk.yaml:3: option 'limit' of check 'exclamation'" in wrong.err


def test_a_crashing_check_becomes_internal_error_and_others_still_report(tmp_path):
    env = install_plugin(tmp_path, PLUGIN)
    story = tmp_path / "story.txt"
    story.write_text("Headline\n\nThe the boom was loud!\n", encoding="utf-8")
    result = run_process("check", story, "--format", "json", "--fail-on", "never", cwd=tmp_path, env=env)
    findings = json.loads(result.out)["documents"][0]["findings"]
    rules = sorted(f["rule"] for f in findings)
    assert rules == ["exclamation-mark", "internal-error", "repeated-word"]
    internal = next(f for f in findings if f["rule"] == "internal-error")
    assert internal["check"] == "crasher" and internal["severity"] == "error"
    assert "check 'crasher' failed on this document (RuntimeError: boom in the plugin" in internal["message"]
    assert result.code == 1  # even with --fail-on never: the run is not trustworthy
    text = run_process("check", story, cwd=tmp_path, env=env)
    assert "error internal-error check 'crasher' failed" in text.out and text.code == 1


def test_a_plugin_that_fails_to_import_is_reported_and_builtins_still_run(tmp_path):
    env = install_plugin(tmp_path, "raise ImportError('missing dependency')\n")
    story = tmp_path / "story.txt"
    story.write_text("Headline\n\nThe the end.\n", encoding="utf-8")
    result = run_process("check", story, "--format", "json", cwd=tmp_path, env=env)
    assert result.code == 2
    assert "plugin 'newsroom' (newsroom_checks) failed to load: ImportError: missing dependency" in result.err
    assert json.loads(result.out)["documents"][0]["findings"][0]["rule"] == "repeated-word"


PAIRS_PLUGIN = '''
from copydesk import Rule, collection_check, hookimpl


def summarise(document, ctx):
    if "boom" in " ".join(block.text for block in document.body):
        raise RuntimeError("boom in the summary")
    return document.id, ctx.location(next(iter(document.body)).span, document=document)


@collection_check(
    name="pairs",
    description="Compares stories: nothing to say about one.",
    rules=[Rule("compared", "warning", "A story compared with the others.")],
    summarise=summarise,
    min_stories=2,
)
def pairs(summaries, ctx):
    for document_id, location in summaries:
        yield ctx.finding("compared", f"compared with {len(summaries) - 1} other stories", location,
                          document_id=document_id)


@hookimpl
def register_checks():
    return [pairs]
'''


def test_a_collection_check_that_compares_stories_skips_a_story_alone(tmp_path):
    env = install_plugin(tmp_path, PAIRS_PLUGIN)
    alone = tmp_path / "alone.txt"
    alone.write_text("Headline\n\nA story alone, and boom: its summary would fail.\n", encoding="utf-8")
    result = run_process("check", alone, "--select", "pairs", "--format", "json", cwd=tmp_path, env=env)
    assert json.loads(result.out)["documents"][0]["findings"] == [] and result.code == 0
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps({"headline": headline, "body": body}) + "\n" for headline, body in [
        ("First", "The first story goes boom."), ("Second", "The second story."), ("Third", "The third story.")]),
        encoding="utf-8")
    result = run_process("check", batch, "--select", "pairs", "--format", "json", "--fail-on", "never",
                         cwd=tmp_path, env=env)
    found = {document["id"].rsplit("#", 1)[1]: [(f["rule"], f["message"]) for f in document["findings"]]
             for document in json.loads(result.out)["documents"]}
    # The first story, held until a second came, has its own failure; the others were compared.
    assert found["1"][0][0] == "internal-error" and "boom in the summary" in found["1"][0][1]
    assert len(found["1"]) == 1
    assert found["2"] == found["3"] == [("compared", "compared with 1 other stories")]


def test_an_audit_of_a_story_alone_skips_a_check_that_compares_stories(tmp_path):
    env = install_plugin(tmp_path, PAIRS_PLUGIN)
    alone = tmp_path / "alone.txt"
    alone.write_text("Harbour reopens\n\nThe harbour reopened on Monday after the storm.\n", encoding="utf-8")
    result = run_process("audit", alone, "--select", "pairs", "--jobs", "1", "--no-cache", "--progress", "never",
                         cwd=tmp_path, env=env)
    assert result.code == 0, result.err
    assert result.out == ""  # as `copydesk check` says about it: nothing
    other = tmp_path / "other.txt"
    other.write_text("Ferry returns\n\nThe ferry returned on Tuesday.\n", encoding="utf-8")
    both = run_process("audit", alone, other, "--select", "pairs", "--jobs", "1", "--no-cache", "--progress", "never",
                       cwd=tmp_path, env=env)
    assert [json.loads(line)["rule"] for line in both.out.splitlines()] == ["compared", "compared"]
