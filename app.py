"""Deelwijzer chat (Streamlit). UI only: widgets, session state and rendering.

Retrieval, answering, the rules engine, privacy checks and ingest all live in `deelwijzer` /
`ingest`; this file only calls them. Everything a user or a document wrote is rendered inert
(escaped Markdown, or escaped HTML where a highlight needs <mark>)."""

from __future__ import annotations

import html
import itertools
from typing import Any

import streamlit as st

from deelwijzer import services as svc
from deelwijzer import ui_support as ui
from deelwijzer.config import Settings
from deelwijzer.feedback import build_record, write_feedback
from deelwijzer.logging_setup import install_redaction
from deelwijzer.models import Answer, Question, Verdict
from deelwijzer.store import open_store

st.set_page_config(page_title="Deelwijzer", page_icon=":material/balance:", layout="wide")

EXAMPLES = (
    "Mag ik als zorgverlener mijn beroepsgeheim doorbreken om gegevens met de politie te delen?",
    "Wat is een conflict van plichten?",
    "Welke gegevens mag de politie verstrekken aan de gemeente?",
)

# --- cached resources: one services object per (settings, index generation) -------------------


install_redaction()  # idempotent: every log record of this process is redacted (BSN, name + date of birth)


@st.cache_resource(show_spinner="Zoekmodel en index laden…", max_entries=2)
def load_services(settings_key: str, generation: str, _settings: Settings) -> svc.Services:
    """The store, retriever, rules, embedder and language model (deelwijzer.services), built once
    per settings and index generation: a re-ingest that flips the index gives a new one."""
    return svc.build_services(_settings)


@st.cache_resource(show_spinner=False)
def load_version_state(settings_key: str, generation: str, rules_version: str, history_stamp: str,
                       _services: svc.Services) -> dict:
    """Per index generation: section key of every chunk and the plans whose rules were written for
    another version of their source than the index holds (deelwijzer/versions.py)."""
    from deelwijzer.versions import VersionHistory, section_keys, stale_plans

    chunks = _services.chunks
    index_versions = {c.doc_id: c.version for c in chunks}
    history = VersionHistory(settings.data_dir)
    return {"keys": section_keys(chunks),
            "stale": stale_plans(_services.ruleset, index_versions, history, list(chunks))}


def version_state() -> dict:
    from deelwijzer.versions import VersionHistory

    hist_dir = VersionHistory(settings.data_dir).dir
    stamp = str(max((f.stat().st_mtime_ns for f in hist_dir.glob("*.json")), default=0)) if hist_dir.is_dir() else "0"
    return load_version_state(SKEY, services.generation, ruleset.version, stamp, services)


settings = Settings()  # env vars and .env; a changed environment is another key below
# Every setting but the feedback file is read by the services, so it must not force a rebuild.
SKEY = settings.model_dump_json(exclude={"feedback_path"})

# --- session state -----------------------------------------------------------------------------

state = st.session_state
state.setdefault("messages", [])  # dicts: role, content (never personal data), answer, ...
state.setdefault("panel_open", False)
state.setdefault("plan", None)
state.setdefault("facts", {})
state.setdefault("facts_rev", 0)  # part of widget keys so edits never show stale values
state.setdefault("assumed", {})  # facts the question implied (inside `facts` too): shown, changeable
state.setdefault("show_copy", False)
state.setdefault("pending_question", None)
state.setdefault("ingest_result", None)
_ids = itertools.count(len(state.messages))


def set_facts(facts: dict[str, Any], assumed: dict[str, Any] | None = None) -> None:
    state.facts = dict(facts)
    # an assumption stays one only while the user has not answered or changed it
    keep = state.assumed if assumed is None else assumed
    state.assumed = {k: v for k, v in keep.items() if state.facts.get(k, object()) == v}
    state.facts_rev += 1
    state.show_copy = False


# --- resources, with a clear message when the index is missing ---------------------------------

try:
    services = load_services(SKEY, open_store(settings).generation(), settings)
    store, chunks, ruleset = services.store, services.chunks, services.ruleset
