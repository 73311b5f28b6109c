"""The guard: citations resolve, the engine's verdict wins, unknown facts ask, refusals, Wbp."""

from __future__ import annotations

import re

import pytest

from deelwijzer.rules import load_rules
from answer_fakes import ASK_STRAFBAAR_FEIT, THREE_PASSAGES, make_verdict

from deelwijzer.guard import REFUSAL_TEXT, classify_claim, guard


def cited(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_citation_without_passage_is_dropped():
    g = guard("Volgens het handvat is melden mogelijk [9]. Het beroepsgeheim geldt altijd [2].",
              THREE_PASSAGES, None)
    assert "[9]" not in g.text
    assert [c.n for c in g.citations] == [2]
    assert g.citations[0].chunk_id == THREE_PASSAGES[1].chunk.id
    assert g.dropped_citations == (9,)


def test_grouped_citations_are_split_and_filtered():
    g = guard("Zie de passages [1, 7, 3].", THREE_PASSAGES, None)
    assert cited(g.text) <= {1, 2, 3}
    assert {c.n for c in g.citations} == {1, 3}


def test_every_citation_in_the_text_resolves():
    g = guard("A [1]. B [4]. C [0]. D [3].", THREE_PASSAGES, None)
    assert cited(g.text) <= {1, 2, 3}
    assert {c.n for c in g.citations} == cited(g.text) - {0}


@pytest.mark.parametrize(
    "claim, outcome",
    [
        ("Ja, dat mag: u mag de gegevens delen met Veilig Thuis [1].", "mag_niet_delen"),
        ("Nee, dat mag niet [1].", "mag_delen"),
        ("U mag de gegevens niet verstrekken aan Veilig Thuis [1].", "verplicht_delen"),
        ("U bent verplicht om dit te melden [1].", "mag_delen"),
    ],
)
def test_contradicting_claim_is_replaced_by_engine_verdict(claim, outcome):
    verdict = make_verdict(outcome)
    g = guard(claim + " Het beroepsgeheim geldt [2].", THREE_PASSAGES, verdict)
    assert claim.split(" [")[0] not in g.text
    assert g.removed_claims == 1
    assert "Oordeel van het stappenplan zorg" in g.text
    assert "Grondslag: art. 5.2.6 Wmo 2015" in g.text
    # The trace reads as step titles with the outcome in words, never as engine codes.
    assert f"Doorlopen stappen: Stap 1: Aangifte → Stap 2 ({load_rules().texts.outcome_short[outcome]})" in g.text
    assert "zorg.1" not in g.text and outcome not in g.text


def test_agreeing_claim_is_kept():
    g = guard("U mag de gegevens delen met Veilig Thuis [1].", THREE_PASSAGES, make_verdict("mag_delen"))
    assert g.removed_claims == 0
    assert "U mag de gegevens delen met Veilig Thuis [1]." in g.text


def test_unknown_facts_ask_next_question_and_give_no_yes_or_no():
    g = guard("Ja, u mag dit melden [1]. Nee, dat mag niet.", THREE_PASSAGES, ASK_STRAFBAAR_FEIT)
    body = g.text.split("Voor een oordeel volgens het stappenplan")[0]
    assert classify_claim(body) is None
    assert "U mag de gegevens" not in g.text


def test_without_a_verdict_the_text_carries_one_line_with_the_next_question():
    """Round 3 of issue 13: no option list, step or disclaimer in the prose; the panel has those."""
    g = guard("Het beroepsgeheim geldt [1].", THREE_PASSAGES, ASK_STRAFBAAR_FEIT, step_n=2)
    assert g.verdict_text == "Voor een oordeel volgens het stappenplan zorg: Is er een strafbaar feit gepleegd?"
    assert g.text.endswith(g.verdict_text) and "\n" not in g.verdict_text
    assert "Mogelijke antwoorden" not in g.text and "Bij stap" not in g.text and "[2]" not in g.text
    unknown = guard("Het beroepsgeheim geldt [1].", THREE_PASSAGES, ASK_STRAFBAAR_FEIT, role_unknown=True)
    assert "is uw rol nodig" in unknown.text


def test_a_verdict_is_always_shown_in_full_with_its_step():
    g = guard("Het beroepsgeheim geldt [1].", THREE_PASSAGES, make_verdict("mag_niet_delen"), step_n=2)
    assert g.verdict_text.startswith("Oordeel van het stappenplan") and "[2]" in g.verdict_text


def test_no_verdict_means_no_yes_or_no_either():
    g = guard("Ja, dat mag [1].", THREE_PASSAGES, None)
    assert "Ja, dat mag" not in g.text


def test_nothing_relevant_is_a_refusal():
    g = guard("Ja, dat mag volgens de AVG.", THREE_PASSAGES, make_verdict("mag_delen"), relevant=False)
    assert g.refused and g.text == REFUSAL_TEXT and g.citations == ()
    assert guard("iets", [], None).refused


def test_pre_avg_passage_is_marked():
    g = guard("Een grondslag is nodig [3].", THREE_PASSAGES, None)
    assert g.citations[0].pre_avg is True
    assert "Let op: [3] is gebaseerd op de Wbp, vóór de AVG." in g.text


def test_draft_without_citations_gets_its_top_passages():
    g = guard("Het beroepsgeheim is belangrijk.", THREE_PASSAGES, None)
    assert [c.n for c in g.citations] == [1, 2]


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("U mag de gegevens delen.", "positive"),
        ("Ja, dat mag.", "positive"),
        ("Dat mag niet.", "negative"),
        ("U mag de politiegegevens niet delen.", "negative"),
        ("Nee.", "negative"),
        ("U bent verplicht de gegevens te verstrekken.", "obligation"),
        ("Het beroepsgeheim ontstaat door de aard van de relatie.", None),
        ("De politie verstrekt gegevens op grond van artikel 16 Wpg.", None),
    ],
)
def test_classify_claim(sentence, kind):
    assert classify_claim(sentence) == kind


def test_a_question_about_the_rules_gets_a_pointer_not_the_next_question():
    """Issue 13: with no verdict yet, the engine's next question is noise under a question about the
    rules in general; one line points to the stappenplan. A verdict is always shown."""
    g = guard("Het OM beslist zelf [1].", THREE_PASSAGES, ASK_STRAFBAAR_FEIT, about_rules=True)
    assert "Volgende vraag" not in g.text and not g.verdict_text
    assert "Doorloop dan het stappenplan" in g.text
    decided = guard("Het OM beslist zelf [1].", THREE_PASSAGES, make_verdict("mag_niet_delen"), about_rules=True)
    assert decided.verdict_text and decided.verdict_text in decided.text
