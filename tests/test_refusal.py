"""The refusal model (deelwijzer/refusal.py) and the file it loads, written by `bench.refusal_fit`."""

from __future__ import annotations

import json

import pytest

from deelwijzer.bm25 import BM25Index
from deelwijzer.refusal import (MODEL_PATH, RefusalModel, names_a_stappenplan_party, outside_party, refusal_model,
                                refuse_sharing_decision)
from tests.test_bm25 import make_chunk


def test_model_file_is_well_formed_and_names_known_features():
    model = RefusalModel.load()
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert raw["fit"]["command"] == "python -m bench.refusal_fit --write"
    assert all(s > 0 for s in model.scale)
    known = {"coverage", "dense_margin", "dense_top", "unknown_share", "max_missing_idf", "bm25_norm",
             "leg_agreement"}
    assert set(model.features) <= known, set(model.features) - known
    # a sharing decision is refused on stronger evidence than any other question
    assert model.refuse_sharing_below <= model.refuse_below


def test_a_sharing_decision_is_refused_only_when_both_signals_say_so():
    thr = refusal_model().refuse_sharing_below
    assert not names_a_stappenplan_party({"toestemming": False, "is_persoonsgegeven": True})
    assert names_a_stappenplan_party({"rol": "onderwijs"}) and names_a_stappenplan_party({"ontvanger": "politie"})
    assert refuse_sharing_decision(thr - 0.1, {"toestemming": False})
    assert not refuse_sharing_decision(thr + 0.1, {"toestemming": False})  # weak lexical evidence only
    assert not refuse_sharing_decision(thr - 0.1, {"ontvanger": "veilig_thuis"})  # a party the plans know
    assert not refuse_sharing_decision(None, {})  # nothing assessed


def test_an_asker_or_giver_the_handvatten_never_name_takes_the_ordinary_threshold():
    model = refusal_model()
    between = (model.refuse_below + model.refuse_sharing_below) / 2
    # a recipient the plans know no longer shields a question whose giver they never name
    assert refuse_sharing_decision(between, {"ontvanger": "veilig_thuis"}, party="bank")
    assert not refuse_sharing_decision(between, {"ontvanger": "veilig_thuis"})
    assert not refuse_sharing_decision(model.refuse_below + 0.1, {}, party="bank")  # the score still decides


@pytest.fixture(scope="module")
def small_index() -> BM25Index:
    return BM25Index([
        make_chunk("a", "De politie mag gegevens verstrekken aan Veilig Thuis als de wet dat toestaat."),
        make_chunk("b", "De gemeente deelt gegevens met het wijkteam en met de school van de leerling."),
        make_chunk("c", "Ouders en de jeugdhulp worden geïnformeerd over de melding bij de gemeente."),
    ])


@pytest.mark.parametrize("question, party", [
    ("Mag de bank dit melden bij Veilig Thuis?", "bank"),  # giver: subject of the modal
    ("De brandweer vraagt de gemeente om een lijst. Mag de gemeente die geven?", "brandweer"),  # asker
    ("Mag de politie dit melden bij de school?", None),  # a party the corpus names
    ("De Belgische jeugdhulp vraagt ons om het dossier.", None),  # an unknown adjective, a known noun
    ("De vader vraagt inzage. Mag ik dat geven?", None),  # a private person, not a party of the plans
    ("Een agent wil weten of hij hier woont. Mag ik dat zeggen?", None),  # a role the routing maps
    ("De trainer wil het weten. Mag ik de trainer informeren?", None),  # a recipient the extractor maps
    ("Mag ik dit zonder toestemming doorgeven?", None),  # no party named in those places
])
def test_outside_party_reads_the_asking_and_giving_places(small_index, question, party):
    assert outside_party(question, small_index) == party


def test_score_moves_with_the_evidence():
    """More of the question covered by one passage never lowers the score (coverage has a positive
    coefficient), more words the corpus never uses never raise it."""
    model = refusal_model()
    mid = dict(zip(model.features, model.mean))
    more_covered = dict(mid, coverage=mid["coverage"] + 0.2)
    more_unknown = dict(mid, unknown_share=mid["unknown_share"] + 0.2)
    assert model.score(more_covered) > model.score(mid) > model.score(more_unknown)


def test_a_malformed_model_file_is_refused(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"features": ["coverage"], "mean": [0.1, 0.2], "scale": [1], "coef": [1],
                                "intercept": 0, "refuse_below": 0}), encoding="utf-8")
    with pytest.raises(ValueError):
        RefusalModel.load(path)


@pytest.mark.slow
def test_model_file_is_what_the_fit_writes_on_this_index(real_settings):
    """`deelwijzer/refusal_model.json` must be the fit of the current code on the current index:
    after a change to ranking, chunking or the embedder this fails until
    `python -m bench.refusal_fit --write` is run again."""
    from bench.refusal_fit import collect, fit

    fitted = fit(collect(real_settings)).model
    stored = RefusalModel.load()
    assert fitted.features == stored.features
    for name in ("mean", "scale", "coef"):
        assert getattr(fitted, name) == pytest.approx(getattr(stored, name), abs=2e-3), name
    assert fitted.intercept == pytest.approx(stored.intercept, abs=2e-3)
    assert fitted.refuse_below == pytest.approx(stored.refuse_below, abs=2e-3)
    assert fitted.refuse_sharing_below == pytest.approx(stored.refuse_sharing_below, abs=2e-3)