except Exception as exc:  # noqa: BLE001 - shown to the user, with what to do
    st.title("Deelwijzer")
    st.error(
        "De index met handvatten kon niet worden geopend. Lees de handvatten eerst in met "
        "`python -m deelwijzer ingest` (of `make run`) en laad de pagina opnieuw."
    )
    st.caption(f"Technische melding: {type(exc).__name__}: {exc}")
    st.stop()


# --- sidebar -----------------------------------------------------------------------------------


def render_sidebar() -> None:
    sb = st.sidebar
    sb.header("Handvatten")
    info = store.info()
    documents = list(ui._get(info, "documents", default=()) or ())
    versions = {(ui._get(d, "doc_id"), ui._get(d, "version")) for d in documents}
    c1, c2 = sb.columns(2)
    c1.metric("Documenten", len({doc for doc, _ in versions}))
    c2.metric("Passages", ui._get(info, "chunk_count", default=None) or len(chunks))
    last = ui.format_timestamp(ui._get(info, "last_ingest", default=None))
    sb.caption(f"Versies in de index: {len(versions)} · laatst ingelezen: {last}")
    with sb.expander("Documenten en versies"):
        for d in documents:
            title, version = ui._get(d, "title", default=""), ui._get(d, "version", default="")
            n = ui._get(d, "chunks", default=None)
            extra = f" · {n} passages" if n is not None else ""
            st.markdown(f"- {ui.inert_markdown(title)} — *{ui.inert_markdown(version)}*{extra}")
    render_version_changes(sb, documents)

    sb.header("Instellingen")
    sb.markdown(
        "**Taalmodel:** "
        + ui.inert_markdown(
            ui.llm_setting_label(settings.llm_provider, settings.llm_model, settings.llm_base_url,
                                 settings.llm_model_path)
        )
    )
    if settings.llm_provider == "local":
        sb.caption(ui.local_model_setting_note())
    sb.caption(f"Zoeken: {settings.retrieval_mode} · embedder: {settings.embedder} · top {settings.top_k}")

    sb.header("Opnieuw inlezen")
    sb.caption("Leest de map met handvatten opnieuw in; alleen gewijzigde tekst wordt opnieuw verwerkt.")
    if sb.button("Handvatten opnieuw inlezen", key="reingest", use_container_width=True):
        run_reingest(sb)
    if state.ingest_result:
        sb.success(state.ingest_result)


def render_version_changes(sb, documents) -> None:
    """After a re-ingest: per document "Wat is er veranderd", and a warning per plan whose rules were
    written for another version than the index holds, naming the steps to review."""
    from deelwijzer.versions import VersionHistory

    try:
        changes = ui.document_changes(VersionHistory(settings.data_dir), documents)
        warnings = ui.stale_rules_warnings(version_state()["stale"])
    except Exception as exc:  # noqa: BLE001 - the version comparison must never take the sidebar down
        sb.caption(f"Versievergelijking niet beschikbaar ({type(exc).__name__}); `deelwijzer versions` toont de geschiedenis.")
        return
    if changes:
        sb.subheader("Wat is er veranderd")
        for change in changes:
            with sb.expander(change.label):
                st.markdown(change.markdown)
    for warning in warnings:
        sb.warning(warning, icon=":material/rule:")


def stale_step_notes(verdict: Verdict) -> dict[str, str]:
    """step id -> "passage gewijzigd in versie …; regel nog niet herzien" for the steps of the trace
    whose cited passage changed or vanished since the version the rules were written for."""
    from deelwijzer.versions import VersionHistory, plan_sources, stale_mark

    doc_id, written_for = plan_sources(ruleset).get(verdict.plan or "", ("", ""))
    if not doc_id or not written_for:
        return {}
    try:
        history, keys, notes = VersionHistory(settings.data_dir), version_state()["keys"], {}
        for step in verdict.trace:
            if step.heading:
                chunk = services.step_passage(step.heading, step.anchor, verdict.plan)
                note = stale_mark(history, doc_id, written_for, chunk, keys.get(chunk.id) if chunk else None,
                                  step.heading)
                if note:
                    notes[step.step] = note
        return notes
    except Exception:  # noqa: BLE001 - a mark is a hint; the verdict card must render without it
        return {}


