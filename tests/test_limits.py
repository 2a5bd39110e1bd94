"""Time and size limits: no check runs unbounded, no input is read unbounded (issue 17)."""

from __future__ import annotations

import json
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


def test_a_budget_that_runs_out_as_its_block_ends_raises_there_or_not_at_all():
    from copydesk.timelimit import OverBudget, budget

    stopped = 0
    for turn in range(300):  # blocks of 0.1 to 10 ms: deadlines that pass before, as and after they end
        try:
            with budget(0.002):
                sum(range(10_000 * (1 + turn % 100)))
        except OverBudget:
            stopped += 1
        sum(range(3000))  # a late exception, escaping the with statement, would be raised here
    time.sleep(0.05)
    assert 0 < stopped < 300


def test_deadlines_passing_as_blocks_end_in_many_threads_never_strand_the_watchdog():
    import copydesk.timelimit as timelimit

    def finish_near_the_deadline():
        for _ in range(400):
            try:
                with timelimit.budget(0.0003):
                    sum(range(2000))
            except timelimit.OverBudget:
                pass

    threads = [threading.Thread(target=finish_near_the_deadline) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a budget waits for ever on the watchdog"
    assert timelimit._watchdog.lock.acquire(timeout=5), "the watchdog's lock was left held"
    timelimit._watchdog.lock.release()
    with pytest.raises(timelimit.OverBudget):  # and budgets still work
        with timelimit.budget(0.05):
            while True:
                sum(range(100))


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


# -- inputs ---------------------------------------------------------------------------------------

STORY = "Council budget\n\nThe the council met on Tuesday.\n"


@pytest.mark.parametrize("command", ["check", "audit"])
def test_a_fifo_and_a_link_to_dev_zero_in_a_folder_are_skipped_at_once(cli, tmp_path, command):
    folder = tmp_path / "stories"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    started = time.monotonic()
    result = cli(command, folder, *(["--jobs", "1", "--no-cache"] if command == "audit" else []))
    assert time.monotonic() - started < 10  # before: a hang, or a MemoryError after gigabytes
    assert f"{folder / 'pipe.txt'}: note: a named pipe (FIFO), not a file of copy; skipped" in result.err
    assert f"{folder / 'zero.txt'}: note: a device, not a file of copy; skipped" in result.err
    assert "repeated-word" in result.out


def test_a_fifo_named_directly_is_an_error_not_a_wait(cli, tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    result = cli("check", tmp_path / "pipe.txt")
    assert result.code == 2 and "pipe.txt: error: a named pipe (FIFO), not a file of copy; skipped" in result.err


def test_standard_input_is_bounded_too(tmp_path):
    from copydesk import sources

    with open("/dev/zero", "rb") as zeros, pytest.MonkeyPatch.context() as patch:
        patch.setattr(sources.sys, "stdin", type("Stdin", (), {"buffer": zeros})())
        source, problem = sources.load(sources.STDIN, 1_000_000)
    assert source is None and "larger than the 1 MB limit (set files: max_size_mb)" in problem.message


def test_a_folder_named_directly_with_nothing_to_check_is_an_error(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_bytes(b"%PDF")
    result = cli("check", tmp_path / "empty")
    assert result.code == 2 and "empty: error: no files to check here" in result.err
    assert "No findings" not in result.out


def test_a_folder_that_cannot_be_read_is_reported(cli, tmp_path, monkeypatch):
    # Tests may run as root, who reads any folder: the refusal is simulated.
    stories = tmp_path / "stories"
    (stories / "locked").mkdir(parents=True)
    (stories / "story.txt").write_text(STORY, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = cli("check", stories)
    assert result.code == 2
    assert f"{stories / 'locked'}: error: cannot read this folder: Permission denied" in result.err
    assert "repeated-word" in result.out
    named = cli("check", stories / "locked")
    assert named.code == 2 and "cannot read this folder: Permission denied" in named.err
    assert "no files to check" not in named.err


def test_a_missing_file_prints_no_empty_report(cli, tmp_path):
    result = cli("check", tmp_path / "nope.txt")
    assert result.code == 2 and "nope.txt: error: no such file or directory" in result.err
    assert result.out == ""


def test_an_unreadable_plain_file_is_not_called_an_archive(cli, tmp_path):
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    result = cli("audit", tmp_path / "dangling.txt", "--jobs", "1", "--no-cache")
    assert result.code == 2 and "archive" not in result.err and "dangling.txt" in result.err


def _zip_bomb(path, member: str, size: int) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open(member, "w", force_zip64=True) as out:
            block = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                out.write(block)


def test_zip_bombs_are_refused_by_their_size_or_stopped_at_the_limit(cli, tmp_path):
    _zip_bomb(tmp_path / "story.zip", "story.txt", 64 << 20)
    _zip_bomb(tmp_path / "dump.zip", "dump.jsonl", 64 << 20)
    (tmp_path / "limit.yaml").write_text("files:\n  max_size_mb: 5\n", encoding="utf-8")
    result = cli("audit", "story.zip", "dump.zip", "--rules", "limit.yaml", "--jobs", "1", "--no-cache")
    assert result.code == 2
    # A story: refused by the size its ZIP entry declares, before anything is decompressed.
    assert "story.zip!/story.txt: error: larger than the 5 MB limit (set files: max_size_mb) (67 MB" in result.err
    # A dump: limited record by record, as it is read; this one's first record never ends.
    assert ("dump.zip!/dump.jsonl:1:1: error: the record on line 1 is larger than the 5 MB limit (set files: "
            "max_size_mb); stopped reading there; the 0 records before it were read") in result.err


def test_a_gzip_bomb_is_stopped_at_the_limit_as_it_is_read(cli, tmp_path):
    import gzip
    import resource

    with gzip.open(tmp_path / "dump.jsonl.gz", "wb") as out:
        out.write(b'{"headline": "A", "body": "The the end."}\n' * 10)
        for _ in range(64):
            out.write(b"\0" * (1 << 20))
    (tmp_path / "limit.yaml").write_text("files:\n  max_size_mb: 5\n", encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = cli("audit", tmp_path / "dump.jsonl.gz", "--rules", "limit.yaml", "--jobs", "1", "--no-cache")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 40_000  # KB: never the 64 MB line
    assert result.code == 2
    assert ("dump.jsonl.gz:11:1: error: the record on line 11 is larger than the 5 MB limit (set files: "
            "max_size_mb); stopped reading there; the 10 records before it were read") in result.err
    assert len(result.out.splitlines()) == 10


def test_a_dump_bounds_each_record_and_streams_any_number_of_them(cli, tmp_path):
    rows = "".join(f'{n},Headline {n},"The the body of story {n}, long enough to count."\n' for n in range(3_000))
    (tmp_path / "dump.csv").write_text("id,headline,body\n" + rows, encoding="utf-8")  # 0.2 MB of small records
    (tmp_path / "small.yaml").write_text("files:\n  max_size_mb: 0.1\n", encoding="utf-8")
    result = cli("audit", "dump.csv", "--rules", "small.yaml", "--jobs", "1", "--no-cache")
    assert result.code == 0 and len(result.out.splitlines()) == 3_000


def test_a_csv_record_over_the_limit_stops_the_dump_there(cli, tmp_path):
    rows = "".join(f'{n},Headline {n},"The the body of story {n}."\n' for n in range(10))
    endless = '10,Headline,"A cell whose quote never closes\n' + "and goes on for ever\n" * 20_000
    (tmp_path / "dump.csv").write_text("id,headline,body\n" + rows + endless, encoding="utf-8")
    (tmp_path / "tiny.yaml").write_text("files:\n  max_size_mb: 0.1\n", encoding="utf-8")
    result = cli("audit", "dump.csv", "--rules", "tiny.yaml", "--jobs", "1", "--no-cache")
    assert result.code == 2 and len(result.out.splitlines()) == 10
    assert ("dump.csv:12:1: error: the record on line 12 is larger than the 0.1 MB limit (set files: max_size_mb); "
            "stopped reading there; the 10 records before it were read") in result.err


def test_a_cut_short_jsonl_gz_keeps_every_record_decompressed(cli, tmp_path):
    import gzip
    import zlib

    records = "".join(json.dumps({"id": str(n), "headline": f"Story {n}", "body": "The the end of it."}) + "\n"
                      for n in range(600))
    whole = gzip.compress(records.encode(), compresslevel=1)
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) * 2 // 3])
    result = cli("audit", tmp_path / "cut.jsonl.gz", "--jobs", "1", "--no-cache")
    kept = len(result.out.splitlines())
    recoverable = zlib.decompressobj(31).decompress(whole[: len(whole) * 2 // 3]).count(b"\n")
    assert kept == recoverable > 200
    assert result.code == 2
    assert (f"cut.jsonl.gz:{recoverable + 1}:1: error: the compressed data is damaged or cut short at line "
            f"{recoverable + 1}") in result.err
    assert f"the {recoverable:,} records before it were read" in result.err


# -- patterns from rules files ---------------------------------------------------------------------

def test_a_catastrophic_house_pattern_finishes_at_once(cli, tmp_path):
    (tmp_path / "house.yaml").write_text("checks:\n  house-spelling:\n    patterns:\n      '(a+)+$': 'a'\n",
                                         encoding="utf-8")
    (tmp_path / "story.txt").write_text("Headline\n\n" + "a" * 100_000 + "!\n", encoding="utf-8")
    started = time.monotonic()
    result = cli("check", "--rules", "house.yaml", "--select", "house-spelling", "story.txt")
    assert time.monotonic() - started < 5  # before: forever, and deaf to Ctrl-C
    assert result.code == 0


def test_house_patterns_still_match_and_expand_groups(cli, tmp_path):
    (tmp_path / "house.yaml").write_text(
        "checks:\n  house-spelling:\n    patterns:\n      '(\\d+) per ?cent': '\\1%'\n      '(?i)e-mail': 'email'\n",
        encoding="utf-8")
    (tmp_path / "story.txt").write_text("Café budget\n\nThe café said 12 per cent of E-mail was spam.\n",
                                        encoding="utf-8")
    result = cli("check", "--rules", "house.yaml", "--select", "house-spelling", "story.txt", "--format", "json")
    findings = json.loads(result.out)["documents"][0]["findings"]
    assert [(f["text"], f["suggestions"], f["column"]) for f in findings] == [
        ("12 per cent", ["12%"], 15), ("E-mail", ["email"], 30)]


@pytest.mark.parametrize("section, entry", [
    ("house-spelling:\n    patterns:\n      '(?<=x)y': 'z'", "house-spelling"),
    ("house-spelling:\n    patterns:\n      '(unclosed': 'z'", "house-spelling"),
    ("house-spelling:\n    patterns:\n      '(a)b': '\\2'", "house-spelling"),
    ("duplicates:\n    residue_patterns: ['(\\w)\\1']", "duplicates"),
])
def test_a_pattern_re2_cannot_run_is_a_rules_file_error(cli, tmp_path, section, entry):
    (tmp_path / "bad.yaml").write_text(f"checks:\n  {section}\n", encoding="utf-8")
    (tmp_path / "story.txt").write_text("A story.\n", encoding="utf-8")
    result = cli("check", "--rules", "bad.yaml", "story.txt")
    assert result.code == 2 and "internal-error" not in result.out
    assert f"bad.yaml:3: option '{'patterns' if entry == 'house-spelling' else 'residue_patterns'}' of check " \
           f"'{entry}'" in result.err


# -- outcomes and usage mistakes ---------------------------------------------------------------------

class _Broken:
    def finditer(self, *args):
        raise RuntimeError("boom")


def test_audit_exits_1_when_a_check_crashed(cli, tmp_path, monkeypatch):
    monkeypatch.setattr("copydesk.checks.repeated_word._REPEAT", _Broken())
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    result = cli("audit", "story.txt", "--jobs", "1", "--no-cache")
    assert '"internal-error"' in result.out and result.code == 1


@pytest.mark.parametrize("args, message", [
    (["--output", "nodir/r.jsonl"], "--output nodir/r.jsonl: the folder"),
    (["--dashboard", "afile"], "--dashboard afile:"),
    (["--cache-dir", "afile"], "--cache-dir afile:"),
    (["--cache-dir", "afile/cache"], "--cache-dir afile/cache:"),
])
def test_audit_usage_mistakes_are_exit_2_before_the_audit_runs(cli, tmp_path, args, message):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    result = cli("audit", "story.txt", "--jobs", "1", *args)
    assert result.code == 2 and f"copydesk: error: {message}" in result.err
    assert "audited" not in result.err and result.out == ""


def test_check_output_into_a_missing_folder_is_a_usage_error(cli, tmp_path):
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    result = cli("check", "story.txt", "--output", "nodir/report.txt")
    assert result.code == 2 and "--output nodir/report.txt: the folder" in result.err


# -- the audit cache --------------------------------------------------------------------------------

def _stories(folder, count=12):
    folder.mkdir(exist_ok=True)
    for number in range(count):
        (folder / f"{number:02d}.txt").write_text(f"Story {number}\n\nThe the council met {number} times.\n",
                                                 encoding="utf-8")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "entries"])
def test_a_damaged_audit_cache_never_fails_an_audit(cli, tmp_path, damage):
    import sqlite3

    _stories(tmp_path / "archive")
    cache = tmp_path / "cache"
    fresh = cli("audit", "archive", "--jobs", "1", "--no-cache")
    cli("audit", "archive", "--jobs", "1", "--cache-dir", cache)
    database = cache / "audit-v1.sqlite"
    if damage == "garbage":
        database.write_bytes(b"not a database at all " * 500)
    elif damage == "truncated":
        data = database.read_bytes()
        database.write_bytes(data[:100] + b"\xff" * (len(data) - 100))
    else:
        with sqlite3.connect(database) as connection:
            connection.execute("UPDATE units SET value = substr(value, 1, 20)")
    damaged = cli("audit", "archive", "--jobs", "1", "--cache-dir", cache)
    assert damaged.code == 0 and damaged.out == fresh.out
    assert "audit cache" in damaged.err and "damaged" in damaged.err and "Traceback" not in damaged.err
    again = cli("audit", "archive", "--jobs", "1", "--cache-dir", cache)  # rebuilt: used again
    assert again.out == fresh.out and "12 of 12 units from the cache" in again.err


def test_a_languagetool_outage_is_not_cached_as_the_stories_result(cli, tmp_path):
    import socket
    from http.server import ThreadingHTTPServer

    from test_languagetool import FakeLanguageTool

    from copydesk.checks.languagetool import connect

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "lt.yaml").write_text(
        f"checks:\n  languagetool:\n    enabled: true\n    mode: remote\n    url: 'http://127.0.0.1:{port}'\n",
        encoding="utf-8")
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "story.txt").write_text("Headline\n\nShe ate a apple.\n", encoding="utf-8")
    command = ("audit", "archive", "--rules", "lt.yaml", "--select", "languagetool", "--jobs", "1",
               "--cache-dir", tmp_path / "cache")
    down = cli(*command)
    assert "languagetool-unavailable" in down.out
    connect.cache_clear()  # the next audit is a new process, which has not met the outage
    httpd = ThreadingHTTPServer(("127.0.0.1", port), FakeLanguageTool)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        back = cli(*command)
    finally:
        httpd.shutdown()
    assert "languagetool-unavailable" not in back.out and "a apple" in back.out
    assert "0 of 1 units from the cache" in back.err


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="finds the workers through /proc (Linux)")
def test_kill_9_of_an_audit_leaves_no_worker_running(tmp_path):
    _stories(tmp_path / "archive", 3000)
    process = subprocess.Popen([sys.executable, "-m", "copydesk", "audit", "archive", "--jobs", "2", "--no-cache",
                                "--progress", "never"], cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
        workers = _children(process.pid)
    assert len(workers) >= 2, "the audit should have started its two workers"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_running, workers))
