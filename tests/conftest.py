"""Shared test helpers. Tests run against the installed package (``pip install '.[test]'``)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    import copydesk.checks  # noqa: F401  (only the installed package has it)
except ImportError:  # pragma: no cover - a setup mistake, not a test failure
    pytest.exit("copydesk is not installed: run the README's test command "
                "(pip install '.[test]' && pytest), not python -m pytest from a bare checkout", 2)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED = Path(os.environ.get("COPYDESK_SHARED", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
BBC = SHARED / "corpus" / "bbc"


def needs(path: Path):
    """Skip a test whose data lives in ../shared when it is not there, saying so."""
    return pytest.mark.skipif(not path.exists(), reason=f"needs {path} (shared data beside the repo)")


@pytest.fixture(autouse=True, scope="session")
def private_cache_folder(tmp_path_factory):
    """copydesk's cache folder (parsed word lists) is the session's own, not the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    """Run ``copydesk`` in-process; the working directory is a fresh temporary folder."""
    from copydesk.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)

    def run(*args: str) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def json_findings(cli, *paths, select: str, extra=()) -> list[dict]:
    """Every finding of ``copydesk check --select SELECT --format json``, which must exit 0."""
    import json

    result = cli("check", *paths, "--select", select, "--format", "json", "--fail-on", "never", *extra)
    assert result.code == 0, result.err
    return [f for d in json.loads(result.out)["documents"] for f in d["findings"]]


def import_benchmark(name: str):
    """A script of ``benchmarks/`` as a module, for tests that assert its accuracy figures."""
    import importlib

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


def run_process(*args: str, cwd: Path, env: dict | None = None, stdin: bytes | None = None) -> Run:
    """Run ``copydesk`` as a separate process, as a user or a git hook would."""
    environment = {**os.environ, **(env or {})}
    result = subprocess.run([sys.executable, "-m", "copydesk", *map(str, args)], cwd=cwd,
                            env=environment, input=stdin, capture_output=True, timeout=120)
    return Run(result.returncode, result.stdout.decode(), result.stderr.decode())


def read(path: Path | str):
    """The Documents of a file, read with the default rules."""
    from copydesk.config import load_config
    from copydesk.engine import Engine
    from copydesk.plugins import load_registry

    registry = load_registry()
    engine = Engine(registry, load_config(search_from=str(Path(path).parent)), [])
    items = list(engine.documents([str(path)]))
    return [item for item in items if not hasattr(item, "fatal")]


def assert_maps_exactly(document, decoded=frozenset()) -> None:
    """Every character of every block sits at its mapped offset in the file.

    ``decoded`` lists characters that stand for an escape or entity in the file
    (``é`` for ``&eacute;``) and so cannot match there.
    """
    source = document.source.text
    for block in document.blocks:
        for position, char in enumerate(block.text):
            offset = block.offsets(position)
            if char in decoded or (char == "\n" and source[offset] in "\\<"):
                continue
            assert source[offset] == char, (block.kind, block.text, position, source[offset:offset + 10])
