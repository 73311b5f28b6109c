"""The Streamlit app driven in-process with Streamlit's AppTest, against the real index, the real
rules and the real answer pipeline (no language model: the embedded default)."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from deelwijzer import ui_support as ui
from deelwijzer.config import PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow

APP = str(PROJECT_ROOT / "app.py")
TIMEOUT = 180  # the first run loads the embedder and opens the index
PLAN_LABEL = "Voor wie is het stappenplan?"
# A scripted route through the zorg plan; facts it does not name get the first offered answer.
ZORG_ANSWERS = {"strafbaar_feit": "geen", "toestemming": True, "toestemming_vrij": True,
                "toestemming_geinformeerd": True, "toestemming_ondubbelzinnig": True}


@pytest.fixture()
def app_env(real_settings: Settings, tmp_path, monkeypatch) -> Settings:
    """Point the app (which builds its own Settings from the environment) at the real index."""
    monkeypatch.setenv("DEELWIJZER_DATA_DIR", str(real_settings.data_dir))
    monkeypatch.setenv("DEELWIJZER_EMBEDDING_CACHE", str(real_settings.embedding_cache_path))
    monkeypatch.setenv("DEELWIJZER_FEEDBACK_PATH", str(tmp_path / "feedback.jsonl"))
    monkeypatch.setenv("DEELWIJZER_LLM_PROVIDER", "none")
    return Settings()


def _run() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def _open_plan(at: AppTest, plan: str) -> AppTest:
    at.button(key="open_panel").click().run()
    next(s for s in at.selectbox if s.label == PLAN_LABEL).set_value(plan).run()
    return at


def _question_buttons(at: AppTest, fact: str) -> list:
    return [b for b in at.button if re.fullmatch(rf"q_\d+_{re.escape(fact)}_\d+", b.key or "")]


def _current_question(at: AppTest):
    """(fact, kind, element) of the panel's open question, or None when a verdict is shown."""
    for b in at.button:
        m = re.fullmatch(r"q_\d+_(.+)_(\d+)", b.key or "")
        if m:
            return m.group(1), "buttons", None
    for s in at.selectbox:
        m = re.fullmatch(r"q_\d+_(.+)_sel", s.key or "")
        if m:
            return m.group(1), "select", s
    for n in at.number_input:
        m = re.fullmatch(r"q_\d+_(.+)_num", n.key or "")
        if m:
            return m.group(1), "number", n
    return None