def run_reingest(container) -> None:
    from ingest.pipeline import run_ingest

    bar = container.progress(0.0, text="Inlezen starten…")

    def progress(done: int, total: int, msg: str = "") -> None:
        fraction = min(max(done / total, 0.0), 1.0) if total else 0.0
        bar.progress(fraction, text=f"{done}/{total} {msg}".strip())

    try:
        report = run_ingest(settings, progress=progress)
    except Exception as exc:  # noqa: BLE001 - reported in the sidebar
        bar.empty()
        container.error(f"Inlezen mislukt: {exc}")
        return
    bar.progress(1.0, text="Klaar")
    state.ingest_result = ui.ingest_summary(report)
    load_services.clear()  # a new index generation: new services (the embedder model stays loaded)
    st.rerun()


# --- chat --------------------------------------------------------------------------------------


def render_citations(msg: dict, answer: Answer) -> None:
    if not answer.citations:
        return
    st.markdown("**Bronnen**")
    for c in answer.citations:
        with st.expander(ui.citation_label(c)):
            st.caption(f"{c.title} · versie {c.version}")
            if c.heading_path:
                st.markdown("**Vindplaats:** " + ui.inert_markdown(c.heading_path))
            if c.pre_avg:
                st.warning(ui.PRE_AVG_NOTICE, icon=":material/warning:")
            claims = ui.cited_claims(answer.answer, c.n)
            st.markdown(ui.passage_html(c.text, claims), unsafe_allow_html=True)  # escaped in passage_html


def render_feedback(msg: dict) -> None:
    if msg.get("feedback"):
        st.caption("Dank voor uw beoordeling; die wordt bewaard voor controle door het beheer.")
        return
    cols = st.columns([1.3, 1.7, 3])
    for col, rating, label, icon in ((cols[0], "up", "Nuttig", ":material/thumb_up:"),
                                     (cols[1], "down", "Niet nuttig", ":material/thumb_down:")):
        if col.button(label, key=f"fb_{rating}_{msg['id']}", icon=icon, help="Beoordeel dit antwoord"):
            record = build_record(msg["answer"], rating, msg.get("content"), msg.get("pii", False))
            write_feedback(settings, record)
            msg["feedback"] = rating
            st.rerun()


def render_body(text: str) -> None:
    """The answer text; a "Kort antwoord" line comes first and stands out, so the answer's first
    line is read before any quote, source or verdict block."""
    lead, rest = ui.split_lead(text)
    if lead:
        st.markdown("**Kort antwoord:** " + ui.inert_markdown_keep_markers(lead))
    if rest:
        st.markdown(ui.inert_markdown_keep_markers(rest))


def render_verdict_line(msg: dict, answer: Answer) -> None:
    """One line on the stappenplan. For the latest answer it shows what the panel shows now, so the
    answer and the panel never say different things; earlier answers say it was their outcome."""
    latest = state.messages and state.messages[-1] is msg
    current = evaluate_current() if latest and state.panel_open else None
    verdict = current if current is not None else answer.verdict
    if verdict is None:
        return
    if verdict.outcome == "meer_informatie_nodig":
        st.markdown("**Stappenplan:** beantwoord de vragen in het paneel *Stappenplan* hiernaast; "
                    "daar verschijnt het oordeel.")
        return
    style = ui.outcome_style(verdict.outcome)
    when = "" if latest else " (bij deze vraag)"
    st.markdown(f"**Stappenplan{when}:** :{style.streamlit_colour}[{ui.inert_markdown(style.label)}] — "
                "zie het paneel *Stappenplan*.")


