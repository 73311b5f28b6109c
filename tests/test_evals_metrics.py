"""Metric math on hand-made examples (values worked out by hand in the comments)."""

import math

import pytest

from evals import metrics as M


def test_collapse_and_contains_ignore_line_breaks():
    assert M.collapse("  een\n  zin\t met   ruimte ") == "een zin met ruimte"
    assert M.contains("de  betrokkene\nvooraf te vertellen", "betrokkene vooraf")
    assert not M.contains("betrokkene", "vooraf")


def test_reciprocal_rank():
    assert M.reciprocal_rank([0, 0, 1, 1]) == pytest.approx(1 / 3)
    assert M.reciprocal_rank([0.5]) == 1.0
    assert M.reciprocal_rank([0, 0]) == 0.0


def test_ndcg_binary_single_relevant_at_rank_3():
    # DCG = 1/log2(4) = 0.5; ideal DCG = 1/log2(2) = 1 -> 0.5
    assert M.ndcg_at_k([0, 0, 1], [1.0], k=10) == pytest.approx(0.5)


def test_ndcg_counts_relevant_items_that_were_not_retrieved():
    # Two relevant items exist, one retrieved at rank 1: DCG = 1, IDCG = 1 + 1/log2(3)
    expected = 1 / (1 + 1 / math.log2(3))
    assert M.ndcg_at_k([1, 0, 0], [1.0, 1.0], k=10) == pytest.approx(expected)


def test_ndcg_graded_and_cut_at_k():
    # gains 0.5 at rank 1, 1.0 at rank 2; ideal order 1.0, 0.5
    dcg = 0.5 + 1.0 / math.log2(3)
    idcg = 1.0 + 0.5 / math.log2(3)
    assert M.ndcg_at_k([0.5, 1.0], [0.5, 1.0]) == pytest.approx(dcg / idcg)
    assert M.ndcg_at_k([0, 1], [1.0], k=1) == 0.0
    assert M.ndcg_at_k([1], [], k=10) == 0.0


def test_percentile_interpolates_like_numpy():
    xs = [10, 20, 30, 40]
    assert M.percentile(xs, 50) == pytest.approx(25)
    assert M.percentile(xs, 95) == pytest.approx(38.5)  # pos = 3*0.95 = 2.85 -> 30 + 0.85*10
    assert M.percentile([7], 95) == 7
    assert M.percentile([], 50) is None


def test_mean_of_nothing_is_none():
    assert M.mean([]) is None
    assert M.mean([1, 0, 1, 0]) == 0.5


def test_confusion_matrix_counts_and_appends_unknown_labels():
    cm = M.confusion_matrix(
        [("mag_delen", "mag_delen"), ("mag_delen", "mag_niet_delen"), ("mag_niet_delen", "geen_oordeel")],
        ["mag_delen", "mag_niet_delen"],
    )
    assert cm["mag_delen"] == {"mag_delen": 1, "mag_niet_delen": 1, "geen_oordeel": 0}
    assert cm["mag_niet_delen"]["geen_oordeel"] == 1
    assert sum(v for row in cm.values() for v in row.values()) == 3


def test_key_fact_overlap_is_recall_of_reference_content_words():
    ref = "Toestemming is geen geldige grondslag bij drang."
    # content words: toestemming, geldige, grondslag, drang (geen/is/bij are stop words)
    assert M.content_tokens(ref) == {"toestemming", "geldige", "grondslag", "drang"}
    assert M.key_fact_overlap(ref, "Bij drang is toestemming niet vrij.") == pytest.approx(0.5)
    assert M.key_fact_overlap(ref, ref.upper()) == 1.0
    assert M.key_fact_overlap("", "iets") is None
