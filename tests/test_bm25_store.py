"""The BM25 matrices saved per index generation: a reload scores exactly as a fresh build, and a
stale, foreign or broken file is never used (the index is then built in memory)."""

from __future__ import annotations

import numpy as np

from deelwijzer import bm25_store
from deelwijzer.bm25 import BM25Index
from deelwijzer.models import Chunk

TEXTS = [
    "De politie verstrekt politiegegevens op grond van art. 16 Wpg aan de burgemeester.",
    "Gegevensuitwisseling in het zorg- en veiligheidshuis vraagt een convenant.",
    "Het beroepsgeheim van de huisarts volgt uit art. 7:457 BW; doorbreken mag bij conflict van plichten.",
    "Veilig Thuis (AMHK) ontvangt meldingen over huiselijk geweld en kindermishandeling.",
]


def chunks(texts=TEXTS) -> list[Chunk]:
    return [Chunk(id=f"c{i}-{hash(t) & 0xffff}", doc_id="d", title="Handreiking", version="1", legal_era="avg",
                  source_file="d.txt", heading_path=("Kop",), ordinal=i, text=t, char_start=0,
                  char_end=len(t), content_hash="h") for i, t in enumerate(texts)]


def test_saved_index_scores_like_a_fresh_build(tmp_path):
    built = BM25Index(chunks())
    path = bm25_store.path_for(tmp_path, "gen-1")
    bm25_store.save(path, built)
    loaded = bm25_store.load(path, chunks(), BM25Index)
    assert loaded is not None
    for query in ("art. 16 Wpg burgemeester", "gegevens uitwisseling veiligheidshuis", "AMHK melding", "huisarts"):
        assert np.allclose(loaded.scores(query), built.scores(query)), query
        assert loaded.query_terms(query) == built.query_terms(query)


def test_other_chunks_or_a_broken_file_are_not_used(tmp_path):
    path = bm25_store.path_for(tmp_path, "gen-1")
    bm25_store.save(path, BM25Index(chunks()))
    assert bm25_store.load(path, chunks(TEXTS[:3]), BM25Index) is None  # another index's chunks
    assert bm25_store.load(bm25_store.path_for(tmp_path, "gen-2"), chunks(), BM25Index) is None  # no file
    path.write_bytes(b"not an npz file")
    assert bm25_store.load(path, chunks(), BM25Index) is None


def test_saving_a_new_generation_drops_the_old_file(tmp_path):
    first, second = bm25_store.path_for(tmp_path, "gen-1"), bm25_store.path_for(tmp_path, "gen-2")
    bm25_store.save(first, BM25Index(chunks()))
    bm25_store.save(second, BM25Index(chunks()))
    assert sorted(p.name for p in tmp_path.iterdir()) == [second.name]

