"""`deelwijzer search` and `deelwijzer ingest` as a user runs them (subprocesses, real index)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from _corpus_helpers import AA, copy_corpus
from deelwijzer.config import PROJECT_ROOT

pytestmark = pytest.mark.slow


def cli(settings, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1",
           "DEELWIJZER_DATA_DIR": str(settings.data_dir),
           "DEELWIJZER_CORPUS_DIR": str(settings.corpus_dir),
           "DEELWIJZER_EMBEDDING_CACHE": str(settings.embedding_cache_path)}
    return subprocess.run([sys.executable, "-m", "deelwijzer", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_search_finds_the_politie_stappenplan(real_settings):
    proc = cli(real_settings, "search", "Mag de politie gegevens verstrekken aan de burgemeester?", "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["query"] == "Mag de politie gegevens verstrekken aan de burgemeester?"
    assert len(out["passages"]) == 10
    keys = {"chunk_id", "doc_id", "source_file", "title", "version", "heading_path", "text", "score"}
    assert all(keys <= set(p) for p in out["passages"])
    politie = [p for p in out["passages"][:5]
               if p["doc_id"] == "excessief-geweld" and "Stappenplan Politie" in p["heading_path"]]
    assert politie, [(p["doc_id"], p["heading_path"]) for p in out["passages"]]


def test_search_k_and_bad_usage(real_settings):
    proc = cli(real_settings, "search", "meldcode huiselijk geweld", "--k", "3", "--json")
    assert proc.returncode == 0 and len(json.loads(proc.stdout)["passages"]) == 3
    assert cli(real_settings, "search", "x", "--k", "0").returncode == 2
    assert cli(real_settings, "search").returncode == 2  # argparse: QUERY missing


def test_ingest_cli_json_exit_codes_and_if_missing(tmp_path, real_settings):
    from conftest import make_settings

    corpus = copy_corpus(tmp_path / "corpus", files=(AA,))
    settings = make_settings(tmp_path / "data", corpus_dir=corpus)
    first = cli(settings, "ingest", "--json")
    assert first.returncode == 0, first.stderr[-2000:]
    report = json.loads(first.stdout)
    assert set(report) >= {"documents", "chunks_added", "chunks_removed", "chunks_total", "seconds"}
    assert report["documents"][0] | {"chunks": 0} == {
        "doc_id": "aa-en-hunze", "title": report["documents"][0]["title"],
        "version": report["documents"][0]["version"], "status": "added", "chunks": 0}
    assert report["chunks_added"] == report["chunks_total"] > 0

    skipped = cli(settings, "ingest", "--if-missing")
    assert skipped.returncode == 0 and "bestaat al" in skipped.stdout

    (corpus / "kapot.pdf").write_bytes(b"\x00\x01 geen pdf \xff" * 50)
    partial = cli(settings, "ingest", "--json")
    assert partial.returncode == 1
    out = json.loads(partial.stdout)
    assert out["chunks_added"] == out["chunks_removed"] == 0
    assert [e["file"].endswith("kapot.pdf") for e in out["errors"]] == [True]
    assert "kapot.pdf" in partial.stderr
