"""The second stage (deelwijzer/rerank.py), its wiring in the retriever, and the file it loads,
written by `bench.rerank_fit`."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from deelwijzer.bm25 import BM25Index
from deelwijzer.config import Settings
from deelwijzer.models import Passage
from deelwijzer.rerank import FEATURES, MODEL_PATH, PassageTerms, RerankModel, candidate_features, rerank_model, reorder
from deelwijzer.retrieve import Retriever
from tests.test_retrieve import FakeDenseStore, chunk


def test_model_file_records_its_fit():
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert raw["fit"]["command"] == "python -m bench.rerank_fit --write"
    assert not any("frozen" in s for s in raw["fit"]["tuning"])
    model = RerankModel.load()
    assert model.features == FEATURES and model.pool >= 5


def test_a_better_rank_in_both_legs_never_loses():
    """The same passage at rank 1 in both legs (and fused) scores above itself at rank 5."""
    model = rerank_model()
    row = dict.fromkeys(FEATURES, 0.0)
    first = dict(row, rrf=1.0)
    fifth = dict(row, rrf=(1 / 15 + 3 / 15) / (4 / 11), lrank=math.log(5), drank=math.log(5), brank=math.log(5))
    x = np.array([[first[f] for f in FEATURES], [fifth[f] for f in FEATURES]])
    s = model.scores(x)
    assert s[0] > s[1]


def test_a_malformed_model_file_is_refused(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"features": ["rrf"], "coef": [1.0], "pool": 20}), encoding="utf-8")
    with pytest.raises(ValueError):
        RerankModel.load(path)


def test_features_see_the_rare_word_its_sentence_and_the_legs():
    chunks = [
        chunk("a", "De bewaartermijn van het dossier is vijftien jaar. Daarna wordt het vernietigd.",
              heading=("Bewaren",)),
        chunk("b", "Het dossier wordt gedeeld in het overleg. Het overleg is wekelijks. Het dossier is van de cliënt."),
        chunk("c", "Iets heel anders over de politie."),
    ]
    index = BM25Index(chunks)
    fused = [(chunks[1], 0.3), (chunks[0], 0.2)]
    dense = [Passage(chunk=chunks[1], score=0.9, rank=1), Passage(chunk=chunks[2], score=0.8, rank=2)]
    lexical = [Passage(chunk=chunks[0], score=5.0, rank=1), Passage(chunk=chunks[1], score=2.0, rank=2)]
    X = candidate_features("Hoe lang is de bewaartermijn van een dossier?", index, PassageTerms(index), fused,
                           dense, lexical, depth=50, max_fused=0.4)
    f = {name: X[:, j] for j, name in enumerate(FEATURES)}
    b, a = 0, 1
    assert f["rare"][a] > f["rare"][b] and f["cov"][a] > f["cov"][b] and f["sent"][a] > f["sent"][b]
    assert f["drank"][a] == pytest.approx(math.log(51)) and f["dense"][a] == pytest.approx(0.8 - 0.9)
    assert f["brank"][a] == 0.0 and f["bm25"][a] == 1.0 and f["bm25"][b] == pytest.approx(0.4)
    assert f["lrank"][b] == 0.0 and f["rrf"][b] == pytest.approx(0.75)


def test_reorder_by_score_keeps_fused_order_on_ties():
    chunks = [chunk(c, c) for c in "abc"]
    model = RerankModel(FEATURES, tuple(1.0 if f == "rare" else 0.0 for f in FEATURES), 20)
    X = np.zeros((3, len(FEATURES)))
    X[2, FEATURES.index("rare")] = 1.0
    out = reorder([(c, 0.0) for c in chunks], X, model)
    assert [c.id for c, _ in out] == ["c", "a", "b"]


def test_retriever_applies_the_model_to_hybrid_only(tmp_path):
    chunks = [chunk("lex", "beroepsgeheim van de huisarts"), chunk("den", "geheimhouding arts huisarts beroepsgeheim", era="wbp")]
    store = FakeDenseStore(chunks, dense_order=["den", "lex"])
    prefers_old = RerankModel(FEATURES, tuple(1.0 if f == "wbp" else 0.0 for f in FEATURES), 20)
    settings = Settings(data_dir=tmp_path)
    fused = [p.chunk.id for p in Retriever(settings, store, rerank=None).search("beroepsgeheim huisarts")]
    second = [p.chunk.id for p in Retriever(settings, store, rerank=prefers_old).search("beroepsgeheim huisarts")]
    assert second == ["den", "lex"] and fused != second
    dense_only = Retriever(settings, store, rerank=prefers_old).search("beroepsgeheim", mode="bm25")
    assert [p.chunk.id for p in dense_only] == ["lex", "den"]
    chunks_, X = Retriever(settings, store).rerank_candidates("beroepsgeheim huisarts")
    assert [c.id for c in chunks_] == fused and X.shape == (2, len(FEATURES))


@pytest.mark.slow
def test_model_file_is_what_the_fit_writes_on_this_index(real_settings):
    """`deelwijzer/rerank_model.json` must be the fit of the current code on the current index:
    after a change to the legs, fusion, chunking or the embedder this fails until
    `python -m bench.rerank_fit --write` is run again."""
    from bench.rerank_fit import collect, fit_coef

    coef = fit_coef(collect(real_settings))
    stored = RerankModel.load()
    # relative to each weight's effect (coef x sd): the features differ in scale by 1000x
    scale = np.vstack([q.X for q in collect(real_settings)]).std(axis=0)
    assert np.asarray(coef) * scale == pytest.approx(np.asarray(stored.coef) * scale, abs=5e-3)
