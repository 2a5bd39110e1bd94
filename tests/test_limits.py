"""Time and size limits: no check runs unbounded, no input is read unbounded (issue 17)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from copydesk import Rule, document_check
from copydesk.findings import TIME_LIMIT_RULE


@document_check(name="spinner", description="Never finishes.", rules=[Rule("spin", "warning", "Spins.")])
def spinner(document, ctx):
    while True:
        try:
            time.sleep(0.01)
        except Exception:  # a check's own broad handler must not swallow the time limit
            pass
    yield  # pragma: no cover


def engine_with(check, seconds: float, tmp_path):
    from copydesk.config import load_config
    from copydesk.engine import ActiveCheck, Engine, plan
    from copydesk.plugins import load_registry

    rules = tmp_path / "rules.yaml"
    rules.write_text(f"limits:\n  check_seconds: {seconds}\n", encoding="utf-8")
    registry = load_registry()
    config = load_config(str(rules))
    config.validate(registry)
    active = [a for a in plan(registry, config) if a.check.name == "repeated-word"]
    return Engine(registry, config, [ActiveCheck(check, {}, {"spin": "warning"}), *active])


def one_document(engine, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Council budget\n\nThe the council met on Tuesday.\n", encoding="utf-8")
    return next(d for d in engine.documents([str(story)]) if not hasattr(d, "fatal"))


def test_a_check_over_its_budget_becomes_one_time_limit_finding_in_a_worker_thread(tmp_path):
    engine = engine_with(spinner, 0.3, tmp_path)
    document = one_document(engine, tmp_path)
    results = []
    worker = threading.Thread(target=lambda: results.append(engine.check_document(document)))
    started = time.monotonic()
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive() and time.monotonic() - started < 5
    rules = [finding.rule for finding in results[0].findings]
    assert rules.count(TIME_LIMIT_RULE) == 1 and "repeated-word" in rules  # the other check still ran
    limit = next(f for f in results[0].findings if f.rule == TIME_LIMIT_RULE)
    assert limit.check == "spinner" and "0.3 s" in limit.message and "check_seconds" in limit.message
    # The thread is usable afterwards: no time-limit exception left pending in it.
    again = []
    worker = threading.Thread(target=lambda: again.append((engine.check_document(document), time.sleep(0.5))))
    worker.start()
    worker.join(timeout=10)
    assert [f.rule for f in again[0][0].findings].count(TIME_LIMIT_RULE) == 1


def test_budgets_in_many_threads_at_once_each_stop_their_own_check(tmp_path):
    engine = engine_with(spinner, 0.2, tmp_path)
    document = one_document(engine, tmp_path)
    results = []
    workers = [threading.Thread(target=lambda: results.append(engine.check_document(document))) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    assert len(results) == 4
    assert all([f.rule for f in result.findings].count(TIME_LIMIT_RULE) == 1 for result in results)


def test_a_check_that_finishes_in_time_leaves_no_pending_exception(tmp_path):
    from copydesk.timelimit import budget

    for _ in range(200):  # deadlines that pass just as the block ends
        with budget(0.0005):
            sum(range(2000))
    time.sleep(0.05)  # a late exception would be raised here


def test_ctrl_c_still_stops_a_check_running_under_a_budget(tmp_path):
    script = textwrap.dedent("""
        import sys, time
        sys.path.insert(0, sys.argv[1])
        from test_limits import engine_with, one_document, spinner
        import pathlib
        engine = engine_with(spinner, 60, pathlib.Path(sys.argv[2]))
        document = one_document(engine, pathlib.Path(sys.argv[2]))
        print("ready", flush=True)
        try:
            engine.check_document(document)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
    """)
    process = subprocess.Popen([sys.executable, "-c", script, os.path.dirname(__file__), str(tmp_path)],
                               stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    assert process.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=10)
    assert out.strip() == "interrupted"


@pytest.mark.parametrize("value", [".nan", ".inf", "-1", "0", "'50'"])
def test_max_size_mb_must_be_a_finite_number_above_zero(cli, tmp_path, value):
    (tmp_path / "rules.yaml").write_text(f"files:\n  max_size_mb: {value}\n", encoding="utf-8")
    (tmp_path / "story.txt").write_text("A story.\n", encoding="utf-8")
    result = cli("check", "--rules", "rules.yaml", "story.txt")
    assert result.code == 2 and "rules.yaml:2: 'max_size_mb' must be a number above zero" in result.err


def test_a_rules_file_of_exponential_aliases_is_refused_at_once(cli, tmp_path):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\nchecks:\n  house-spelling:\n    spellings: *a9\n",
                                        encoding="utf-8")
    (tmp_path / "story.txt").write_text("A story.\n", encoding="utf-8")
    started = time.monotonic()
    result = cli("check", "--rules", "bomb.yaml", "story.txt")
    assert result.code == 2 and "bomb.yaml: aliases" in result.err
    assert time.monotonic() - started < 5


def test_a_rules_file_may_still_use_aliases(cli, tmp_path):
    (tmp_path / "rules.yaml").write_text(
        "checks:\n  repeated-word:\n    allowed: &words [had, that]\n  real-word-error:\n    enabled: false\n",
        encoding="utf-8")
    (tmp_path / "story.txt").write_text("A story.\n", encoding="utf-8")
    assert cli("check", "--rules", "rules.yaml", "story.txt").code == 0
