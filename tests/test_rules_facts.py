"""validate_facts: normalisation, and clear errors instead of verdicts on garbage."""

from __future__ import annotations

import pytest

from deelwijzer.rules import FactError, evaluate, load_rules, questions_for, validate_facts
from deelwijzer.rules.session import answer

RULES = load_rules()


def test_normalises_dutch_booleans_enums_and_ints():
    out = validate_facts(
        RULES,
        {"rol": "Bevoegde autoriteit", "is_persoonsgegeven": "ja", "bewaartermijn_verstreken": "NEE",
         "wpg_artikel": "9", "leeftijd_betrokkene": "14", "subsidiair": True, "toestemming": "onbekend"},
    )
    assert out == {"rol": "bevoegde_autoriteit", "is_persoonsgegeven": True, "bewaartermijn_verstreken": False,
                   "wpg_artikel": 9, "leeftijd_betrokkene": 14, "subsidiair": True}


def test_unknown_name_lists_suggestion_and_valid_names():
    with pytest.raises(FactError) as exc:
        validate_facts(RULES, {"ontvangr": "halt"})
    msg = str(exc.value)
    assert "ontvangr" in msg and "Bedoelt u: ontvanger" in msg and "is_noodzakelijk" in msg


def test_invalid_enum_value_lists_valid_values():
    with pytest.raises(FactError) as exc:
        validate_facts(RULES, {"wpg_artikel": 11})
    assert "8, 9, 10, 13" in str(exc.value)


def test_invalid_bool_and_int():
    with pytest.raises(FactError) as exc:
        validate_facts(RULES, {"is_noodzakelijk": "misschien", "leeftijd_betrokkene": "oud"})
    assert len(exc.value.problems) == 2


def test_all_problems_reported_at_once():
    with pytest.raises(FactError) as exc:
        validate_facts(RULES, {"foo": 1, "bar": 2})
    assert len(exc.value.problems) == 2


def test_plan_specific_values():
    with pytest.raises(FactError, match="stappenplan zorg"):
        evaluate(RULES, {"rol": "zorg_hulpverlener", "strafbaar_feit": "geconstateerd"})
    # but geconstateerd is fine for a school
    assert evaluate(RULES, {"rol": "onderwijs", "strafbaar_feit": "geconstateerd"}).outcome == "meer_informatie_nodig"


def test_fixed_value_of_plan():
    with pytest.raises(FactError, match="beroepsgeheim"):
        evaluate(RULES, {"rol": "zorg_hulpverlener", "beroepsgeheim": False})


def test_user_derived_fact_contradicting_own_inputs_is_refused():
    with pytest.raises(FactError, match="toestemming_geldig"):
        evaluate(RULES, {"rol": "zorg_hulpverlener", "toestemming": True, "toestemming_vrij": False,
                         "toestemming_geinformeerd": True, "toestemming_geldig": True})
    with pytest.raises(FactError, match="werkt_bij_bevoegde_autoriteit"):
        evaluate(RULES, {"rol": "bevoegde_autoriteit", "werkt_bij_bevoegde_autoriteit": False})


def test_user_derived_fact_accepted_when_inputs_open():
    """The chat layer may ask the summary question instead of the sub-questions (docs/rules.md)."""
    v = evaluate(RULES, {"rol": "zorg_hulpverlener", "strafbaar_feit": "geen", "ontvanger": "politie",
                         "toestemming": False, "meldrecht": "geen", "conflict_van_plichten": True,
                         "gegevens_minimaal": True, "is_effectief": True, "is_proportioneel": True, "subsidiair": True})
    assert v.outcome == "mag_delen"


def test_plan_argument_conflicting_with_plan_fact():
    with pytest.raises(FactError, match="spreekt"):
        evaluate(RULES, {"plan": "zorg"}, plan="politie")


def test_unknown_plan():
    with pytest.raises(FactError, match="onbekend stappenplan"):
        evaluate(RULES, {}, plan="belastingdienst")


def test_questions_for_and_answer_drive_a_session():
    facts: dict = {"rol": "gemeente_openbare_orde"}
    asked = []
    # The origin of the data (Geheimhoudingsplicht) is asked, not defaulted (issue 11).
    script = {"is_persoonsgegeven": "ja", "ontvanger": "politie", "is_noodzakelijk": "ja",
              "is_proportioneel": "ja", "subsidiair": "ja", "voldoet_avg_beginselen": "ja", "bijzonder_persoonsgegeven": "nee",
              "strafrechtelijk_persoonsgegeven": "nee", "herkomst_gegevens": "eigen"}
    for _ in range(20):
        state = questions_for(RULES, facts)
        if state.done:
            break
        asked.append(state.vraag.fact)
        facts = answer(RULES, facts, state.vraag.fact, script[state.vraag.fact])
    assert state.verdict.outcome == "mag_delen"
    assert asked == list(script)
    assert state.known == facts


def test_question_texts_are_per_plan_where_the_meaning_differs():
    """Issue 11: in zorg the police is not who decides about a beroepsgeheim, so the zorg help of
    `wettelijke_plicht` must not offer 'een bevel van de politie' as an example (that is onderwijs)."""
    zorg = RULES.question("wettelijke_plicht", "zorg")
    onderwijs = RULES.question("wettelijke_plicht", "onderwijs")
    assert "bevel van de politie" not in zorg.help and "niet aan de politie of officier van justitie" in zorg.help
    assert "bevel van de politie" in onderwijs.help
    assert "bevel" not in RULES.question("wettelijke_plicht").help


def test_no_default_for_a_fact_the_handreiking_asks():
    """Issue 11: no global default for these; a plan may only default a fact where the source
    itself states it, and then every such default names its assumption in the verdict."""
    for name in ("wil_aangifte_doen", "herkomst_gegevens", "doel_binnen_strafrechtspleging", "beroepsgeheim"):
        assert RULES.facts[name].default is None, name
    for plan in RULES.plans.values():
        assert set(plan.defaults) == set(plan.default_notes), plan.id
        assert all(key in RULES.ambiguities for key in plan.default_notes.values())
    assert "herkomst_gegevens" not in RULES.plans["gemeenten"].defaults  # asked: Wpg/Wjsg data stay secret