def render_answer(msg: dict) -> None:
    answer: Answer = msg["answer"]
    if answer.refused:
        st.info(ui.inert_markdown(answer.answer))
    elif answer.verdict is not None and answer.verdict_text and answer.verdict_text in answer.answer:
        # The panel beside the answer shows the verdict (or asks its next question) itself; the
        # same block as text is folded away here, kept for copying and for screen readers.
        render_body(answer.answer.replace(answer.verdict_text, "").strip())
        with st.expander("Oordeel van het stappenplan als tekst"):
            st.markdown(ui.inert_markdown_keep_markers(answer.verdict_text))
    else:
        render_body(answer.answer)
    notice = ui.model_notice(answer)
    if notice:
        st.warning(notice, icon=":material/science:")
    render_citations(msg, answer)
    if answer.verdict is not None:
        render_verdict_line(msg, answer)
    render_feedback(msg)


def render_history() -> None:
    for msg in state.messages:
        with st.chat_message(msg["role"]):
            if msg["role"] == "user":
                st.markdown(ui.inert_markdown(msg["content"]))
                if msg.get("pii"):
                    st.warning(ui.pii_warning(msg.get("pii_kinds", ())), icon=":material/lock:")
            else:
                render_answer(msg)


def get_answer(question: str, placeholder) -> Answer:
    from deelwijzer.answer import ask, stream_ask

    from deelwijzer.conversation import restated_facts
    from deelwijzer.facts import extract_deterministic

    # Earlier user turns (already redacted): a follow-up such as "En als de leerling 17 is?" is
    # read in their context. The current question is the last user message.
    history = [m["content"] for m in state.messages[:-1] if m["role"] == "user" and m.get("content")]
    facts = None
    if state.panel_open:
        # The panel's facts go along, except those the new question states itself (a new value
        # replaces the old one) and the assumptions, which are re-derived from each new question.
        restated = restated_facts(question, history, extract_deterministic)
        facts = {k: v for k, v in state.facts.items() if k not in restated and k not in state.assumed}
    if settings.llm_provider == "none":
        with st.spinner("Zoeken in de handvatten…"):
            return ask(question, settings, facts=facts, history=history, services=services)
    text, final = "", None
    for piece in stream_ask(question, settings, facts=facts, history=history, services=services):
        if isinstance(piece, Answer):
            final = piece
        else:
            text += str(piece)
            placeholder.markdown(ui.inert_markdown(text) + " ▌")
    placeholder.empty()
    if final is None:
        raise RuntimeError("stream_ask gaf geen eindantwoord")
    return final


def handle_question(raw: str) -> None:
    from deelwijzer.privacy import detect_personal_data, redact

    findings = detect_personal_data(raw)
    # Personal data never enters session history, feedback or logs: keep only the redaction.
    question = redact(raw) if findings else raw
    kinds = tuple(dict.fromkeys(f.description for f in findings))  # descriptions hold no data
    user_msg = {"id": next(_ids), "role": "user", "content": question, "pii": bool(findings),
                "pii_kinds": kinds}
    state.messages.append(user_msg)
    with st.chat_message("user"):
        st.markdown(ui.inert_markdown(question))
        if findings:
            st.warning(ui.pii_warning(kinds), icon=":material/lock:")
    with st.chat_message("assistant"):
        placeholder = st.empty()
        try:
            answer = get_answer(question, placeholder)
        except Exception as exc:  # noqa: BLE001 - a failed answer must not kill the session
            st.error(f"Er ging iets mis bij het beantwoorden: {type(exc).__name__}. Probeer het opnieuw.")
            return
    msg = {"id": next(_ids), "role": "assistant", "answer": answer, "content": question,
           "pii": bool(findings), "feedback": None}
    state.messages.append(msg)
    # A sharing question opens the stappenplan with what the question said and implied; a refused
    # answer never does (the user can still open it with "Doorloop een stappenplan").
    if not answer.refused and answer.verdict is not None:
        state.panel_open = True
        state.plan = answer.plan or answer.verdict.plan
        set_facts(answer.facts, dict(answer.assumed))
    st.rerun()


# --- stappenplan panel ------------------------------------------------------------------------


def evaluate_current() -> Verdict | None:
    from deelwijzer.rules import evaluate

    try:
        return evaluate(ruleset, dict(state.facts), state.plan)
    except Exception as exc:  # noqa: BLE001 - e.g. FactError after an edit; shown, not fatal
        st.error(f"Deze feiten passen niet bij het stappenplan: {exc}")
        return None


