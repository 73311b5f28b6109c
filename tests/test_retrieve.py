"""Retriever wiring (fusion, filters, duplicate collapsing) with a named fake store, and the
real hybrid retrieval + refusal signal on the real index (fixture `real_settings`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deelwijzer.config import Settings
from deelwijzer.models import Chunk, Passage
from deelwijzer.retrieve import Filters, Retriever, collapse_duplicates, rrf_fuse, shingles


def chunk(cid: str, text: str, doc_id: str = "doc", era: str = "avg", heading: tuple[str, ...] = ()) -> Chunk:
    return Chunk(
        id=cid, doc_id=doc_id, title="", version="1", legal_era=era, source_file=f"{doc_id}.txt",
        heading_path=heading, ordinal=0, text=text, char_start=0, char_end=len(text), content_hash=cid,
    )


class FakeDenseStore:
    """Named fake store: BM25 sees `chunks`; the dense leg returns `dense_order` (filtered by
    the Chroma-style `where` it receives, as Chroma would) and records that `where`."""

    def __init__(self, chunks: list[Chunk], dense_order: list[str]):
        self.chunks = chunks
        self.dense_order = dense_order
        self.wheres: list[dict | None] = []

    def all_chunks(self):
        return self.chunks

    def generation(self):
        return "fake-" + ",".join(c.id for c in self.chunks)

    def dense_search(self, query, k, where=None, windows=True):
        self.wheres.append(where)
        by_id = {c.id: c for c in self.chunks}
        out = [by_id[i] for i in self.dense_order if _chroma_match(by_id[i], where)]
        return [Passage(chunk=c, score=0.9 - 0.01 * r, rank=r) for r, c in enumerate(out[:k], start=1)]


def _chroma_match(c: Chunk, where) -> bool:
    if not where:
        return True
    if "$and" in where:
        return all(_chroma_match(c, w) for w in where["$and"])
    ((key, cond),) = where.items()
    value = c.metadata()[key]
    return value in cond["$in"] if isinstance(cond, dict) else value == cond


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path)


def test_rrf_prefers_agreement_of_both_legs():
    a, b, c = chunk("a", "x"), chunk("b", "y"), chunk("c", "z")
    # a is 1st in one leg only; b is 2nd in both: 2/62 > 1/61.
    fused = rrf_fuse([[a, b], [c, b]], [1.0, 1.0], rrf_k=60)
    assert [ch.id for ch, _ in fused] == ["b", "a", "c"]
    assert fused[0][1] == pytest.approx(2 / 62)


def test_rrf_leg_weight_breaks_ties():
    a, b = chunk("a", "x"), chunk("b", "y")
    fused = rrf_fuse([[a, b], [b, a]], [1.0, 2.0])
    assert fused[0][0].id == "b"


def test_modes_use_their_leg(settings):
    chunks = [chunk("lex", "beroepsgeheim van de huisarts"), chunk("den", "geheimhouding arts")]
    store = FakeDenseStore(chunks, dense_order=["den", "lex"])
    r = Retriever(settings, store)
    assert [p.chunk.id for p in r.search("beroepsgeheim", mode="bm25")] == ["lex"]
    assert [p.chunk.id for p in r.search("beroepsgeheim", mode="dense")] == ["den", "lex"]
    hybrid = r.search("beroepsgeheim", mode="hybrid")
    assert hybrid[0].chunk.id == "lex"  # first lexically, second densely beats dense-only
    assert [p.rank for p in hybrid] == [1, 2]


def test_unknown_mode_and_filter_are_errors(settings):
    r = Retriever(settings, FakeDenseStore([chunk("a", "tekst")], ["a"]))
    with pytest.raises(ValueError):
        r.search("tekst", mode="magic")
    with pytest.raises(ValueError):
        r.search("tekst", where={"colour": "red"})
    with pytest.raises(ValueError):
        r.search("tekst", where={"plan": "brandweer"})


def test_filters_apply_to_both_legs(settings):
    chunks = [
        chunk("old", "melding bij Veilig Thuis", doc_id="veiligheidshuizen", era="wbp"),
        chunk("new", "melding bij Veilig Thuis", doc_id="toekomstscenario", era="avg"),
        chunk("pol", "melding bij Veilig Thuis politie", doc_id="excessief-geweld",
              heading=("Stappenplan Politie", "Stap 5: Noodzakelijkheid")),
    ]
    store = FakeDenseStore(chunks, dense_order=["old", "new", "pol"])
    r = Retriever(settings, store, dedupe=False)
    for mode in ("dense", "bm25", "hybrid"):
        assert {p.chunk.id for p in r.search("Veilig Thuis melding", mode=mode, where={"legal_era": "wbp"})} == {"old"}
        assert {p.chunk.id for p in r.search("Veilig Thuis melding", mode=mode, where={"doc_id": "toekomstscenario"})} == {"new"}
        assert {p.chunk.id for p in r.search("Veilig Thuis melding", mode=mode, where={"plan": "politie"})} == {"pol"}
    assert {"legal_era": "wbp"} in store.wheres and {"doc_id": "toekomstscenario"} in store.wheres


def test_filters_combine_into_chroma_where():
    f = Filters.from_where({"doc_id": ["a", "b"], "legal_era": "avg"})
    assert f.chroma_where() == {"$and": [{"doc_id": {"$in": ["a", "b"]}}, {"legal_era": "avg"}]}
    assert Filters.from_where({"plan": "zorg"}).chroma_where() is None
    assert Filters.from_where({"plan": "zorg"}).matches(chunk("z", "t", heading=("Stappenplan zorg- en hulpverleners",)))


def test_near_duplicates_collapse(settings):
    para = ("Niet altijd is het nodig om persoonsgegevens te verstrekken. Soms kan worden volstaan met "
            "het delen van geanonimiseerde informatie of met een signaal aan de betrokken partner.")
    chunks = [chunk(f"copy{i}", para + f" Partner {i}.", heading=(f"5.{i} Partner {i}",)) for i in range(5)]
    chunks.append(chunk("other", "Anonimiseren van informatie is een alternatief voor verstrekken."))
    store = FakeDenseStore(chunks, dense_order=[f"copy{i}" for i in range(5)] + ["other"])
    r = Retriever(settings, store)
    ids = [p.chunk.id for p in r.search("persoonsgegevens verstrekken geanonimiseerde informatie", k=5)]
    assert sum(i.startswith("copy") for i in ids) == 1 and "other" in ids
    raw = Retriever(settings, store, dedupe=False).search("persoonsgegevens verstrekken", k=5)
    assert sum(p.chunk.id.startswith("copy") for p in raw) >= 4


def test_collapse_keeps_order_and_limit():
    a, b, c = chunk("a", "een twee drie vier vijf"), chunk("b", "een twee drie vier vijf"), chunk("c", "zes zeven acht negen tien")
    kept = collapse_duplicates([(a, 3.0), (b, 2.0), (c, 1.0)], k=5, signature=lambda ch: shingles(ch.text))
    assert [ch.id for ch, _ in kept] == ["a", "c"]


# --------------------------------------------------------------------------- real index

SEED = Path(__file__).resolve().parents[1] / "evals" / "data" / "evals_seed.yaml"  # the shared seed set, copied into the project

# Measured with `python -m bench.retrieval` (see bench/results/retrieval.json); set a little
# below the measured values so noise in ingestion does not flake, but a real regression fails.
MIN_HYBRID_RECALL_AT_5 = 0.9  # measured 0.944 (34/36) on 790 chunks, 2026-11-23 (issue target 0.9)


@pytest.fixture(scope="module")
def real_retriever(real_settings):
    from deelwijzer.services import get_services

    return get_services(real_settings).retriever


@pytest.fixture(scope="module")
def seed_items():
    from bench.retrieval import load_seed

    if not SEED.exists():
        pytest.fail(f"seed set missing: {SEED}")
    return load_seed(SEED)


@pytest.mark.slow
def test_hybrid_recall_on_seed_set(real_retriever, seed_items):
    from bench.retrieval import first_hit

    answerable = [it for it in seed_items if it.answerable]
    ranks = {it.id: first_hit(it, real_retriever.search(it.question, k=10, mode="hybrid")) for it in answerable}
    recall5 = sum(1 for r in ranks.values() if r and r <= 5) / len(answerable)
    assert recall5 >= MIN_HYBRID_RECALL_AT_5, ranks


@pytest.mark.slow
def test_hybrid_is_at_least_as_good_as_either_leg(real_retriever, seed_items):
    """The fusion must earn its cost: never below a leg on recall@5, above BM25 on MRR."""
    from bench.retrieval import first_hit

    answerable = [it for it in seed_items if it.answerable]

    def scores(mode: str) -> tuple[float, float]:
        ranks = [first_hit(it, real_retriever.search(it.question, k=20, mode=mode)) for it in answerable]
        return (sum(1 for r in ranks if r and r <= 5) / len(ranks), sum(1 / r for r in ranks if r) / len(ranks))

    (hybrid_r5, hybrid_mrr), (bm25_r5, bm25_mrr), (dense_r5, _) = scores("hybrid"), scores("bm25"), scores("dense")
    assert hybrid_r5 >= bm25_r5 and hybrid_r5 > dense_r5, (hybrid_r5, bm25_r5, dense_r5)
    assert hybrid_mrr > bm25_mrr, (hybrid_mrr, bm25_mrr)


@pytest.mark.slow
def test_legal_references_on_real_index(real_retriever):
    for query, needle in [("art. 16 Wpg", "16"), ("7:457 BW", "7:457"), ("artikel 5.2.6 Wmo 2015", "5.2.6")]:
        top = real_retriever.search(query, k=3, mode="bm25")
        assert any(needle in " ".join(p.chunk.text.split()) for p in top), query


@pytest.mark.slow
def test_filters_on_real_index(real_retriever):
    q = "Mag ik gegevens delen met de politie?"
    assert {p.chunk.legal_era for p in real_retriever.search(q, where={"legal_era": "wbp"})} == {"wbp"}
    plan = real_retriever.search(q, where={"plan": "politie"})
    assert plan and all(any(h.lower().startswith("stappenplan politie") for h in p.chunk.heading_path) for p in plan)


@pytest.mark.slow
def test_refusal_signal_on_seed_set(real_retriever, seed_items):
    """The refusal model is fitted on seed + corpus + independent-dev (bench.refusal_fit); on the
    seed set alone it refuses 2/4 negatives and 0/36 answerable (measured 2026-11-27). The old
    single-score rule refused 4/4 here because it was fitted on these four, but refused 32% of the
    independent answerable questions."""
    refused = {it.id: not real_retriever.retrieve(it.question).relevance.in_corpus for it in seed_items}
    ooc = [it.id for it in seed_items if not it.answerable]
    false_refusals = [it.id for it in seed_items if it.answerable and refused[it.id]]
    assert sum(refused[i] for i in ooc) >= 2, {i: refused[i] for i in ooc}
    assert len(false_refusals) <= 1, false_refusals  # the bound


@pytest.mark.slow
def test_a_name_never_changes_the_refusal_decision(real_retriever):
    """Names are removed before retrieval: the question about a named person retrieves and is
    judged exactly like the one about "een cliënt" (issue 14)."""
    named = real_retriever.retrieve("Mag ik het dossier van Jan de Vries delen met de politie?")
    plain = real_retriever.retrieve("Mag ik het dossier van delen met de politie?")
    assert named.relevance.in_corpus == plain.relevance.in_corpus
    assert [p.chunk.id for p in named.passages] == [p.chunk.id for p in plain.passages]


def test_redact_for_retrieval_keeps_corpus_words():
    from deelwijzer.retrieve import redact_for_retrieval

    vocab = {"verdrag": 0, "istanboel": 1, "koninklijk": 2, "marechaussee": 3}
    assert redact_for_retrieval("Mag ik het dossier van Jan de Vries delen?", vocab) == "Mag ik het dossier van delen?"
    assert redact_for_retrieval("Wat zegt het Verdrag van Istanboel?", vocab) == "Wat zegt het Verdrag van Istanboel?"
    assert "Marechaussee" in redact_for_retrieval("Mag de Koninklijke Marechaussee dat weten?", vocab)
    assert "123456782" not in redact_for_retrieval("Cliënt met BSN 123456782, mag dat?", vocab)
