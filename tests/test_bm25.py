"""BM25 over chunks: legal references and organisation names must hit lexically.

The index here is built from the real corpus files cut into simple paragraph windows (not the
project's chunker), so these tests pin the lexical leg independently of chunking."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from deelwijzer.bm25 import BM25Index
from deelwijzer.config import PROJECT_ROOT
from deelwijzer.models import Chunk

CORPUS = PROJECT_ROOT / "corpus"


def make_chunk(cid: str, text: str, doc_id: str = "doc", heading: tuple[str, ...] = ()) -> Chunk:
    return Chunk(
        id=cid, doc_id=doc_id, title="", version="1", legal_era="avg", source_file=f"{doc_id}.txt",
        heading_path=heading, ordinal=0, text=text, char_start=0, char_end=len(text), content_hash=cid,
    )


def paragraph_chunks(path: Path, window: int = 3) -> list[Chunk]:
    paras = [p for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if p.strip()]
    out = []
    for i in range(0, len(paras), window):
        out.append(make_chunk(f"{path.stem}-{i}", "\n\n".join(paras[i : i + window]), doc_id=path.stem))
    return out


@pytest.fixture(scope="module")
def corpus_index() -> BM25Index:
    chunks = [c for f in sorted(CORPUS.glob("*.txt")) for c in paragraph_chunks(f)]
    return BM25Index(chunks)


def top_texts(index: BM25Index, query: str, k: int = 3) -> list[str]:
    return [" ".join(index.chunks[h.index].text.split()) for h in index.search(query, k)]


@pytest.mark.parametrize(
    "query, pattern",
    [
        ("art. 16 Wpg", r"artikel 16( en 17)?( lid \d+( onder [a-z])?)?( van de)? Wpg"),
        ("Wat zegt artikel 16 van de Wpg?", r"artikel 16( en 17)?( lid \d+( onder [a-z])?)?( van de)? Wpg"),
        ("7:457 BW", r"7:457"),
        ("artikel 5.2.6 Wmo 2015", r"5\.2\.6"),
        ("art. 7.3.11 lid 4 Jeugdwet", r"7\.3\.11"),
    ],
)
def test_legal_references_hit_lexically(corpus_index, query, pattern):
    texts = top_texts(corpus_index, query)
    assert texts and re.search(pattern, texts[0]), texts[:1]


@pytest.mark.parametrize(
    "query, pattern",
    [
        ("melden bij het AMHK", r"Veilig Thuis|AMHK|AHMK"),
        ("taak van de RvdK", r"Raad voor de Kinderbescherming|RvdK"),
        ("RIEC", r"RIEC|Regionaal Informatie"),
    ],
)
def test_organisation_names_hit(corpus_index, query, pattern):
    assert all(re.search(pattern, t) for t in top_texts(corpus_index, query)), query


def test_synonym_reaches_other_spelling():
    index = BM25Index([
        make_chunk("a", "Het Advies- en Meldpunt Huiselijk geweld en Kindermishandeling ontvangt meldingen."),
        make_chunk("b", "De gemeente voert de Participatiewet uit."),
    ])
    assert [index.chunks[h.index].id for h in index.search("Veilig Thuis", 2)] == ["a"]


def test_compound_query_matches_split_words():
    index = BM25Index([
        make_chunk("a", "Bij uitwisseling van gegevens tussen partners gelden regels. Gegevens en uitwisseling."),
        make_chunk("b", "Het college besluit over de aanvraag."),
        make_chunk("c", "Gegevensuitwisseling in het Veiligheidshuis."),
    ])
    ids = [index.chunks[h.index].id for h in index.search("gegevensuitwisseling", 3)]
    assert set(ids[:2]) == {"a", "c"}


def test_heading_path_is_indexed():
    index = BM25Index([
        make_chunk("a", "Algemene tekst zonder partnernaam.", heading=("5.10 Raad voor de Kinderbescherming",)),
        make_chunk("b", "Algemene tekst zonder partnernaam.", heading=("5.12 Woningcorporaties",)),
    ])
    assert index.chunks[index.search("woningcorporatie", 1)[0].index].id == "b"


def test_mask_and_no_match(corpus_index):
    import numpy as np

    mask = np.zeros(len(corpus_index), dtype=bool)
    assert corpus_index.search("art. 16 Wpg", 5, mask=mask) == []
    assert corpus_index.search("xyzzy qwerty", 5) == []


def test_query_is_fast(corpus_index):
    queries = ["Mag ik zonder toestemming melden bij Veilig Thuis?", "art. 16 Wpg", "beroepsgeheim huisarts"]
    t0 = time.perf_counter()
    for _ in range(10):
        for q in queries:
            corpus_index.search(q, 50)
    per_query_ms = (time.perf_counter() - t0) * 1000 / 30
    assert per_query_ms < 20


class FakeStore:
    """Named fake: only the two methods the retriever's BM25 loading uses."""

    def __init__(self, chunks, generation):
        self._chunks, self._generation, self.reads = chunks, generation, 0

    def all_chunks(self):
        self.reads += 1
        return self._chunks

    def generation(self):
        return self._generation


def test_retriever_keeps_one_bm25_per_generation(tmp_path):
    from deelwijzer.config import Settings
    from deelwijzer.retrieve import Retriever

    store = FakeStore([make_chunk("a", "eerste versie")], "g1")
    retriever = Retriever(Settings(data_dir=tmp_path), store)
    first = retriever.bm25
    assert retriever.bm25 is first and store.reads == 1
    store._chunks, store._generation = [make_chunk("b", "tweede versie")], "g2"
    second = retriever.bm25
    assert second is not first and second.chunks[0].id == "b"
