"""Client/server mode: a real `chroma run` server, the same ingest and query code as embedded."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from _corpus_helpers import AA, copy_corpus
from deelwijzer.config import PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow
CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_heartbeat(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run stopped with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("chroma server did not come up")


@pytest.fixture()
def chroma_server(tmp_path):
    port = free_port()
    log = open(tmp_path / "chroma.log", "w")
    proc = subprocess.Popen([str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port),
                             "--path", str(tmp_path / "server-data")], stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_heartbeat(port, proc)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_ingest_and_search_through_a_chroma_server(tmp_path, chroma_server, real_settings, monkeypatch):
    from conftest import EMBEDDING_CACHE
    from deelwijzer.store import open_store
    from ingest.pipeline import run_ingest

    corpus = copy_corpus(tmp_path / "corpus", files=(AA,))
    env = {"DEELWIJZER_CHROMA_HOST": "127.0.0.1", "DEELWIJZER_CHROMA_PORT": str(chroma_server),
           "DEELWIJZER_DATA_DIR": str(tmp_path / "data"), "DEELWIJZER_CORPUS_DIR": str(corpus),
           "DEELWIJZER_EMBEDDING_CACHE": str(EMBEDDING_CACHE)}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    settings = Settings()  # configured from the environment only, as in deployment
    assert settings.chroma_host == "127.0.0.1"

    first = run_ingest(settings)
    assert first.chunks_added == first.chunks_total > 0
    store = open_store(settings)
    assert store.info().backend == f"http://127.0.0.1:{chroma_server}"
    assert store.info().chunk_count == first.chunks_total
    assert not (tmp_path / "data" / "chroma").exists()  # nothing written to an embedded store
    again = run_ingest(settings)
    assert (again.chunks_added, again.chunks_removed, again.generation) == (0, 0, first.generation)

    # The CLI in another process, same server, only the environment tells it where.
    proc = subprocess.run([sys.executable, "-m", "deelwijzer", "search", "geheimhoudingsplicht", "--k", "3",
                           "--json"], cwd=PROJECT_ROOT, env={**os.environ, **env, "HF_HUB_OFFLINE": "1"},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    passages = json.loads(proc.stdout)["passages"]
    assert len(passages) == 3 and {p["doc_id"] for p in passages} == {"aa-en-hunze"}
