"""Question -> passages -> route + facts -> rules engine -> draft -> guard -> Answer.

The verdict always comes from the rules engine; a language model (or the extractive composer)
only writes the explanation around it, and the guard enforces that."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator, Sequence

from deelwijzer.asker_role import unmapped_self_role
from deelwijzer.compose import compose_extractive, select
from deelwijzer.config import Settings
from deelwijzer.conversation import FOLLOWUP_NOTE, contextualize
from deelwijzer.faithful import keep_supported
from deelwijzer.facts import describe_assumptions, extract, extract_with_llm, filter_facts, merge_facts
from deelwijzer.guard import (SCOPE_REFUSAL_TEXT, Guarded, guard, refusal, strip_unsupported_claims,
                             verdict_block)
from deelwijzer.llm import llm_info
from deelwijzer.models import Answer, Chunk, Passage, Verdict
from deelwijzer.refusal import refuse_sharing_decision
from deelwijzer.route import asks_about_rules, route_question
from deelwijzer.services import AnswerServices, EngineRules, Retrieved, RulesPort, get_services

__all__ = ["Answer", "EngineRules", "QuestionError", "Retrieved", "RulesPort", "ask", "prepare", "stream_ask"]

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000  # longer questions are cut for retrieval and the prompt, with a note
# Passages shown to a language model. The in-process model runs on CPU, where every prompt token
# costs time, so it gets fewer and shorter passages than a model behind a server.
PROMPT_PASSAGES = {"local": 3, "default": 5}
PROMPT_PASSAGE_CHARS = {"local": 600, "default": 1200}
TRUNCATION_NOTE = (
    "Let op: uw vraag was erg lang; alleen de eerste {n} tekens zijn gebruikt om te zoeken."
)


class QuestionError(ValueError):
    """The question cannot be answered as given (empty)."""


# The resources (retriever, rules, language model) come from one services object
# (deelwijzer.services); RulesPort, EngineRules and Retrieved are named here too for callers.


def deciding_trace_step(verdict: Verdict):
    """The trace step of `beslissende_stap` (the last one visited when it is not named)."""
    named = [t for t in verdict.trace if t.step == verdict.beslissende_stap]
    return named[-1] if named else (verdict.trace[-1] if verdict.trace else None)


def deciding_step_passage(services: AnswerServices, verdict: Verdict) -> Chunk | None:
    """The passage the verdict's deciding step rests on, looked up in the index (exact, no ranking)."""
    step = deciding_trace_step(verdict)
    return services.step_passage(step.heading, step.anchor, verdict.plan) if step else None


# ------------------------------------------------------------------ the pipeline


@dataclass
class Prepared:
    """Everything before the draft: shared by ask() and stream_ask()."""

    question: str
    query: str
    notes: list[str]
    retrieved: Retrieved
    is_decision: bool
    facts: dict[str, Any]
    verdict: Verdict | None
    plan: str | None
    step_chunk: Chunk | None = None  # the passage the deciding step rests on
    assumed: dict[str, Any] = field(default_factory=dict)  # implied facts (inside `facts` too)
    outside_scope: bool = False  # a sharing decision about a party or act the stappenplannen do not cover
    role_unknown: bool = False  # the question names a role the stappenplannen do not map


def _clean_question(question: str) -> tuple[str, str, list[str]]:
    if question is None or not str(question).strip():
        raise QuestionError("Lege vraag: stel een vraag over het delen van gegevens.")
    text = " ".join(str(question).replace("\x00", " ").split())
    notes: list[str] = []
    query = text
    if len(text) > MAX_QUESTION_CHARS:
        query = text[:MAX_QUESTION_CHARS]
        notes.append(TRUNCATION_NOTE.format(n=MAX_QUESTION_CHARS))
    return text, query, notes


