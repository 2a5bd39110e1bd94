"""The language server's start: Engine.warm_up, and the twin that runs the first check (copydesk/lsp/preload.py).

Each test runs in a fresh interpreter of the installed package: what is loaded
must not be loaded already, and forking the test process (with pytest's threads)
would be no test of a server that forks before it starts any.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

STORY = """---
title: Ferry service resumes
date: 2024-03-04
---

# Ferry service resumes

![Passengers board the ferry](ferry.jpg)
*Passengers board the first ferry on Monday. (AFP)*

*Passengers board the first ferry on Monday. (AFP)*

The ferry service resumed on Monday, the operator said, after the the winds kept boats in port for
three days. Bookings rose by 30 per cent in the first hour, the highest since the route opened.

"We are glad to be sailing again," said Tom Hale, a deckhand. Their was a queue at the ticket office.
"""

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="the twin is forked; this system has no fork")

PRELUDE = """
import json, os, signal, sys
sys.path.remove("")  # the installed package, not the checkout
from pathlib import Path
from copydesk.lsp.preload import FirstCheck, Request, engine_for
from copydesk.plugins import load_registry
story, folder = sys.argv[1:3]
text = Path(story).read_text(encoding="utf-8")
request = Request(None, folder, (), (), None, story, text)
def rows(report):
    return [[f.rule, f.offset, f.location.length, f.message] for result in report.results for f in result.findings]
def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False
"""


def run(script: str, tmp_path) -> dict:
    story = tmp_path / "story.md"
    story.write_text(STORY, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", PRELUDE + script, str(story), str(tmp_path)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@needs_fork
def test_the_twin_reports_what_the_engine_would_and_goes(tmp_path):
    found = run("""
twin = FirstCheck()
report, _ = twin.run(request)
again = twin.run(request)  # a twin runs one check
own = engine_for(load_registry(), None, folder).check_text(text, path=story)
print(json.dumps({"twin": rows(report), "own": rows(own), "gone": gone(twin.pid), "again": again is None}))
""", tmp_path)
    rules = {row[0] for row in found["twin"]}
    assert {"duplicate-caption", "repeated-word", "real-word-error"} <= rules
    assert found["twin"] == found["own"]
    assert found["gone"] and found["again"]


@needs_fork
def test_a_rules_file_changed_after_the_twin_read_it_is_read_again(tmp_path):
    found = run("""
import time
from copydesk.lsp import preload
rules = Path(folder, "copydesk.yaml")
rules.write_text("checks:\\n  dates:\\n    enabled: true\\n", encoding="utf-8")
build = preload.engine_for
def announced(*settings):  # in the twin: says when it has built the Engine it guessed
    engine = build(*settings)
    Path(folder, "built").touch()
    return engine
preload.engine_for = announced
twin = FirstCheck()
while not Path(folder, "built").exists():
    time.sleep(0.02)
rules.write_text("checks:\\n  repeated-word:\\n    enabled: false\\n", encoding="utf-8")
report, stamp = twin.run(request)
status = os.stat(rules)
print(json.dumps({"rules": sorted({row[0] for row in rows(report)}),
                  "stamp": stamp == (status.st_mtime_ns, status.st_size)}))
""", tmp_path)
    assert "duplicate-caption" in found["rules"] and "repeated-word" not in found["rules"]
    assert found["stamp"]  # the version it checked with, for the server to compare with its own


@needs_fork
def test_a_dead_or_unused_twin_leaves_the_check_to_the_server(tmp_path):
    found = run("""
dead = FirstCheck()
os.kill(dead.pid, signal.SIGKILL)
unused = FirstCheck()
unused.close()
print(json.dumps({"dead": dead.run(request) is None, "unused": unused.run(request) is None,
                  "gone": gone(dead.pid) and gone(unused.pid)}))
""", tmp_path)
    assert found == {"dead": True, "unused": True, "gone": True}


def test_warm_up_loads_what_a_check_would(tmp_path):
    found = run("""
from copydesk import lexicon
engine = engine_for(load_registry(), None, folder)
engine.warm_up()
loaded = set(sys.modules)
report = engine.check_text(text, path=story)
print(json.dumps({"imported by the check": sorted(set(sys.modules) - loaded), "findings": rows(report),
                  "word lists read": lexicon.lexicon.cache_info().misses, "numpy": "numpy" in sys.modules}))
""", tmp_path)
    assert found["findings"]  # the story was checked
    assert found["imported by the check"] == []  # models, the attribution model: all in already
    assert found["word lists read"] == 1
    assert not found["numpy"]  # duplicate-article compares stories: a story alone needs no MinHash
