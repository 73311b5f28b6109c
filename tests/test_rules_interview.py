"""Interview order (issue 15, round 2): a fact answered "weet ik niet" ("onbekend") stays unknown, but
the engine then asks another open fact first (a later ground of the same step), instead of ending the
interview on the first ground. It never decides on a declined fact, so no verdict becomes more permissive."""

from __future__ import annotations

import pytest

from deelwijzer.rules import evaluate, load_rules, questions_for
from deelwijzer.rules.cases import load_cases
from deelwijzer.rules.engine import PERMISSIVENESS
from deelwijzer.rules.facts import declined_facts
from deelwijzer.rules.loader import default_rules_dir
from deelwijzer.rules.logic import DECLINED, first_missing
from deelwijzer.rules.session import answer

RULES = load_rules()
# The held-out rule cases are a frozen split: not used here.
CASES = [c for c in load_cases(default_rules_dir() / "cases") if c.file != "heldout_cases.yaml"]
ZORG_POLITIE = {"rol": "zorg_hulpverlener", "ontvanger": "politie", "strafbaar_feit": "geen"}


def test_first_missing_prefers_an_undeclined_fact_and_falls_back_to_the_first():
    assert first_missing(["a", "b"]) == "a"
    token = DECLINED.set(frozenset({"a"}))
    try:
        assert first_missing(["a", "b"]) == "b"
        assert first_missing([None, "a"]) == "a"  # all declined: the first open one, as before
    finally:
        DECLINED.reset(token)


def test_declined_facts_are_explicit_unknown_answers_only():
    facts = {"toestemming": "onbekend", "gewetensnood": "Weet ik niet", "subsidiair": None, "plan": "zorg",
             "wettelijke_plicht": True}
    assert declined_facts(facts) == {"toestemming", "gewetensnood"}


def test_weet_ik_niet_on_the_first_ground_asks_a_later_ground():
    v = evaluate(RULES, ZORG_POLITIE)
    assert v.vraag.fact == "toestemming"
    facts = answer(RULES, ZORG_POLITIE, "toestemming", "weet ik niet")
    assert facts["toestemming"] == "onbekend"
    state = questions_for(RULES, facts)
    assert state.vraag is not None and state.vraag.fact != "toestemming"
    assert "toestemming" not in state.known  # still unknown: never decided on


def test_after_weet_ik_niet_on_consent_the_next_ground_comes_before_the_facets_of_consent():
    facts = answer(RULES, ZORG_POLITIE, "toestemming", "weet ik niet")
    nxt = questions_for(RULES, facts).vraag.fact
    assert nxt not in {"toestemming_uitdrukkelijk", "toestemming_vrij", "toestemming_geinformeerd"}


def test_a_later_ground_decides_as_the_engine_does_with_the_first_ground_false():
    """With toestemming unknown and a statutory duty, the verdict is the one the engine gives when
    consent is absent (the duty is a ground of its own), not a guess about consent."""
    facts = dict(ZORG_POLITIE, toestemming="onbekend")
    asked = []
    script = {"toestemming_uitdrukkelijk": "onbekend", "toestemming_vrij": "onbekend",
              "toestemming_geinformeerd": "onbekend", "gewetensnood": "onbekend",
              "ernstige_schade_waarschijnlijk": "onbekend", "toestemming_gevraagd_of_onveilig": "onbekend",
              "gevaar_wordt_afgewend": "onbekend", "subsidiair": "onbekend", "is_proportioneel": "onbekend",
              "wettelijke_plicht": True}
    for _ in range(20):
        state = questions_for(RULES, facts)
        if state.done or state.vraag.fact in facts:
            break
        asked.append(state.vraag.fact)
        facts = answer(RULES, facts, state.vraag.fact, script.get(state.vraag.fact, "onbekend"))
    assert "wettelijke_plicht" in asked
    known = {k: v for k, v in facts.items() if v != "onbekend"}
    with_consent_absent = evaluate(RULES, dict(known, toestemming=False))
    assert state.verdict.outcome == with_consent_absent.outcome
    assert PERMISSIVENESS[state.verdict.outcome] <= PERMISSIVENESS[with_consent_absent.outcome]


def test_every_open_fact_declined_ends_on_the_same_question_as_without_answers():
    v = evaluate(RULES, ZORG_POLITIE)
    facts = dict(ZORG_POLITIE)
    for _ in range(20):
        state = questions_for(RULES, facts)
        if state.done or state.vraag.fact in facts:
            break
        facts = answer(RULES, facts, state.vraag.fact, "onbekend")
    assert state.verdict.outcome == "meer_informatie_nodig"
    assert state.vraag.fact == v.vraag.fact


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_declining_a_fact_equals_leaving_it_out(case):
    """For every rule case and each of its facts: answering it "onbekend" gives the same outcome (and
    deciding step) as leaving it out; only which open question is asked next may differ."""
    for name in [k for k in case.facts if k not in ("rol", "plan")]:
        rest = {k: v for k, v in case.facts.items() if k != name}
        try:
            without = evaluate(RULES, rest, case.plan)
        except Exception:  # a fact another fact requires (e.g. a plan-specific value): not a case here
            continue
        declined = evaluate(RULES, dict(rest, **{name: "onbekend"}), case.plan)
        assert declined.outcome == without.outcome, (case.id, name)
        if without.outcome != "meer_informatie_nodig":
            assert declined.beslissende_stap == without.beslissende_stap, (case.id, name)
        assert declined.voorlopig == without.voorlopig, (case.id, name)


def test_when_every_open_question_is_declined_an_engaged_overlay_is_asked_next():
    """Round 3: a user who does not know the necessity tests of gemeenten is next asked what the
    bijzondere-gegevens check needs (it is engaged: the data are health data); its answer can settle a
    prohibition whatever the declined facts are. Outcome and step stay those without the declines."""
    base = {"rol": "gemeente_openbare_orde", "ontvanger": "politie", "is_persoonsgegeven": True,
            "herkomst_gegevens": "eigen", "bijzonder_persoonsgegeven": True, "toestemming": False}
    facts = dict(base)
    asked = []
    for _ in range(8):
        v = evaluate(RULES, facts)
        if v.outcome != "meer_informatie_nodig" or v.vraag.fact in facts:
            break
        asked.append(v.vraag.fact)
        without = evaluate(RULES, {k: x for k, x in facts.items() if x != "onbekend"})
        assert (v.outcome, v.beslissende_stap) == (without.outcome, without.beslissende_stap)
        facts = answer(RULES, facts, v.vraag.fact, "onbekend")
    overlay = [f for f in asked if f in ("toestemming_uitdrukkelijk", "uitzondering_bijzonder")]
    assert overlay, asked
    # answering the overlay's questions settles the prohibition although the necessity stays unknown
    settled = {**facts, "toestemming_uitdrukkelijk": False, "uitzondering_bijzonder": "geen"}
    assert evaluate(RULES, settled).outcome == "mag_niet_delen"
    # while its opening question is open the overlay is not engaged: the interview ends on the declined fact
    plain = {k: v for k, v in facts.items() if k not in overlay and k != "bijzonder_persoonsgegeven"}
    v = evaluate(RULES, plain)
    assert v.outcome == "meer_informatie_nodig" and v.vraag.fact in declined_facts(plain)