def _consistent(merged: dict[str, Any], explicit: dict[str, Any],
                validate: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    """`merged` validated; when a fact read from the question contradicts what the user's answers imply
    (e.g. "werkt niet bij een bevoegde autoriteit" beside the answered role boa), the user's answers win
    and the contradicting question facts are left out, one by one, instead of failing the answer."""
    try:
        return validate(merged)
    except Exception:  # FactError from the engine
        kept = dict(explicit)
        for name, value in merged.items():
            if name in explicit:
                continue
            try:
                validate({**kept, name: value})
            except Exception:
                log.info("feit uit de vraag vervalt (in strijd met de antwoorden): %s", name)
                continue
            kept[name] = value
        return validate(kept)


def prepare(
    question: str,
    settings: Settings,
    facts: dict[str, Any] | None,
    llm,
    *,
    services: AnswerServices,
    history: Sequence[Any] | None = None,
) -> Prepared:
    text, query, notes = _clean_question(question)
    # Conversation history (issue 13): an elliptic follow-up is read as the standing question with
    # its new value; that standalone text is what is retrieved, routed and answered.
    context = contextualize(query, history)
    if context.is_followup:
        query = context.query[:MAX_QUESTION_CHARS]
        notes.append(FOLLOWUP_NOTE.format(query=query))
    rules, retrieve = services.rules, services.retrieve
    retrieved = retrieve(query)
    if context.is_followup and not retrieved.relevant and retrieve(context.previous[:MAX_QUESTION_CHARS]).relevant:
        # A follow-up adds words the handvatten need not use ("En als het dringend is?"); when the
        # question it continues is answerable, so is the follow-up read in its context.
        retrieved = replace(retrieved, relevant=True, reason="vervolgvraag op een vraag uit de handvatten")
    route = route_question(query)
    dictionary = rules.facts_dictionary()

    explicit = dict(facts or {})
    extracted = extract(query, explicit)
    stated = extracted.stated
    if context.is_followup:
        # Facts of the earlier question first, the follow-up's own facts last: a new value replaces the old.
        earlier = extract(context.previous, explicit).stated
        newer = extract(context.followup, explicit).stated
        stated = merge_facts(earlier, stated, newer)
    found = filter_facts(stated, dictionary, rules.validate, "extractor")
    from_llm: dict[str, Any] = {}
    if llm is not None and route.is_decision:
        try:
            raw = extract_with_llm(query, llm, settings, dictionary)
            from_llm = filter_facts(raw, dictionary, rules.validate, "taalmodel")
        except Exception as exc:  # a model failure never blocks the engine
            log.warning("feitextractie door taalmodel mislukt: %s", type(exc).__name__)
    # Assumptions fill only what nobody stated: explicit > extractor > language model > assumption.
    assumed = filter_facts({k: v for k, v in extracted.assumed.items() if k not in from_llm and k not in found},
                           dictionary, rules.validate, "aanname")
    merged = merge_facts(assumed, from_llm, found, explicit)
    assumed = {k: v for k, v in assumed.items() if k not in explicit}
    if explicit:
        rules.validate(explicit)  # explicit facts must be valid: raises with the valid names
        merged = _consistent(merged, explicit, rules.validate)

    decision = route.is_decision or bool(explicit)
    # A sharing decision is refused only on strong evidence (issue 14 item 3, issue 15): a score below
    # the stricter sharing threshold and no role, plan or recipient of the stappenplannen in the
    # question, or a weak score and an asker or giver the handvatten never name. Facts the user gave
    # (the panel) always keep it inside the stappenplan.
    outside = (decision and not explicit and not retrieved.relevant
               and refuse_sharing_decision(retrieved.score, merged, retrieved.outside_party))
    if not retrieved.relevant and decision and not outside:
        # A question whether one may or must share data is what the stappenplannen decide, even
        # when its wording shares few terms with the handvatten: never refuse it for weak lexical
        # evidence alone (issue 15).
        retrieved = replace(retrieved, relevant=True, reason="deelvraag: het stappenplan is van toepassing")

    # (After the scope check above, which the refusal fit made with the assumptions in place.)
    # A role the question names but the fact dictionary does not map ("Ik ben reclasseringswerker"):
    # no role (and nothing that follows from it) is assumed; the stappenplan asks it (issue 13, round 3).
    given = {**found, **from_llm, **explicit}
    role_unknown = "rol" not in given and "plan" not in given and unmapped_self_role(query) is not None
    if role_unknown and assumed:
        merged = {k: v for k, v in merged.items() if k not in assumed}
        assumed = {}

    verdict = None
    if decision and retrieved.relevant:
        # An explicit "onbekend" ("weet ik niet") is dropped by validation but still goes to the engine,
        # which then asks another open fact first (rules/facts.py, declined_facts).
        declined = {k: v for k, v in explicit.items() if k not in merged}
        verdict = rules.evaluate({**merged, **declined}, plan=merged.get("plan"))
    plan = verdict.plan if verdict else None
    step_chunk = deciding_step_passage(services, verdict) if verdict else None
    if verdict is None:  # no stappenplan: assumptions about it mean nothing
        merged = {k: v for k, v in merged.items() if k not in assumed}
    return Prepared(text, query, notes, retrieved, decision, merged, verdict, plan, step_chunk,
                    assumed if verdict is not None else {}, outside_scope=outside, role_unknown=role_unknown)


def with_step_passage(passages: Sequence[Passage], step_chunk: Chunk | None) -> tuple[list[Passage], int | None]:
    """`passages` plus the deciding step's passage (appended when not among them), and its number."""
    out = list(passages)
    if step_chunk is None:
        return out, None
    for n, p in enumerate(out, start=1):
        if p.chunk.id == step_chunk.id:
            return out, n
    out.append(Passage(chunk=step_chunk, score=0.0, rank=len(out) + 1))
    return out, len(out)


def _model_passages(prep: Prepared, provider: str, idf) -> tuple[str, list[int]]:
    """What the model writes from (issue 13): exactly the sections the extractive composer selects
    (`compose.select`), the answering section first, keeping each passage's own number [n]. A
    server model gets those sections whole (cut at PROMPT_PASSAGE_CHARS); the in-process model gets
    only the selected sentences of them (a short prompt: every token costs time on CPU). Only when
    the composer selects nothing does the model see the top retrieved passages. Returns (block
    text, the passage numbers shown)."""
    size = "local" if provider == "local" else "default"
    passages = prep.retrieved.passages
    chosen = select(prep.query, passages, idf)
    lines_by_n: dict[int, list[str]] = {}
    for n, lines, _ in chosen:
        lines_by_n.setdefault(n, []).extend(line.strip().removeprefix("- ") for line in lines)
    order = list(lines_by_n) or list(range(1, len(passages) + 1))
    order = order[: PROMPT_PASSAGES[size]]
    blocks = []
    for n in order:
        c = passages[n - 1].chunk
        era = " [Wbp]" if c.pre_avg else ""
        if size == "local" and n in lines_by_n:
            body = " ".join(lines_by_n[n])[: PROMPT_PASSAGE_CHARS[size]]
        else:
            body = " ".join(c.text.split())[: PROMPT_PASSAGE_CHARS[size]]
        blocks.append(f"[{n}]{era} {c.heading_path_str}\n{body}")
    return "\n\n".join(blocks), order


def _prompt_messages(prep: Prepared, settings: Settings, idf=None):
    from langchain_core.messages import HumanMessage, SystemMessage

    from deelwijzer.prompts import PromptError, load_prompt

    template = load_prompt(settings, "answer")
    if settings.llm_provider == "local":
        try:
            template = load_prompt(settings, "answer_local")
        except PromptError:  # a prompt version without a local variant uses the general one
            pass
    verdict_text = verdict_block(prep.verdict) if prep.verdict else "Geen oordeel: dit is geen deelvraag voor het stappenplan."
    passages, shown = _model_passages(prep, settings.llm_provider, idf)
    system, user = template.render(passages=passages, verdict=verdict_text, question=prep.query)
    return template.version, [SystemMessage(content=system), HumanMessage(content=user)], shown


_CITE = re.compile(r"\[(\d+)\]")
MODEL_FALLBACK_NOTE = (
    "(Het taalmodel gaf geen bruikbaar antwoord; hieronder staan de zinnen uit de handvatten zelf.)"
)
MODEL_UNSUPPORTED_NOTE = (
    "(Een zin van het taalmodel die de passages niet dragen is weggelaten.)"
)


def _only_shown_citations(draft: str, shown: Sequence[int]) -> str:
    """A model may only cite the passages it was shown: other [n] markers are dropped."""
    keep = set(shown)
    return _CITE.sub(lambda m: m.group(0) if int(m.group(1)) in keep else "", draft)


def usable_model_draft(draft: str) -> bool:
    """A draft with some text of its own: not empty, not only "[1]" (what the 0.5B model often gives)."""
    letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", _CITE.sub("", draft))
    return len(letters) >= 15


def _finish(prep: Prepared, guarded: Guarded, settings: Settings, llm, prompt_version: str | None) -> Answer:
    passages, _ = with_step_passage(prep.retrieved.passages, None if guarded.refused else prep.step_chunk)
    text = guarded.text
    if (prep.assumed and not guarded.refused and prep.verdict is not None and guarded.verdict_text
            and prep.verdict.outcome != "meer_informatie_nodig"):
        # the assumptions explain the engine's verdict; without one (a next question, or a question
        # about the rules in general) they explain nothing in the text: the panel shows them editable
        text = text.rstrip() + "\n\n" + describe_assumptions(prep.assumed)
    return Answer(
        answer=text,
        refused=guarded.refused,
        citations=guarded.citations,
        verdict=None if guarded.refused else prep.verdict,
        plan=None if guarded.refused else prep.plan,
        facts=prep.facts,
        llm=llm_info(settings, llm),
        prompt_version=prompt_version,
        passages=tuple(passages),
        verdict_text="" if guarded.refused else guarded.verdict_text,
        assumed={} if guarded.refused else dict(prep.assumed),
    )


def ask(
    question: str,
    settings: Settings,
    facts: dict[str, Any] | None = None,
    llm=None,
    *,
    services: AnswerServices | None = None,
    history: Sequence[Any] | None = None,
) -> Answer:
    """Answer one question. `services`: the index, retriever, rules and model to use (default: the
    process's `get_services(settings)`; the app passes its cached one, tests a fake). `llm`
    overrides the services' model (tests pass fakes). `history`: the earlier turns of the
    conversation (user questions as strings, or {"role", "content"} dicts); an elliptic follow-up
    is read in their context."""
    answer = None
    for piece in stream_ask(question, settings, facts, llm, services=services, history=history):
        if isinstance(piece, Answer):
            answer = piece
    assert answer is not None
    return answer


def stream_ask(
    question: str,
    settings: Settings,
    facts: dict[str, Any] | None = None,
    llm=None,
    *,
    services: AnswerServices | None = None,
    history: Sequence[Any] | None = None,
) -> Iterator[str | Answer]:
    """Yield text pieces of the draft, then the final (guarded) Answer. The final Answer's text
    is authoritative: the guard may remove claims the streamed draft contained, so a UI should
    replace the streamed text with `Answer.answer` at the end."""
    t0 = time.perf_counter()
    services = services if services is not None else get_services(settings)
    if llm is None:
        llm = services.llm
    prep = prepare(question, settings, facts, llm, services=services, history=history)
    if not prep.retrieved.relevant or not prep.retrieved.passages:
        guarded = refusal(SCOPE_REFUSAL_TEXT) if prep.outside_scope else guard("", prep.retrieved.passages, None,
                                                                                 relevant=False)
        yield guarded.text
        yield _finish(prep, guarded, settings, llm, None)
        return

    prompt_version = None
    idf = services.term_idf()
    shown: list[int] = []
    notes = list(prep.notes)
    extractive = llm is None
    if llm is None:
        draft = compose_extractive(prep.query, prep.retrieved.passages, idf)
    else:
        prompt_version, messages, shown = _prompt_messages(prep, settings, idf)
        chunks: list[str] = []
        try:
            if settings.llm_provider == "local":
                # transformers' streamer gives up after 60 s without a token, which a CPU prefill on a
                # busy machine can exceed; the in-process model therefore answers in one piece.
                piece = getattr(llm.invoke(messages), "content", "") or ""
                chunks.append(piece)
                yield piece
            else:
                for chunk in llm.stream(messages):
                    piece = getattr(chunk, "content", "") or ""
                    if piece:
                        chunks.append(piece)
                        yield piece
        except Exception as exc:  # a failing or silent model server: the extractive answer, with the note
            log.warning("taalmodel gaf een fout: %s", type(exc).__name__)
        draft = _only_shown_citations("".join(chunks), shown)
        # Only the sentences the shown passages carry (deelwijzer.faithful): a distorted rule or an
        # echo of the question is dropped, and the user is told so.
        draft, unsupported = keep_supported(draft, {n: prep.retrieved.passages[n - 1].chunk.text for n in shown},
                                            prep.query)
        if not usable_model_draft(strip_unsupported_claims(draft, prep.verdict)[0]):
            # The small local model often answers "[1]" and nothing else, or nothing the passages
            # carry, or only a yes/no the guard removes: then the user gets the extractive answer
            # from the same sections, and is told so (never an empty answer).
            log.info("taalmodel gaf geen bruikbaar antwoord; extractief antwoord gebruikt")
            draft = MODEL_FALLBACK_NOTE + "\n" + compose_extractive(prep.query, prep.retrieved.passages, idf)
            extractive = True
        elif unsupported:
            notes.append(MODEL_UNSUPPORTED_NOTE)
    citable, step_n = with_step_passage(prep.retrieved.passages, prep.step_chunk)
    guarded = guard(draft, citable, prep.verdict, notes=notes, step_n=step_n, protect_quotes=extractive,
                    about_rules=asks_about_rules(prep.query),
                    role_unknown=prep.role_unknown and bool(prep.verdict and prep.verdict.vraag
                                                            and prep.verdict.vraag.fact == "rol"))
    if llm is None:
        yield guarded.text
    log.info("ask: %.0f ms, %d passages, refused=%s", (time.perf_counter() - t0) * 1000,
             len(prep.retrieved.passages), guarded.refused)
    yield _finish(prep, guarded, settings, llm, prompt_version)