def answer_fact(fact: str, value: Any) -> None:
    facts = dict(state.facts)
    facts[fact] = value
    set_facts(facts)


def render_question(q: Question) -> None:
    with st.container(border=True):
        st.markdown("**Volgende vraag**")
        st.markdown(ui.inert_markdown(q.text or ui.fact_question(ruleset, q.fact)))
        lines = ui.help_lines(q.help, q.options)
        if len(lines) > 1:
            st.caption("\n".join(f"- {ui.inert_markdown(line)}" for line in lines))
        elif lines:
            st.caption(ui.inert_markdown(lines[0]))
        rev = state.facts_rev
        if ui.is_declined(state.facts.get(q.fact)):
            # every open question was answered "weet ik niet": the stappenplan cannot go on without this one
            st.info("U wist het antwoord op deze en de andere open vragen niet. Zonder dit antwoord kan het "
                    "stappenplan geen oordeel geven; vul het in zodra u het weet.")
        options = ui.question_options(q)
        if q.type in ("bool", "enum"):
            # Ja/Nee side by side; every enum option its own button (a long list in a grid), never truncated.
            per_row = ui.option_columns(q.type, len(options))
            for start in range(0, len(options), per_row):
                row = st.columns(per_row) if per_row > 1 else [st.container()]
                for i, (col, opt) in enumerate(zip(row, options[start:start + per_row]), start):
                    if col.button(ui.option_label(opt), key=f"q_{rev}_{q.fact}_{i}", use_container_width=True):
                        answer_fact(q.fact, opt)
                        st.rerun()
        elif q.type == "int":
            value = st.number_input("Aantal", min_value=0, max_value=130, step=1, value=None,
                                    key=f"q_{rev}_{q.fact}_num", placeholder="Vul een getal in")
            if st.button("Bevestig", key=f"q_{rev}_{q.fact}_ok", disabled=value is None):
                answer_fact(q.fact, int(value))
                st.rerun()
        else:
            choice = st.selectbox("Kies een antwoord", options, index=None, format_func=ui.option_label,
                                  key=f"q_{rev}_{q.fact}_sel", placeholder="Kies…")
            if st.button("Bevestig", key=f"q_{rev}_{q.fact}_ok", disabled=choice is None):
                answer_fact(q.fact, choice)
                st.rerun()
        # "Weet ik niet": the fact stays unknown and the stappenplan asks the next ground (never decides on it)
        if st.button(ui.UNKNOWN_LABEL, key=f"q_{rev}_{q.fact}_onbekend", icon=":material/help:",
                     help="Het stappenplan vraagt dan eerst een andere grond; op dit feit wordt niet beslist."):
            answer_fact(q.fact, ui.DECLINED)
            st.rerun()
        render_summary_questions(q)


def render_summary_questions(q: Question) -> None:
    """This question is one part of a larger one (e.g. gewetensnood of the conflict van plichten):
    a user who knows the whole answer may give it at once."""
    from deelwijzer.rules.session import summary_facts

    summaries = summary_facts(ruleset, q.fact, state.plan or state.facts.get("plan"), state.facts)
    if not summaries:
        return
    rev = state.facts_rev
    with st.expander("Weet u het antwoord op de hele vraag? Beantwoord die in één keer"):
        for name in summaries:
            st.markdown(ui.inert_markdown(ui.fact_question(ruleset, name)))
            yes, no = st.columns(2)
            if yes.button("Ja", key=f"sum_{rev}_{name}_1", use_container_width=True):
                answer_fact(name, True)
                st.rerun()
            if no.button("Nee", key=f"sum_{rev}_{name}_0", use_container_width=True):
                answer_fact(name, False)
                st.rerun()


