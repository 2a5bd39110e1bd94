"""The ``copydesk`` command. Imports are kept inside the commands: start-up stays fast."""

from __future__ import annotations

import argparse
import gc
import io
import json
import math
import os
import shutil
import sys
import time
from typing import Sequence, TextIO

from copydesk import __version__
from copydesk.sources import write_atomically

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FAIL_ON = ("error", "warning", "info", "never")


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def _date(value: str) -> str:
    import datetime as dt

    from copydesk.dates import EARLIEST_PUBLICATION, LATEST_PUBLICATION, plausible_publication

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None
    if not plausible_publication(day):
        raise argparse.ArgumentTypeError(
            f"{value} cannot be a publication date: expected one from {EARLIEST_PUBLICATION} "
            f"to {LATEST_PUBLICATION}, not the Unix epoch")
    return day.isoformat()


def _rule_options(command: argparse.ArgumentParser, rules_help: str, fail_on: str) -> None:
    """The options check and audit share: which rules run, and when the exit code says so."""
    command.add_argument("--rules", metavar="FILE", help=rules_help)
    command.add_argument("--select", type=_names, default=[], metavar="RULE_OR_CHECK,…",
                         help="run only these checks or rules")
    command.add_argument("--ignore", type=_names, default=[], metavar="RULE_OR_CHECK,…",
                         help="skip these checks or rules")
    command.add_argument("--fail-on", choices=FAIL_ON, default=fail_on,
                         help=f"exit 1 when a finding is at least this severe (default: {fail_on})")
    command.add_argument("--published", type=_date, metavar="YYYY-MM-DD",
                         help="publication date for stories whose metadata has none")


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's or taskset's share, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="copydesk",
        description="Editorial quality checks for news copy: plain text, Markdown, HTML, JSON/JSONL.",
    )
    parser.add_argument("--version", action="version", version=f"copydesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    rules_help = "house rules file (default: copydesk.yaml or .copydesk.yaml here or above)"
    check = commands.add_parser("check", help="check stories and report findings")
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="files, folders (recursive) or - for stdin; with --changed, the changed files by default")
    check.add_argument("--format", default="text", help="report format: text (default), json, …")
    check.add_argument("--output", metavar="FILE", help="write the report to FILE")
    _rule_options(check, rules_help, fail_on="error")
    check.add_argument("--stdin-format", default="auto", metavar="FORMAT",
                       help="format of standard input: auto (default), text, markdown, html, json, jsonl")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour in the text report (auto: on a terminal, unless NO_COLOR is set)")
    check.add_argument("--report-unused-suppressions", action="store_true",
                       help="report copydesk-disable comments and ignore entries that suppressed nothing")
    check.add_argument("--baseline", metavar="FILE",
                       help="report only findings not in this baseline (written by --write-baseline)")
    check.add_argument("--write-baseline", metavar="FILE",
                       help="write every finding to FILE as the accepted baseline, and report nothing")
    check.add_argument("--changed", nargs="?", const="", metavar="REV",
                       help="report only findings on lines changed since REV (default: the staged changes)")
    fixes = check.add_mutually_exclusive_group()
    fixes.add_argument("--fix", action="store_true",
                       help="apply the fixes marked safe (duplicate captions, headlines and paragraphs, "
                            "residue, house spellings, weekdays of dated days) to the files, then report what remains")
    fixes.add_argument("--diff", action="store_true",
                       help="print what --fix would change as a unified diff, and write nothing")
    check.add_argument("--fix-links-and-read-only", action="store_true",
                       help="let --fix write through symbolic links (to their targets) and over read-only "
                            "files, which it otherwise refuses")

    audit = commands.add_parser(
        "audit", help="audit a whole archive: streamed, parallel, cached; findings as JSONL or CSV")
    audit.add_argument("paths", nargs="+", metavar="PATH",
                       help="files, folders, glob patterns; .gz/.bz2/.zip, JSONL/CSV dumps and WARC files too")
    audit.add_argument("--format", choices=("jsonl", "csv"), default="jsonl",
                       help="one finding per line (jsonl, default) or per row (csv)")
    audit.add_argument("--output", metavar="FILE", help="write the findings to FILE (default: standard output)")
    audit.add_argument("--dashboard", metavar="FOLDER",
                       help="write an HTML dashboard (index.html, and a report for each story it links)")
    _rule_options(audit, rules_help, fail_on="never")
    audit.add_argument("--jobs", "-j", type=int, default=usable_cpus(), metavar="N",
                       help="worker processes (default: one per CPU core)")
    audit.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="local processes (default) or a dask.distributed cluster (--scheduler)")
    audit.add_argument("--scheduler", metavar="ADDRESS", help="the dask scheduler, e.g. tcp://10.0.0.5:8786")
    audit.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    audit.add_argument("--cache-dir", metavar="FOLDER",
                       help="the result cache (default: $XDG_CACHE_HOME/copydesk or ~/.cache/copydesk)")
    audit.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                       help="a progress bar on standard error (auto: when it is a terminal)")

    listing = commands.add_parser("checks", help="list checks and their rules")
    listing.add_argument("--rules", metavar="FILE", help=rules_help)
    effective = commands.add_parser("rules", help="print the effective house rules")
    effective.add_argument("--rules", metavar="FILE", help=rules_help)
    serve = commands.add_parser(
        "serve", help="a check service LanguageTool's clients speak, and a browser editor at /")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1; any other needs --token-file)")
    serve.add_argument("--port", type=int, default=8081, help="port (default: 8081)")
    serve.add_argument("--rules", metavar="FILE", help=rules_help)
    serve.add_argument("--token-file", metavar="FILE",
                       help="a file whose first line is the token clients must send (Bearer or apiKey)")
    serve.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                       help="a web origin whose pages may call the server (CORS); repeatable")
    serve.add_argument("--max-body", type=int, default=1_000_000, metavar="BYTES",
                       help="largest request body accepted (default: 1000000)")
    serve.add_argument("--time-limit", type=float, metavar="SECONDS",
                       help="longest a check may take on a story before the server answers without it "
                            "(default: the rules file's limits: check_seconds, 10)")
    serve.add_argument("--workers", type=int, default=usable_cpus(), metavar="N",
                       help="engine worker processes, each with its own engine (default: one per CPU); "
                            "0 checks in threads of the server's own process")
    serve.add_argument("--cache", type=int, default=256, metavar="ENTRIES",
                       help="answers kept for copy sent again unchanged (default: 256; 0: none)")
    lsp = commands.add_parser("lsp", help="a language server for editors (LSP on standard input/output)")
    lsp.add_argument("--tcp", type=int, metavar="PORT", help="listen on 127.0.0.1:PORT instead (for debugging)")
    lsp.add_argument("--rules", metavar="FILE", help="house rules file, unless the editor's settings name one "
                                                    "(default: copydesk.yaml or .copydesk.yaml in the workspace or above)")
    languagetool = commands.add_parser(
        "languagetool", help="the optional LanguageTool backend: install it, or say what is installed")
    languagetool.add_argument("action", choices=("install", "status"),
                              help="install: download LanguageTool (~260 MB, the only command that "
                                   "downloads anything); status: what is installed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        commands = {"check": _check, "audit": _audit, "checks": _list_checks, "rules": _print_rules,
                    "languagetool": _languagetool, "serve": _serve, "lsp": _lsp}
        return commands[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # "copydesk check … | head": the reader left, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:
        # Imported only here: the language server forks before it imports the Engine (copydesk/lsp/preload.py).
        from copydesk.baseline import BaselineError
        from copydesk.config import ConfigError
        from copydesk.engine import UsageError

        if not isinstance(error, (ConfigError, UsageError, BaselineError)):
            raise
        print(f"copydesk: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def _lsp(args: argparse.Namespace) -> int:
    from copydesk.lsp import serve

    return serve(args.tcp, args.rules)


def _setup(args: argparse.Namespace):
    from copydesk.config import load_config
    from copydesk.plugins import load_registry

    registry = load_registry()
    for problem in registry.problems:
        print(f"copydesk: error: {problem}", file=sys.stderr)
    config = load_config(args.rules)
    config.validate(registry)
    return registry, config


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _check(args: argparse.Namespace) -> int:
    from copydesk.engine import Engine, UsageError, plan
    from copydesk.findings import INCOMPLETE_RULES, SEVERITY_RANK

    # A story with thousands of findings makes hundreds of thousands of small objects that all live
    # until the report is written; at Python's default thresholds the cycle collector goes over them
    # again and again (a fifth of the CPU time on 24,000 dated lines). copydesk makes few cycles.
    gc.set_threshold(50_000, 20, 20)
    if args.output:
        _output_file(args.output, "--output")
    registry, config = _setup(args)
    formatter = registry.formatters.get(args.format)
    if formatter is None:
        raise UsageError(f"unknown format {args.format!r} (known: {', '.join(registry.formatters)})")
    if args.stdin_format != "auto" and args.stdin_format not in registry.readers:
        raise UsageError(f"unknown --stdin-format {args.stdin_format!r} "
                         f"(known: auto, {', '.join(registry.readers)})")
    paths, changed = _changed(args, registry)
    engine = Engine(registry, config, plan(registry, config, args.select, args.ignore),
                    published=args.published, stdin_format=args.stdin_format,
                    report_unused_suppressions=args.report_unused_suppressions,
                    skip_files=[name for name in (args.baseline, args.write_baseline) if name])

    def run():
        report = engine.run(paths)
        if changed is not None:
            from copydesk.changes import keep_changed

            _say_dropped(keep_changed(report, changed), "on unchanged lines")
        if args.baseline and not args.write_baseline:
            from copydesk.baseline import subtract

            _say_dropped(subtract(report, args.baseline), f"accepted by the baseline {args.baseline}")
        return report

    report = run()
    if args.write_baseline:
        from copydesk.baseline import write

        written = write(report, args.write_baseline)
        print(f"copydesk: wrote {written} finding{'s' if written != 1 else ''} to the baseline "
              f"{args.write_baseline}", file=sys.stderr)
        return EXIT_USAGE if any(problem.fatal for problem in report.problems) else EXIT_OK
    if args.diff:
        return _print_diff(report, args.fix_links_and_read_only)
    if args.fix:
        from copydesk.fixing import MAX_PASSES

        for _ in range(MAX_PASSES):
            if not _fix(report, args.fix_links_and_read_only):
                break
            report = run()  # what remains, at its new positions
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if not report.results and any(problem.fatal for problem in report.problems):
        return EXIT_USAGE  # nothing was checked: an empty report would read as a clean one
    rendered = io.StringIO()  # all of it or nothing: a formatter plugin may fail half-way
    try:
        formatter.render(report, rendered, not args.output and _use_color(args.color, sys.stdout))
    except Exception as error:
        print(f"copydesk: error: the {args.format} formatter failed ({type(error).__name__}: {error}); "
              "no report was written", file=sys.stderr)
        return EXIT_FINDINGS
    if args.output:
        write_atomically(args.output, rendered.getvalue().encode("utf-8"))
    else:
        sys.stdout.write(rendered.getvalue())
        sys.stdout.flush()

    if registry.problems or any(problem.fatal for problem in report.problems):
        return EXIT_USAGE
    findings = report.findings
    if any(finding.rule in INCOMPLETE_RULES for finding in findings):
        return EXIT_FINDINGS
    if args.fail_on != "never":
        threshold = SEVERITY_RANK[args.fail_on]
        if any(SEVERITY_RANK[finding.severity] <= threshold for finding in findings):
            return EXIT_FINDINGS
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    import csv

    from copydesk import audit
    from copydesk.cachedir import default_cache_folder
    from copydesk.engine import UsageError
    from copydesk.findings import INCOMPLETE_RULES, SEVERITY_RANK
    from copydesk.formatters.csv import COLUMNS, row

    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.output:
        _output_file(args.output, "--output")
    if args.dashboard:
        _output_folder(args.dashboard, "--dashboard")
    if args.cache_dir and not args.no_cache:
        _output_folder(args.cache_dir, "--cache-dir")
    if args.engine == "dask" and not args.scheduler:
        raise UsageError("--engine dask needs --scheduler ADDRESS")
    registry, config = _setup(args)
    settings = audit.Settings(args.rules, tuple(args.select), tuple(args.ignore), args.published)
    audit.engine_for(settings, registry, config)  # a bad --select fails here, before any worker starts
    cache = audit.Cache(None if args.no_cache else args.cache_dir or default_cache_folder())
    executor = audit.DaskExecutor(args.scheduler) if args.engine == "dask" else audit.local_executor(args.jobs)
    workers = executor.workers if args.engine == "dask" else args.jobs
    dashboard = None
    if args.dashboard:
        from copydesk.dashboard import Dashboard

        dashboard = Dashboard(args.paths, settings)
    out = open(args.output + ".partial", "w", encoding="utf-8", newline="") if args.output else sys.stdout
    threshold = SEVERITY_RANK.get(args.fail_on, -1)
    failed = False
    if args.format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)

    def emit(finding) -> None:
        nonlocal failed
        # A check that crashed or ran out of time left the story unchecked: that fails the audit, as in check.
        failed = failed or SEVERITY_RANK[finding.severity] <= threshold or finding.rule in INCOMPLETE_RULES
        if args.format == "csv":
            writer.writerow(row(finding))
        else:
            out.write(json.dumps({"path": finding.path, "document": finding.document_id, **finding.to_dict()},
                                 ensure_ascii=False) + "\n")
        if dashboard:
            dashboard.add_finding(finding)

    show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    progress = audit.progress_display(show)
    started = time.perf_counter()

    def on_unit(result, so_far) -> None:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        for story in result.stories:
            for finding in story.findings:
                emit(finding)
        if dashboard:
            dashboard.add_unit(result)
        if progress:
            rate = so_far.words / max(time.perf_counter() - started, 1e-9)
            progress.update(task, status=f"{so_far.stories:,} stories, {so_far.findings:,} findings, "
                                         f"{rate:,.0f} words/s")

    try:
        if progress:
            progress.start()
            task = progress.add_task("audit", total=None, status="starting")
        outcome = audit.run(args.paths, settings, executor=executor, window=workers * 4, cache=cache,
                            on_unit=on_unit, on_problem=lambda problem: print(problem, file=sys.stderr),
                            on_collection_finding=emit)
    finally:
        if progress:
            progress.stop()
        executor.shutdown()
        cache.close()
        if args.output:
            out.close()
    if args.output:
        os.replace(args.output + ".partial", args.output)
    else:
        sys.stdout.flush()
    elapsed = time.perf_counter() - started
    if dashboard:
        dashboard.write(args.dashboard, outcome)
    print(f"copydesk: audited {outcome.stories:,} stories ({outcome.words:,} words) in {elapsed:.1f} s: "
          f"{outcome.findings:,} findings, {len(outcome.problems)} input problems; "
          f"{outcome.from_cache:,} of {outcome.units:,} units from the cache", file=sys.stderr)
    if any(problem.fatal for problem in outcome.problems):
        return EXIT_USAGE
    return EXIT_FINDINGS if failed else EXIT_OK


def _output_file(path: str, option: str) -> None:
    """A file copydesk will write must have a folder to go in (checked before any work is done)."""
    from copydesk.engine import UsageError

    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise UsageError(f"{option} {path}: that is a folder; name a file")
    if not os.path.isdir(folder):
        raise UsageError(f"{option} {path}: the folder {folder} does not exist")


def _output_folder(path: str, option: str) -> None:
    """A folder copydesk will create or write into must not be, or be inside, an existing file."""
    from copydesk.engine import UsageError

    place = os.path.abspath(path)
    while not os.path.exists(place):
        place = os.path.dirname(place)
    if not os.path.isdir(place):
        raise UsageError(f"{option} {path}: {place} is a file, not a folder")


def _changed(args: argparse.Namespace, registry) -> tuple[list[str], dict | None]:
    """The paths to check and, with --changed, the changed lines by real path."""
    from copydesk.engine import UsageError

    paths = list(args.paths)
    if args.changed is None:
        if not paths:
            raise UsageError("no PATH given: name files, folders or - for standard input")
        return paths, None
    from copydesk import changes

    revision = args.changed
    # argparse gives "--changed stories/" the folder as REV: a path that is not a revision is a path.
    if revision and not changes.is_revision(revision):
        if not os.path.exists(revision):
            raise UsageError(f"--changed {revision}: neither a git revision nor a path")
        paths.insert(0, revision)
        revision = changes.STAGED
    try:
        changed = changes.changed_lines(revision)
    except changes.ChangesError as error:
        raise UsageError(str(error)) from None
    if not paths:
        extensions = tuple(registry.extensions())
        paths = sorted(os.path.relpath(path) for path in changed
                       if path.lower().endswith(extensions) and os.path.isfile(path))
    return paths, changed


def _say_dropped(count: int, why: str) -> None:
    if count:
        print(f"copydesk: {count} finding{'s' if count != 1 else ''} {why} not shown", file=sys.stderr)


def _print_diff(report, links_and_read_only: bool) -> int:
    """--diff: the unified diff of the safe fixes; exit 1 when there is one."""
    from copydesk import fixing

    changed = False
    for fix in fixing.plan(report, links_and_read_only):
        if fix.refused:
            print(f"{fix.path}: {fix.refused}", file=sys.stderr)
        elif fix.changed:
            sys.stdout.write(fix.diff())
            changed = True
    return EXIT_FINDINGS if changed else EXIT_OK


def _fix(report, links_and_read_only: bool) -> bool:
    """--fix: write the safe fixes; whether any file changed."""
    from copydesk import fixing

    findings = files = 0
    with fixing.clean_up_on_termination():
        for fix in fixing.plan(report, links_and_read_only):
            if fix.refused:
                print(f"{fix.path}: {fix.refused}", file=sys.stderr)
                continue
            if not fix.changed:
                continue
            try:
                fixing.write(fix)
            except (OSError, ValueError) as error:
                print(f"{fix.path}: not fixed: {error}", file=sys.stderr)
                continue
            findings += len(fix.applied)
            files += 1
    print(f"copydesk: fixed {findings} finding{'s' if findings != 1 else ''} in {files} "
          f"file{'s' if files != 1 else ''}", file=sys.stderr)
    return files > 0


def _list_checks(args: argparse.Namespace) -> int:
    registry, config = _setup(args)
    for check in registry.checks.values():
        origin = registry.origins.get(f"Check:{check.name}", "")
        state = "" if config.enabled(check) else " [disabled]"
        scope = " (per collection)" if check.scope == "collection" else ""
        print(f"{check.name}{state}{scope} — {check.description} [{origin}]")
        severities = config.severities(check)
        width = max(len(rule.id) for rule in check.rules)
        for rule in check.rules:
            print(f"    {rule.id:<{width}}  {severities[rule.id]:<7}  {rule.description}")
    return EXIT_USAGE if registry.problems else EXIT_OK


def _print_rules(args: argparse.Namespace) -> int:
    import yaml

    from copydesk.config import plain

    registry, config = _setup(args)
    data = plain(config.data)
    checks = data.setdefault("checks", {})
    for check in registry.checks.values():
        section = checks.setdefault(check.name, {})
        section["enabled"] = config.enabled(check)
        section["rules"] = config.severities(check)
        section.update(plain(config.options(check)))
    sources = ", ".join(["built-in rules.yaml", *config.files])
    print(f"# effective copydesk rules: {sources}")
    print(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), end="")
    return EXIT_USAGE if registry.problems else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from copydesk.engine import Engine, UsageError, plan
    from copydesk.server.app import Settings
    from copydesk.server.pool import EngineRecipe
    from copydesk.server.run import check_host, read_token, serve

    if args.workers < 0 or args.cache < 0:
        raise UsageError("--workers and --cache must not be negative")
    if args.max_body < 1 or (args.time_limit is not None and not 0 < args.time_limit < math.inf):
        raise UsageError("--max-body and --time-limit must be above zero")
    token = read_token(args.token_file)
    check_host(args.host, token)  # before loading anything
    registry, config = _setup(args)
    engine = Engine(registry, config, plan(registry, config))
    # A server always answers in bounded time: the rules file's "no limit" (0) keeps the default.
    engine.check_seconds = args.time_limit or engine.check_seconds or Settings.time_limit_seconds
    serve(engine, args.host, args.port, Settings(
        token=token, allow_origins=args.allow_origin, max_body_bytes=args.max_body,
        time_limit_seconds=engine.check_seconds, workers=args.workers or Settings.workers,
        processes=args.workers > 0, recipe=EngineRecipe(args.rules and os.path.abspath(args.rules),
                                                        engine.check_seconds),
        cache_entries=args.cache))
    return EXIT_OK


def _languagetool(args: argparse.Namespace) -> int:
    try:
        from language_tool_python.download_lt import LocalLanguageTool, download_lt
    except ImportError:
        print("copydesk: error: language-tool-python is not installed: "
              "pip install 'copydesk[languagetool]'", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "install":
        download_lt()
    installed = LocalLanguageTool.get_latest_installed_version()
    if installed is None:
        print("LanguageTool is not installed: run copydesk languagetool install (needs Java to run).")
        return 1
    print(f"LanguageTool installed at {installed.get_directory_path()}"
          + ("" if shutil.which("java") else "; Java not found: install it to run LanguageTool"))
    return 0
