"""The language-model mode (issue 13, item 3): the model writes from exactly the sections the
extractive composer selected, and a reply without text of its own, or with sentences the shown
passages do not carry, falls back to the extractive answer with a note. Wiring tests with a named
fake chat model that records every prompt it is sent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from answer_fakes import ASK_STRAFBAAR_FEIT, FakeRetriever, FakeRules, FakeServices, make_passage
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import Field

from deelwijzer.answer import MODEL_FALLBACK_NOTE, MODEL_UNSUPPORTED_NOTE, ask
from deelwijzer.compose import select
from deelwijzer.config import Settings
from deelwijzer.faithful import keep_supported

QUESTION = "Wat is het meldrecht bij Veilig Thuis bij een vermoeden van kindermishandeling?"
NOISE = make_passage(1, "Een wapen in de klas is een zaak voor de politie en de schoolleiding samen. "
                        "De school bewaart het incidentenregister vijf jaar.")
RULE = make_passage(2, "Bij een vermoeden van kindermishandeling mag u zonder toestemming melden bij Veilig Thuis. "
                       "Dit meldrecht geldt ook voor leerkrachten.", heading=("Meldrecht", "Veilig Thuis"))
OTHER = make_passage(3, "Het archief van de gemeente wordt elk jaar opgeschoond volgens de selectielijst.")
PASSAGES = [NOISE, RULE, OTHER]


class RecordingChatModel(FakeListChatModel):
    """A fake chat model that answers from a list and keeps every prompt it was sent."""

    prompts: list[Any] = Field(default_factory=list)

    def _call(self, messages, stop=None, run_manager=None, **kwargs):
        self.prompts.append(messages)
        return super()._call(messages, stop, run_manager, **kwargs)

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.prompts.append(messages)
        yield from super()._stream(messages, stop, run_manager, **kwargs)

    def answer_prompt(self) -> str:
        """The user message of the answer prompt (the one that lists the passages)."""
        texts = [m[-1].content for m in self.prompts if "Passages" in m[-1].content]
        assert len(texts) == 1
        return texts[0]


@pytest.fixture(params=["local", "none"])
def settings(request, tmp_path) -> Settings:
    # "none" with an injected model is the server path (the general prompt, streamed).
    return Settings(data_dir=tmp_path, llm_provider=request.param)


def _ask(settings: Settings, reply: str, passages=PASSAGES):
    model = RecordingChatModel(responses=[reply])
    services = FakeServices(retriever=FakeRetriever(passages=passages), rules=FakeRules(verdict=ASK_STRAFBAAR_FEIT),
                            chunks=[p.chunk for p in passages])
    return ask(QUESTION, settings, llm=model, services=services), model


def test_prompt_carries_exactly_the_sections_the_composer_selected(settings):
    selected = [n for n, _, _ in select(QUESTION, PASSAGES)]
    assert selected and 1 not in selected  # the fixture has a section that answers and noise that does not
    answer, model = _ask(settings, "Bij een vermoeden van kindermishandeling geldt een meldrecht bij Veilig Thuis, "
                                   "ook voor leerkrachten [2].")
    prompt = model.answer_prompt()
    block = prompt.split("Passages", 1)[1]
    shown = [int(n) for n in re.findall(r"^\[(\d+)\]", block, flags=re.MULTILINE)]
    assert shown == list(dict.fromkeys(selected))
    assert "wapen in de klas" not in prompt and "archief van de gemeente" not in prompt
    assert "zonder toestemming melden bij Veilig Thuis" in prompt
    assert MODEL_FALLBACK_NOTE not in answer.answer
    assert "geldt een meldrecht bij Veilig Thuis, ook voor leerkrachten [2]" in answer.answer


def test_a_reply_the_guard_cuts_to_nothing_falls_back(settings):
    # Without an engine verdict a yes/no claim is removed by the guard; what remains must not be empty.
    answer, _ = _ask(settings, "Ja, u mag zonder toestemming melden bij Veilig Thuis bij kindermishandeling [2].")
    assert answer.answer.startswith(MODEL_FALLBACK_NOTE)
    assert "zonder toestemming melden bij Veilig Thuis. [2]" in answer.answer


@pytest.mark.parametrize("reply", ["", "[1]", " [2] [1] ", "Antwoord: [2]."])
def test_a_reply_without_text_of_its_own_falls_back_to_the_extractive_answer(settings, reply):
    answer, _ = _ask(settings, reply)
    assert answer.answer.startswith(MODEL_FALLBACK_NOTE)
    assert "zonder toestemming melden bij Veilig Thuis. [2]" in answer.answer  # the composer's quote
    assert [c.n for c in answer.citations][:1] == [2]


def test_a_flipped_rule_is_not_shown(settings):
    # Nearly every word is in the passage, but "niet" reverses it: dropped; nothing left -> fallback.
    answer, _ = _ask(settings, "U mag niet zonder toestemming melden bij Veilig Thuis bij kindermishandeling [2].")
    assert "mag niet zonder toestemming" not in answer.answer.casefold()
    assert answer.answer.startswith(MODEL_FALLBACK_NOTE)


def test_an_unsupported_sentence_is_dropped_with_a_note(settings):
    reply = ("Dit meldrecht geldt ook voor leerkrachten bij kindermishandeling [2]. "
             "De huisarts moet de ouders altijd vooraf schriftelijk informeren [2].")
    answer, _ = _ask(settings, reply)
    assert "meldrecht geldt ook voor leerkrachten" in answer.answer
    assert "huisarts" not in answer.answer
    assert MODEL_UNSUPPORTED_NOTE in answer.answer and MODEL_FALLBACK_NOTE not in answer.answer


def test_keep_supported_drops_echoes_and_bare_markers():
    sources = {2: RULE.chunk.text}
    text, dropped = keep_supported(f"{QUESTION} [2]\n[1]\nDit meldrecht geldt ook voor leerkrachten [2].", sources)
    assert text == "Dit meldrecht geldt ook voor leerkrachten [2]."
    assert dropped == 0  # the echoed question and a bare marker state nothing: dropped, not counted


def test_keep_supported_drops_the_question_and_the_prompt_repeated():
    # What the 0.5B model wrote on the dev sample: the question without its "?", the prompt's labels
    # and a heading path copied from the passage block.
    sources = {2: RULE.chunk.text}
    draft = ("Vraag: Wat is het meldrecht bij Veilig Thuis?\n"
             "Antwoord: Wat is het meldrecht bij Veilig Thuis bij een vermoeden van kindermishandeling [2].\n"
             "[2] Meldrecht › Veilig Thuis\n"
             "Antwoord: Dit meldrecht geldt ook voor leerkrachten [2].")
    text, dropped = keep_supported(draft, sources, question=QUESTION)
    assert text == "Dit meldrecht geldt ook voor leerkrachten [2]."
    assert dropped == 0


def test_keep_supported_cites_a_copied_sentence_and_drops_a_cut_off_end():
    sources = {1: NOISE.chunk.text, 2: RULE.chunk.text}
    draft = "Dit meldrecht geldt ook voor leerkrachten. Bij een vermoeden van kindermishandeling mag u zonder"
    text, dropped = keep_supported(draft, sources, question=QUESTION)
    assert text == "Dit meldrecht geldt ook voor leerkrachten. [2]"
    assert dropped == 0  # words cut off at the token limit state nothing; they are not counted


def test_the_local_model_warning_is_shown_only_under_text_the_model_wrote(tmp_path):
    from deelwijzer import ui_support as ui

    local = Settings(data_dir=tmp_path, llm_provider="local")
    written, _ = _ask(local, "Dit meldrecht geldt ook voor leerkrachten bij kindermishandeling [2].")
    replaced, _ = _ask(local, "[1]")
    assert ui.model_notice(written) == ui.LOCAL_MODEL_NOTICE
    assert ui.model_notice(replaced) is None  # the text says itself that these are the handvatten's sentences
    assert "rooktest" in ui.llm_setting_label("local") and "OpenAI-compatibele server" in ui.local_model_setting_note()


def test_keep_supported_drops_a_labelled_echo_and_repeats():
    sources = {2: RULE.chunk.text}
    draft = ("Meldrecht: Wat is het meldrecht bij Veilig Thuis bij een vermoeden van kindermishandeling.\n"
             "[2] Dit meldrecht geldt ook voor leerkrachten.\n[3] Dit meldrecht geldt ook voor leerkrachten.")
    text, dropped = keep_supported(draft, sources, question=QUESTION)
    assert text == "[2] Dit meldrecht geldt ook voor leerkrachten."
    assert dropped == 0