def render_assumptions() -> None:
    """What the question implied without saying it: each can be changed with one click."""
    assumed = {k: v for k, v in state.assumed.items() if k in state.facts}
    if not assumed:
        return
    with st.container(border=True):
        st.markdown("**Aangenomen uit uw vraag**")
        st.caption("Niet letterlijk genoemd maar afgeleid uit de situatie. Klopt iets niet? Eén klik past het aan.")
        rev = state.facts_rev
        for name, value in assumed.items():
            st.markdown(ui.inert_markdown(f"{ui.fact_question(ruleset, name)} — {ui.format_fact_value(value)}"))
            _, options = ui.fact_spec_type(ruleset, name, value, state.plan or state.facts.get("plan"))
            choices = ui.assumption_choices(value, options)
            per_row = min(len(choices), 3)
            for start in range(0, len(choices), per_row):
                row = st.columns(per_row)
                for i, (col, (label, new)) in enumerate(zip(row, choices[start:start + per_row]), start):
                    if col.button(label, key=f"assume_{rev}_{name}_{i}", use_container_width=True):
                        change_assumption(name, new)
                        st.rerun()


def change_assumption(name: str, new: Any) -> None:
    changed = dict(state.facts)
    if new is None:
        changed.pop(name, None)  # the plan will ask it
    else:
        changed[name] = new
    if name == "rol":
        state.plan = None  # the stappenplan followed from the assumed role
    set_facts(changed)


def render_known_facts() -> None:
    facts = dict(state.facts)
    with st.expander(f"Bekende feiten ({len(facts)}) — aanpasbaar", expanded=False):
        if not facts:
            st.caption("Nog geen feiten. Beantwoord de vragen hieronder.")
        rev = state.facts_rev
        for name, value in facts.items():
            ftype, options = ui.fact_spec_type(ruleset, name, value, state.plan)
            label = ui.fact_question(ruleset, name)
            if ftype == "bool":
                choices: list[Any] = [True, False, None]
            elif ftype == "int" and not ui.is_declined(value):
                choices = []
            else:
                choices = list(options) or [value]
                choices.append(None)
            if choices and value not in choices:
                choices.insert(0, value)  # e.g. "weet ik niet"
            key = f"edit_{rev}_{name}"
            if choices:
                new = st.selectbox(label, choices, index=choices.index(value), key=key,
                                   format_func=lambda v: "Onbekend (wis)" if v is None else ui.fact_value_label(v))
            else:
                new = int(st.number_input(label, min_value=0, max_value=130, value=int(value), key=key))
            if new != value:
                changed = dict(state.facts)
                if new is None:
                    changed.pop(name, None)
                else:
                    changed[name] = new
                set_facts(changed)
                st.rerun()


def render_trace(verdict: Verdict, notes: dict[str, str] | None = None) -> None:
    with st.expander("Hoe kwam dit oordeel tot stand? (doorlopen stappen)"):
        for i, step in enumerate(verdict.trace, 1):
            title = step.title or step.step
            st.markdown(f"**{i}. {ui.inert_markdown(title)}** · {ui.inert_markdown(step.step)}")
            if step.heading and step.heading != title:
                st.caption(f"Kop in de handreiking: {step.heading}")
            if step.facts_used:
                st.markdown(ui.inert_markdown(
                    "Feiten: " + "; ".join(f"{ui.fact_question(ruleset, k)}: {ui.format_fact_value(v)}"
                                           for k, v in step.facts_used.items())))
            if step.result:
                st.markdown(ui.inert_markdown(f"Uitkomst van deze stap: {ui.humanize(step.result)}"))
            if step.basis:
                st.markdown(ui.inert_markdown("Grondslag: " + "; ".join(step.basis)))
            chunk = services.step_passage(step.heading, step.anchor, verdict.plan)  # cached per step
            if (notes or {}).get(step.step):
                st.warning(notes[step.step], icon=":material/history:")
            if chunk is not None:
                st.markdown(
                    f'<details><summary>Passage: {html.escape(chunk.title)} · versie '
                    f'{html.escape(chunk.version)}</summary>{ui.passage_html(chunk.text, [])}</details>',
                    unsafe_allow_html=True,  # every piece escaped above / in passage_html
                )
            elif step.heading:
                st.caption("De kop van deze stap is niet in de index gevonden.")


