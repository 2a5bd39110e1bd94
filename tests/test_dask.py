"""copydesk audit --engine dask: the same audit on a real dask.distributed cluster (scheduler and workers on
loopback), duplicate-article across stories included, gives the local engine's results."""

from __future__ import annotations

import random

import pytest

from conftest import REPO
from test_audit import synthetic_story, write_jsonl

distributed = pytest.importorskip("distributed", reason="needs dask.distributed (pip install 'copydesk[dask]')")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local:
        yield local


def test_dask_engine_matches_the_local_engine(cli, tmp_path, cluster):
    archive = tmp_path / "archive"
    archive.mkdir()
    write_jsonl(archive / "dump.jsonl", 420)
    for name in ("council-budget.txt", "harbour-strike.md", "election-night.html"):
        (archive / name).write_bytes((REPO / "examples" / name).read_bytes())
    headline, body = synthetic_story(random.Random(11), 1)
    for name in ("wire.txt", "wire-again.txt"):
        (archive / name).write_text(f"{headline}\n\n{body}\n", encoding="utf-8")

    local = cli("audit", archive, "--no-cache", "--jobs", "1", "--progress", "never")
    remote = cli("audit", archive, "--no-cache", "--engine", "dask", "--scheduler", cluster.scheduler_address,
                 "--progress", "never")
    assert remote.code == local.code == 0, remote.err
    assert remote.out == local.out
    assert '"rule": "duplicate-article"' in remote.out and "wire-again.txt" in remote.out
    with distributed.Client(cluster.scheduler_address) as client:
        assert len(client.scheduler_info()["workers"]) == 2


def test_dask_engine_without_a_scheduler_is_a_usage_error(cli, tmp_path):
    run = cli("audit", REPO / "examples", "--engine", "dask")
    assert run.code == 2 and "--scheduler" in run.err
