"""Where ``copydesk serve`` checks: engine worker processes give the answers the server's own engine
gives; a worker that dies is replaced; the cache of answers keeps only complete answers and
forgets them when the house word list changes. Servers listen on 127.0.0.1; every test is bounded.
"""

from __future__ import annotations

import json
import os
import signal

from test_server import ThreadServer, _engine, post_form, post_json

from copydesk.server import pool
from copydesk.server.app import Settings, create_app

STORY = ("Health budget rises\n\nNurses at the clinic said “public heath care” costs rose 😀 again on Monday, "
         "and the the mayor’s office agreed.\n")


def _processes(tmp_path, **settings) -> Settings:
    rules = tmp_path / "copydesk.yaml"
    return Settings(processes=True, workers=1, recipe=pool.EngineRecipe(str(rules), 10.0), **settings)


def test_worker_processes_answer_exactly_as_the_servers_own_engine(tmp_path):
    engine = _engine(tmp_path)
    answers = {}
    for mode, settings in (("threads", Settings(cache_entries=0)), ("processes", _processes(tmp_path, cache_entries=0))):
        with ThreadServer(create_app(engine, settings)) as served:
            native = post_json(served.port, "/api/v1/check", {"text": STORY, "ignore": ["dates"]})
            languagetool = post_form(served.port, "/v2/check", {"text": STORY, "language": "en-US"})
            assert native[0] == languagetool[0] == 200
            answers[mode] = (json.loads(native[2]), json.loads(languagetool[2]))
    assert answers["threads"] == answers["processes"]
    native, languagetool = answers["processes"]
    assert {"real-word-error", "repeated-word"} <= {finding["rule"] for finding in native["findings"]}
    assert not any(finding["check"] == "dates" for finding in native["findings"])
    assert len(languagetool["matches"]) >= 2


def test_a_worker_that_dies_is_replaced(tmp_path):
    app = create_app(_engine(tmp_path), _processes(tmp_path))
    checker = app.app.state.checker
    with ThreadServer(app) as served:
        assert post_json(served.port, "/api/v1/check", {"text": STORY})[0] == 200
        os.kill(checker.pool.submit(pool._ready).result(timeout=30), signal.SIGKILL)
        statuses = [post_json(served.port, "/api/v1/check", {"text": f"Story {n}: the the end."})[0] for n in range(3)]
        assert statuses[0] in (200, 503) and statuses[1:] == [200, 200], statuses


def test_the_cache_keeps_complete_answers_until_the_word_list_changes(tmp_path, monkeypatch):
    made = []
    real = pool.ANSWERS["native"]

    def counted(*args):
        made.append(args[1].body)
        return real(*args)

    monkeypatch.setitem(pool.ANSWERS, "native", counted)
    with ThreadServer(create_app(_engine(tmp_path))) as served:
        first = post_json(served.port, "/api/v1/check", {"text": STORY})
        again = post_json(served.port, "/api/v1/check", {"text": STORY})
        assert first[0] == again[0] == 200 and first[2] == again[2] and len(made) == 1
        assert post_json(served.port, "/api/v1/check", {"text": STORY, "ignore": ["dates"]})[0] == 200
        assert len(made) == 2  # other options, another answer

        assert post_form(served.port, "/v2/words/add", {"word": "heath"})[0] == 200
        after = post_json(served.port, "/api/v1/check", {"text": STORY})
        assert len(made) == 3 and "real-word-error" not in {f["rule"] for f in json.loads(after[2])["findings"]}


def test_incomplete_answers_are_never_kept(tmp_path, monkeypatch):
    made = []

    def incomplete(engine, story, select, ignore):
        made.append(story.body)
        return pool.Answer(b'{"findings": []}', complete=False)

    monkeypatch.setitem(pool.ANSWERS, "native", incomplete)
    with ThreadServer(create_app(_engine(tmp_path))) as served:
        for _ in range(2):
            assert post_json(served.port, "/api/v1/check", {"text": STORY})[0] == 200
    assert len(made) == 2


def test_the_answer_cache_stays_within_its_bounds():
    cache = pool.AnswerCache(entries=2, max_chars=10)
    cache.put("a", b"1", 4)
    cache.put("b", b"2", 4)
    cache.put("c", b"3", 4)  # over both bounds: the least recently used goes
    assert cache.get("a") is None and cache.get("c") == b"3" and len(cache._kept) <= 2 and cache._chars <= 10
    cache.put("huge", b"4", 11)
    assert cache.get("huge") is None
