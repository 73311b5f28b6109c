"""Follow-up questions (issue 13): read in the context of the earlier user turns, for retrieval
and facts; a new value replaces the old one; `ask` takes the history."""

from __future__ import annotations

import pytest
from answer_fakes import FakeRetriever, FakeRules, FakeServices, make_verdict

from deelwijzer.answer import ask
from deelwijzer.config import Settings
from deelwijzer.conversation import contextualize, is_followup, user_turns



@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path)


FIRST = "Ik ben leerkracht. Mag ik zonder toestemming gegevens van een leerling van 14 delen met de jeugdarts?"


def test_elliptic_followup_takes_the_new_age_in_the_earlier_question():
    ctx = contextualize("En als de leerling 17 is?", [FIRST])
    assert ctx.is_followup
    assert ctx.query == FIRST.replace("14", "17")
    assert ctx.previous == FIRST


@pytest.mark.parametrize("q", ["En als de leerling 17 is?", "En met Veilig Thuis?", "Wat als er geen toestemming is?",
                               "Geldt dat ook voor de huisarts?", "Maar als de ouders weigeren?"])
def test_followups_are_recognised(q):
    assert is_followup(q)


@pytest.mark.parametrize("q", [FIRST, "Wat is een conflict van plichten?",
                               "Mag de politie gegevens verstrekken aan de burgemeester?"])
def test_standalone_questions_are_not_followups(q):
    assert not is_followup(q)
    assert contextualize(q, ["Een eerdere vraag over iets anders?"]).query == q


def test_without_history_nothing_changes():
    assert contextualize("En als de leerling 17 is?", None).query == "En als de leerling 17 is?"


def test_history_accepts_chat_messages_and_ignores_assistant_turns():
    history = [{"role": "user", "content": FIRST}, {"role": "assistant", "content": "Kort antwoord: leerling van 12"}]
    assert user_turns(history) == [FIRST]
    assert contextualize("En als de leerling 17 is?", history).query.endswith("van 17 delen met de jeugdarts?")


def test_chained_followups_keep_the_latest_value():
    ctx = contextualize("En met de politie?", [FIRST, "En als de leerling 17 is?"])
    assert "van 17" in ctx.previous and ctx.query.startswith(ctx.previous)


def test_without_a_single_age_the_texts_are_joined():
    ctx = contextualize("En met de politie?", ["Mag ik als huisarts gegevens delen met Veilig Thuis?"])
    assert ctx.query == "Mag ik als huisarts gegevens delen met Veilig Thuis? En met de politie?"


def test_ask_retrieves_and_extracts_facts_in_the_conversations_context(settings):
    rules = FakeRules(verdict=make_verdict("mag_niet_delen"))
    retriever = FakeRetriever()
    first = "Ik ben huisarts. Mag ik zonder toestemming gegevens delen met Veilig Thuis?"
    answer = ask("En met de politie?", settings, services=FakeServices(retriever=retriever, rules=rules), history=[first])
    # Retrieval saw the standalone question, not the bare follow-up.
    assert retriever.queries[-1].startswith(first)
    # The earlier facts stay (no consent), the recipient is replaced by the new one.
    assert answer.facts.get("toestemming") is False
    assert answer.facts.get("ontvanger") == "politie"
    assert "Gelezen als vervolgvraag" in answer.answer
    # The JSON contract is unchanged.
    assert {"answer", "refused", "citations", "verdict"} <= set(answer.to_dict())


def test_ask_without_history_is_unchanged(settings):
    retriever = FakeRetriever()
    ask("En met de politie?", settings, services=FakeServices(retriever=retriever, rules=FakeRules()))
    assert retriever.queries[-1] == "En met de politie?"


def test_restated_facts_names_the_replaced_age():
    from deelwijzer.conversation import restated_facts
    from deelwijzer.facts import extract_deterministic

    assert "leeftijd_betrokkene" in restated_facts("En als de leerling 17 is?", [FIRST], extract_deterministic)
    assert "rol" not in restated_facts("En als de leerling 17 is?", [FIRST], extract_deterministic)
    assert "rol" in restated_facts(FIRST, [], extract_deterministic)


def test_followup_to_an_answerable_question_is_not_refused(settings):
    from answer_fakes import THREE_PASSAGES

    from deelwijzer.answer import Retrieved

    first = "Ik ben zorgverlener. De politie vraagt mij om informatie over een cliënt. Wat mag ik zeggen?"

    def retrieve(query):
        # The standalone earlier question is in the handvatten; the joined text scores too low.
        return Retrieved(list(THREE_PASSAGES), query == first, "fake")

    answer = ask("En als de politie zegt dat het dringend is?", settings,
                 services=FakeServices(retriever=retrieve, rules=FakeRules()),
                 history=[first])
    assert not answer.refused


def test_followup_to_an_unanswerable_question_is_still_refused(settings):
    answer = ask("En als het dringend is?", settings,
                 services=FakeServices(retriever=FakeRetriever(relevant=False), rules=FakeRules()),
                 history=["Hoeveel huurtoeslag krijg ik?"])
    assert answer.refused
