"""Fact extraction: the deterministic extractor, filtering through the fact dictionary, and the
language model's JSON (wired with LangChain's fake chat model)."""

from __future__ import annotations

import logging

from answer_fakes import FAKE_FACTS, fake_validate
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from deelwijzer.config import Settings
from deelwijzer.facts import extract, extract_deterministic, extract_with_llm, filter_facts, merge_facts, parse_json_facts

ACCEPTANCE = ("Ik ben wijkteammedewerker. Mag ik zonder toestemming een vermoeden van kindermishandeling "
              "melden bij Veilig Thuis?")


def test_acceptance_question_facts():
    facts = extract_deterministic(ACCEPTANCE)
    assert facts == {
        "rol": "zorg_hulpverlener",
        "toestemming": False,
        "vermoeden_kindermishandeling_huiselijk_geweld": True,
        "ontvanger": "veilig_thuis",
        "meldrecht": "veilig_thuis",
        "soort_hulpverlener": "overig",  # a wijkteam worker's secret (rules: derived from art. 8 EVRM ...)
    }


def test_only_clearly_stated_facts():
    assert extract_deterministic("Wat is het verschil tussen drang en dwang?") == {}
    facts = extract_deterministic("Een leerling van 14 jaar heeft toestemming gegeven om dit met het wijkteam te delen.")
    assert facts["toestemming"] is True
    assert facts["leeftijd_betrokkene"] == 14
    assert facts["ontvanger"] == "zorg_hulpverlener"


def test_anonymous_figures_are_not_personal_data():
    facts = extract_deterministic("Mag ik cijfers per wijk, zonder enige herleidbare informatie, aan de woningcorporatie geven?")
    assert facts["is_persoonsgegeven"] is False
    assert facts["ontvanger"] == "woningcorporatie"


def test_filter_drops_unknown_and_invalid_without_logging_question(caplog):
    secret = "Jan de Vries uit Utrecht"
    raw = {"rol": "zorg_hulpverlener", "verzonnen_feit": secret, "toestemming": "misschien", "ontvanger": "politie"}
    with caplog.at_level(logging.WARNING):
        kept = filter_facts(raw, FAKE_FACTS, fake_validate, "taalmodel")
    assert kept == {"rol": "zorg_hulpverlener", "ontvanger": "politie"}
    assert "verzonnen_feit" in caplog.text and "toestemming" in caplog.text
    assert secret not in caplog.text and "misschien" not in caplog.text


def test_parse_json_facts_tolerates_chatter():
    assert parse_json_facts('Hier: {"toestemming": false} klaar') == {"toestemming": False}
    assert parse_json_facts("geen json") == {}
    assert parse_json_facts("{kapot") == {}


def test_llm_facts_via_fake_chat_model():
    fake = FakeListChatModel(responses=['{"toestemming": true, "ontvanger": "veilig_thuis", "onzin": 1}'])
    raw = extract_with_llm("Mag ik melden?", fake, Settings(), FAKE_FACTS)
    assert filter_facts(raw, FAKE_FACTS, fake_validate) == {"toestemming": True, "ontvanger": "veilig_thuis"}


def test_precedence_explicit_over_deterministic_over_llm():
    llm = {"toestemming": True, "ontvanger": "politie"}
    deterministic = {"toestemming": False}
    explicit = {"ontvanger": "burgemeester"}
    assert merge_facts(llm, deterministic, explicit) == {"toestemming": False, "ontvanger": "burgemeester"}


def test_reporting_an_observed_weapon_to_the_police_is_aangifte():
    q = "Een leerling had een vuurwapen in zijn tas. Mag ik dat zonder toestemming van hem of zijn ouders aan de politie melden?"
    facts = extract_deterministic(q)
    assert "rol" not in facts and extract(q).assumed["rol"] == "onderwijs"  # implied by "een leerling": an assumption
    assert facts["strafbaar_feit"] == "geconstateerd" and facts["wil_aangifte_doen"] is True
    assert facts["ontvanger"] == "politie"


def test_llm_facts_against_the_real_fact_dictionary():
    from deelwijzer.answer import EngineRules

    rules = EngineRules(Settings())
    dictionary = rules.facts_dictionary()
    fake = FakeListChatModel(responses=['{"toestemming": true, "rol": ["x"], "ontvanger": {"a": 1}, "leeftijd_betrokkene": 14}'])
    raw = extract_with_llm("Mag ik?", fake, Settings(), dictionary)
    assert filter_facts(raw, dictionary, rules.validate) == {"toestemming": True, "leeftijd_betrokkene": 14}