def render_verdict(verdict: Verdict) -> None:
    style = ui.outcome_style(verdict.outcome)
    st.markdown(ui.verdict_card_html(verdict, style), unsafe_allow_html=True)  # escaped inside
    if verdict.beslissende_stap:
        st.markdown("**Beslissende stap:** " + ui.inert_markdown(
            f"{verdict.beslissende_stap}" + (f" — {verdict.heading}" if verdict.heading else "")))
    if verdict.basis:
        st.markdown("**Grondslag:** " + ui.inert_markdown("; ".join(verdict.basis)))
    if verdict.wie:
        st.markdown("**Voorleggen aan:** " + ui.inert_markdown("; ".join(verdict.wie)))
    if verdict.verwijzing:
        st.markdown("**Verwijzing:** " + ui.inert_markdown(verdict.verwijzing))
    if verdict.voorwaarden:
        st.markdown("**Voorwaarden**")
        st.markdown("\n".join(f"- {ui.inert_markdown(ui.voorwaarde_label(v))}" for v in verdict.voorwaarden))
    if verdict.ambiguities:
        st.caption("Interpretatie: " + "; ".join(verdict.ambiguities))
    notes = stale_step_notes(verdict)
    for step_id, note in notes.items():
        st.warning(f"Stap {step_id}: {note}", icon=":material/history:")
    render_trace(verdict, notes)
    st.info(ui.ADVICE_NOTICE, icon=":material/info:")
    if st.button("Kopieer onderbouwing", key="copy_grounds", use_container_width=True):
        state.show_copy = not state.show_copy
    if state.show_copy:
        st.caption("Klik op het kopieer-icoon rechtsboven in het vak en plak de tekst in uw dossier.")
        st.code(ui.verdict_text(verdict, state.facts, ruleset), language=None, wrap_lines=True)


def render_panel() -> None:
    head, close = st.columns([3, 2])
    head.subheader("Stappenplan")
    if close.button("Sluiten", key="panel_close", icon=":material/close:", use_container_width=True):
        state.panel_open = False
        st.rerun()
    plans = [None, *ui.PLAN_LABELS]
    current = state.plan if state.plan in plans else None
    chosen = st.selectbox(
        "Voor wie is het stappenplan?", plans, index=plans.index(current), key=f"plan_{state.facts_rev}",
        format_func=lambda p: "Weet ik niet: vraag naar mijn rol" if p is None else ui.plan_label(p),
    )
    if chosen != state.plan:
        state.plan = chosen
        set_facts(state.facts)
        st.rerun()
    render_assumptions()
    render_known_facts()
    verdict = evaluate_current()
    if verdict is None:
        return
    if verdict.outcome == "meer_informatie_nodig" and verdict.vraag is not None:
        st.caption(f"{len(state.facts)} feiten bekend. Beantwoord de vraag; het stappenplan rekent daarna opnieuw.")
        render_question(verdict.vraag)
        st.caption(ui.ADVICE_NOTICE)
    else:
        render_verdict(verdict)
    if st.button("Opnieuw beginnen", key="panel_reset"):
        set_facts({}, {})
        st.rerun()


# --- page ---------------------------------------------------------------------------------------

render_sidebar()

st.title("Deelwijzer")
st.markdown("**Mag ik deze gegevens delen, met wie, en op welke grond?**  \n"
            "Antwoorden komen uit de officiële handvatten, met de passages erbij. Bij een vraag over "
            "delen loopt een stappenplan met u mee. Typ geen namen, BSN's of geboortedata.")

if state.panel_open:
    chat_col, panel_col = st.columns([3, 2], gap="large")
else:
    chat_col, panel_col = st.container(), None

with chat_col:
    if not state.messages:
        st.caption("Voorbeeldvragen:")
        for i, example in enumerate(EXAMPLES):
            if st.button(example, key=f"example_{i}"):
                state.pending_question = example
                st.rerun()
    if not state.panel_open and st.button("Doorloop een stappenplan", key="open_panel", type="primary"):
        state.panel_open = True
        st.rerun()
    render_history()

prompt = st.chat_input("Stel uw vraag over het delen van gegevens…")
pending = prompt or state.pending_question
if pending:
    state.pending_question = None
    with chat_col:
        handle_question(pending)

if panel_col is not None:
    with panel_col:
        render_panel()