def _answer_question(at: AppTest, answers: dict) -> str:
    fact, kind, element = _current_question(at)
    if kind == "buttons":
        buttons = [b for b in at.button if re.fullmatch(rf"q_\d+_{re.escape(fact)}_\d+", b.key or "")]
        wanted = answers.get(fact)
        labels = {ui.option_label(wanted)} if wanted is not None else set()
        chosen = next((b for b in buttons if b.label in labels), buttons[0])
        chosen.click().run()
    elif kind == "select":
        wanted = answers.get(fact)
        if wanted is not None and ui.option_label(wanted) in element.options:
            element.set_value(wanted).run()
        else:
            element.select_index(0).run()
        next(b for b in at.button if (b.key or "").endswith(f"{fact}_ok")).click().run()
    else:
        element.set_value(answers.get(fact, 30)).run()
        next(b for b in at.button if (b.key or "").endswith(f"{fact}_ok")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return fact


def _verdict_outcome(at: AppTest) -> str | None:
    for md in _markdown(at):
        m = re.search(r'class="dw-verdict" data-outcome="([a-z_]+)"', md)
        if m:
            return m.group(1)
    return None


def test_ask_shows_answer_with_citations_that_open_the_passage(app_env):
    at = _ask(_run(), "Wat is een conflict van plichten?")
    assistant = [m for m in at.chat_message if m.name == "assistant"]
    assert assistant, "no answer rendered"
    labels = [e.label for e in at.expander if re.match(r"\[\d+\] ", e.label)]
    assert labels, "no numbered citations"
    passages = [md for md in _markdown(at) if 'class="dw-passage"' in md]
    assert len(passages) >= len(labels)
    assert any("<mark>" in p for p in passages), "no cited sentence highlighted"
    assert any(md.startswith("**Vindplaats:**") for md in _markdown(at))
    # the chat keeps its history over the next question
    _ask(at, "Wat staat er over de meldcode?")
    assert len([m for m in at.chat_message if m.name == "user"]) == 2


def test_resources_are_cached_across_interactions(app_env, monkeypatch):
    from deelwijzer import services as svc

    builds: list[svc.Services] = []
    real_build = svc.build_services

    def counting_build(settings, store=None):
        builds.append(real_build(settings, store))
        return builds[-1]

    monkeypatch.setattr(svc, "build_services", counting_build)
    st.cache_resource.clear()  # earlier tests of this process may have built them already
    at = _run()
    assert len(builds) == 1
    _ask(at, "Wat is het beroepsgeheim?")
    at.button(key="open_panel").click().run()
    assert len(builds) == 1, "an interaction rebuilt the cached services"


def test_stappenplan_panel_asks_until_a_verdict_card(app_env):
    from deelwijzer.rules import evaluate, load_rules

    at = _run()
    at.button(key="open_panel").click().run()
    assert any(h.value == "Stappenplan" for h in at.subheader)
    plan_box = next(s for s in at.selectbox if s.label == PLAN_LABEL)
    plan_box.set_value("zorg").run()
    asked: list[str] = []
    for _ in range(40):
        if _current_question(at) is None:
            break
        asked.append(_answer_question(at, ZORG_ANSWERS))
    outcome = _verdict_outcome(at)
    assert outcome is not None, f"no verdict card after {asked}"
    assert asked and asked[0] in at.session_state["facts"]
    # the card shows exactly what the engine decides for the facts the user gave
    facts = dict(at.session_state["facts"])
    engine = evaluate(load_rules(app_env.rules_dir), facts, "zorg")
    assert outcome == engine.outcome
    assert any(ui.ADVICE_NOTICE in i.value for i in at.info), "advice notice missing"
    assert any(e.label.startswith("Hoe kwam dit oordeel") for e in at.expander)
    if engine.outcome in ("mag_delen", "verplicht_delen"):
        assert any("Leg uw afweging vast" in md for md in _markdown(at))
    at.button(key="copy_grounds").click().run()
    copied = at.code[0].value
    assert copied.startswith("Uitkomst: " + ui.outcome_style(engine.outcome).label)
    assert ui.ADVICE_NOTICE in copied
    # a known fact is editable: clearing the last answer re-opens that question
    last = asked[-1]
    edit = next(s for s in at.selectbox if (s.key or "").endswith(f"_{last}"))
    edit.select_index(edit.options.index("Onbekend (wis)")).run()
    assert last not in at.session_state["facts"]
    assert _current_question(at) is not None and _verdict_outcome(at) is None


def test_sharing_question_opens_the_panel_with_the_extracted_facts(app_env):
    from deelwijzer.answer import ask

    question = "Mag ik als zorgverlener mijn beroepsgeheim doorbreken om gegevens met de politie te delen?"
    expected = ask(question, app_env)
    at = _ask(_run(), question)
    opens = expected.verdict is not None or bool(expected.facts)
    assert opens, "the answer layer no longer treats this as a sharing question"
    assert at.session_state["panel_open"]
    if opens:
        assert dict(at.session_state["facts"]) == dict(expected.facts)
        assert any(h.value == "Stappenplan" for h in at.subheader)


def test_personal_data_warns_and_is_not_stored(app_env):
    at = _ask(_run(), "Mag ik het dossier van Jan de Vries, geboren 12-03-1985, BSN 111222333 delen?")
    assert any("persoonsgegevens" in w.value for w in at.warning)
    stored = json.dumps([m.get("content") for m in at.session_state["messages"]], ensure_ascii=False)
    for secret in ("111222333", "Jan de Vries", "12-03-1985"):
        assert secret not in stored
    # feedback on that answer keeps the trace but not the question
    next(b for b in at.button if (b.key or "").startswith("fb_down_")).click().run()
    rows = [json.loads(x) for x in app_env.resolved_feedback_path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1 and rows[0]["rating"] == "down" and rows[0]["question"] is None
    assert "111222333" not in app_env.resolved_feedback_path.read_text(encoding="utf-8")


def test_feedback_writes_the_trace(app_env):
    at = _ask(_run(), "Wat is een conflict van plichten?")
    next(b for b in at.button if (b.key or "").startswith("fb_up_")).click().run()
    row = json.loads(app_env.resolved_feedback_path.read_text(encoding="utf-8").splitlines()[0])
    assert row["rating"] == "up" and row["question"] == "Wat is een conflict van plichten?"
    assert row["retrieved_chunk_ids"] and "prompt_version" in row and "rules_version" in row
    assert any("Dank voor uw beoordeling" in c.value for c in at.caption)


def test_reingest_from_the_sidebar_reports_what_changed(real_settings, tmp_path, monkeypatch):
    # A copy of the real index, so re-ingesting never disturbs other tests' fixture.
    data_dir = tmp_path / "data"
    shutil.copytree(real_settings.data_dir, data_dir)
    monkeypatch.setenv("DEELWIJZER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DEELWIJZER_EMBEDDING_CACHE", str(real_settings.embedding_cache_path))
    at = _run()
    at.sidebar.button(key="reingest").click().run()
    assert not at.exception, [e.value for e in at.exception]
    done = [s.value for s in at.sidebar.success]
    assert done and done[0].startswith("Inlezen klaar"), done
    assert "niets veranderd" in done[0]


def test_refused_answer_does_not_open_the_panel(app_env):
    at = _ask(_run(), "Hoeveel huurtoeslag krijg ik als alleenstaande met een inkomen van 25.000 euro?")
    assert not at.session_state["panel_open"]


def test_sharing_question_shows_assumptions_changeable_with_one_click(app_env):
    question = ("Een cliënt heeft mij tijdens het consult bedreigd en geslagen. Mag ik aangifte doen en daarbij "
                "zijn naam en adres aan de politie geven?")
    at = _ask(_run(), question)
    assert at.session_state["panel_open"]
    assert at.session_state["assumed"]["rol"] == "zorg_hulpverlener"
    assert _verdict_outcome(at) == "mag_delen"  # everything needed is in the question: no role asked
    assert any("Aangenomen uit uw vraag" in m for m in _markdown(at))
    rol_button = next(b for b in at.button if (b.key or "").startswith("assume_") and "_rol_" in (b.key or "")
                      and b.label == ui.ASK_ME)
    rol_button.click().run()
    assert "rol" not in at.session_state["facts"] and "rol" not in at.session_state["assumed"]
    assert _current_question(at)[0] == "rol"  # the plan now asks it


def test_followup_in_the_chat_is_read_in_context_and_replaces_the_age(app_env):
    """Issue 13: "En als de leerling 17 is?" after a question about a pupil of 14 keeps the
    conversation's facts, replaces the age, and answers about the age band that applies."""
    at = _ask(_run(), "Ik ben leerkracht. Mag ik zonder toestemming gegevens van een leerling van 14 delen met de jeugdarts?")
    first_facts = dict(at.session_state["facts"])
    _ask(at, "En als de leerling 17 is?")
    facts = dict(at.session_state["facts"])
    assert facts.get("leeftijd_betrokkene") == 17
    assert {k: v for k, v in first_facts.items() if k != "leeftijd_betrokkene"}.items() <= facts.items()
    answer = at.session_state["messages"][-1]["answer"]
    assert "Gelezen als vervolgvraag" in answer.answer
    assert "ouder dan 16 jaar" in answer.answer


def test_source_labels_show_heading_and_version_and_the_short_answer_comes_first(app_env):
    at = _ask(_run(), "De politie vraagt mij om informatie over een cliënt. Wat mag ik zeggen?")
    labels = [e.label for e in at.expander if re.match(r"\[\d+\] ", e.label)]
    assert labels and all("versie" in label for label in labels)
    assert len(set(re.sub(r"^\[\d+\] ", "", label) for label in labels)) == len(labels), labels
    md = _markdown(at)
    assert any(m.startswith("**Kort antwoord:**") for m in md)
    # The short answer is rendered before the sources and the verdict line.
    first = next(i for i, m in enumerate(md) if m.startswith("**Kort antwoord:**"))
    assert all(i > first for i, m in enumerate(md) if m.startswith("**Vindplaats:**") or m.startswith("**Stappenplan"))


def test_every_question_offers_weet_ik_niet_and_the_next_ground_follows(app_env):
    """Issue 15: "Weet ik niet" on every interview question; the fact stays unknown ("onbekend"), is
    never decided on, and the panel asks what the engine asks next for those facts."""
    from deelwijzer.rules import evaluate, load_rules

    rs = load_rules(app_env.rules_dir)
    at = _open_plan(_run(), "zorg")
    declined: list[str] = []
    for _ in range(12):
        current = _current_question(at)
        if current is None:
            break
        fact = current[0]
        unknown = [b for b in at.button if b.key and re.fullmatch(rf"q_\d+_{re.escape(fact)}_onbekend", b.key)]
        assert len(unknown) == 1 and unknown[0].label == ui.UNKNOWN_LABEL, fact
        if fact in declined:
            # every open question was answered "weet ik niet": the panel says so and asks it again
            assert any("Zonder dit antwoord" in i.value for i in at.info)
            break
        unknown[0].click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.session_state["facts"][fact] == ui.DECLINED
        declined.append(fact)
        engine = evaluate(rs, dict(at.session_state["facts"]), "zorg")
        shown = _current_question(at)
        assert (shown[0] if shown else None) == (engine.vraag.fact if engine.vraag else None)
        assert _verdict_outcome(at) in (None, engine.outcome)
    assert len(declined) >= 2, f"no next ground after 'weet ik niet': {declined}"
    # a declined fact shows as "Weet ik niet" among the known facts and can still be answered there
    edit = next(s for s in at.selectbox if (s.key or "").endswith(f"_{declined[0]}"))
    assert edit.format_func(edit.value) == ui.UNKNOWN_LABEL


def test_every_option_of_a_long_list_has_its_own_button(app_env):
    """The recipient (tens of options) is a grid of buttons, one per option, not a truncated list."""
    from deelwijzer.rules import evaluate, load_rules

    rs = load_rules(app_env.rules_dir)
    at = _open_plan(_run(), "onderwijs")
    for _ in range(10):
        current = _current_question(at)
        assert current is not None and current[1] == "buttons", current
        if current[0] == "ontvanger":
            break
        _answer_question(at, {"is_persoonsgegeven": True})
    engine = evaluate(rs, dict(at.session_state["facts"]), "onderwijs")
    assert engine.vraag.fact == "ontvanger" and len(engine.vraag.options) > 8
    labels = [b.label for b in _question_buttons(at, "ontvanger")]
    assert labels == [ui.option_label(o) for o in engine.vraag.options]
    _question_buttons(at, "ontvanger")[-1].click().run()
    assert at.session_state["facts"]["ontvanger"] == engine.vraag.options[-1]


def test_an_assumed_option_is_replaced_with_one_click(app_env):
    """An assumption that is one of several options (the kind of offence) offers every other option
    as a button: one click sets it, and it is then the user's fact, no longer an assumption."""
    question = "Ik ben huisarts. Mag ik zonder toestemming de politie inlichten over mijn patiënt?"
    at = _ask(_run(), question)
    assert at.session_state["assumed"].get("strafbaar_feit") == "geen"
    buttons = {b.label: b for b in at.button if (b.key or "").startswith("assume_") and "_strafbaar_feit_" in b.key}
    assert ui.ASK_ME in buttons and len(buttons) >= 3, list(buttons)
    buttons[ui.option_label("binnen_hulpverlening")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["facts"]["strafbaar_feit"] == "binnen_hulpverlening"
    assert "strafbaar_feit" not in at.session_state["assumed"]
