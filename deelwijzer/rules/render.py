"""The one place a verdict becomes text: the chat block (and `Answer.verdict_text`), the CLI
explanation, the copied "Kopieer onderbouwing" text, and the labels the UI shows.

Every word comes from the rules' own texts (rules/annotations.yaml, `RuleSet.texts`,
`RuleSet.voorwaarden`); this module only lays them out. Pass the rule set where the caller has
one; otherwise the default rules are used (cached, so this is cheap).
"""

from __future__ import annotations

import re

from collections.abc import Sequence
from typing import Any

from deelwijzer.models import TraceStep, Verdict

from .loader import load_rules
from .model import RuleSet


def _rs(ruleset: RuleSet | None) -> RuleSet:
    return ruleset if isinstance(ruleset, RuleSet) else load_rules()


# ---- labels ----------------------------------------------------------------------------------
def humanize(code: str) -> str:
    """`afweging_vastleggen` -> `Afweging vastleggen` for codes without a text of their own."""
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def outcome_label(outcome: str | None, ruleset: RuleSet | None = None) -> str:
    return _rs(ruleset).texts.outcome_labels.get(outcome or "", humanize(outcome or "onbekend"))


def voorwaarde_text(code: str, ruleset: RuleSet | None = None) -> str:
    return _rs(ruleset).voorwaarden.get(code, humanize(code))


def plan_labels(ruleset: RuleSet | None = None) -> dict[str, str]:
    return dict(_rs(ruleset).texts.plan_labels)


def plan_label(plan: str | None, ruleset: RuleSet | None = None) -> str:
    if not plan:
        return "Nog niet gekozen"
    return _rs(ruleset).texts.plan_labels.get(plan, humanize(plan))


def plan_headings(ruleset: RuleSet | None = None) -> dict[str, str]:
    return dict(_rs(ruleset).texts.plan_headings)


def disclaimer(kind: str, ruleset: RuleSet | None = None) -> str:
    """chat | cli | advice (see annotations.yaml `disclaimers`)."""
    return _rs(ruleset).texts.disclaimers[kind]


def fmt_value(value: Any) -> str:
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    return str(value)


def format_fact_value(value: Any) -> str:
    if value is True:
        return "Ja"
    if value is False:
        return "Nee"
    if value is None:
        return "Onbekend"
    return humanize(str(value)) if isinstance(value, str) else str(value)


def fact_question(ruleset: Any, fact: str) -> str:
    """The question text for a fact from the rule set's fact dictionary, else a readable name."""
    spec = getattr(ruleset, "facts", {}).get(fact) if ruleset is not None else None
    for attr in ("question", "text", "vraag", "label"):
        value = getattr(spec, attr, None) if spec is not None else None
        if isinstance(value, str) and value.strip():
            return value.strip()
    return humanize(fact)


def trace_line(trace: Sequence[TraceStep], ruleset: RuleSet | None = None) -> str:
    """The steps visited as one readable line of step titles, for answers and dossiers: the
    routing step and "→ next step" results are left out, an outcome is said in words."""
    short = _rs(ruleset).texts.outcome_short
    parts = []
    for t in trace:
        if t.step == "routing":
            continue
        outcome = short.get(t.result)
        parts.append(f"{t.title} ({outcome})" if outcome else t.title)
    return " → ".join(parts)


def _referral(verdict: Verdict, wie_label: str = "Voorleggen aan") -> list[str]:
    """Whom to consult and which other plan to follow, as every rendering names them."""
    lines = [f"{wie_label}: " + "; ".join(verdict.wie)] if verdict.wie else []
    if verdict.verwijzing:
        lines.append(f"Verwijzing: {verdict.verwijzing}")
    return lines


MAX_OPTIONS_IN_TEXT = 8
# "zorg_hulpverlener: zorg- of hulpverlener (...); om: Openbaar Ministerie; ..." in a help text
_DESCRIBED = re.compile(r"\b([a-z]+(?:_[a-z]+)*): ([^;:]+?)(?=;|$)")
_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a fact value code such as zorg_hulpverlener


# ---- the chat (and Answer.verdict_text) ------------------------------------------------------
def verdict_block(verdict: Verdict, step_ref: str = "", ruleset: RuleSet | None = None) -> str:
    """The engine's verdict (or its next question) as readable Dutch; `step_ref` (" [3]") cites
    the passage the deciding step rests on."""
    rs = _rs(ruleset)
    plan = f" {verdict.plan}" if verdict.plan else ""
    lines: list[str] = []
    if verdict.outcome == "meer_informatie_nodig":
        lines.append(f"Oordeel van het stappenplan{plan}: nog geen oordeel; er is meer informatie nodig.")
        if verdict.vraag:
            q = verdict.vraag
            lines.append(f"Volgende vraag: {q.text}")
            # Readable options only: a long list (40 recipients) or raw codes belong in the panel's
            # buttons, not in the answer text a professional reads first.
            if q.options and len(q.options) <= MAX_OPTIONS_IN_TEXT:
                described = dict(_DESCRIBED.findall(q.help or ""))
                lines.append("Mogelijke antwoorden: " + "; ".join(
                    described.get(o, humanize(o)).strip().rstrip(".") for o in q.options))
            elif q.options:
                lines.append("Kies het antwoord in het paneel Stappenplan.")
            elif q.type == "bool":
                lines.append("Mogelijke antwoorden: ja; nee; weet ik niet")
            if q.help and not _CODE.search(q.help):
                lines.append(f"Toelichting: {q.help}")
    else:
        lines.append(f"Oordeel van het stappenplan{plan}: {rs.texts.outcome_sentences[verdict.outcome]}")
        lines.extend(_referral(verdict))
        if verdict.voorlopig:
            lines.append(f"Voorlopig oordeel na die toetsing: {verdict.voorlopig.replace('_', ' ')}.")
    if verdict.heading or verdict.beslissende_stap:
        label = "Bij stap" if verdict.outcome == "meer_informatie_nodig" else "Beslissende stap"
        lines.append(f"{label}: {verdict.heading or verdict.beslissende_stap}{step_ref}")
    if verdict.basis:
        lines.append("Grondslag: " + "; ".join(verdict.basis))
    if verdict.voorwaarden:
        lines.append("Voorwaarden: " + " ".join(voorwaarde_text(v, rs) for v in verdict.voorwaarden))
    walked = trace_line(verdict.trace, rs) if verdict.trace else ""
    if walked:
        lines.append("Doorlopen stappen: " + walked)
    lines.append(rs.texts.disclaimers["chat"].format(version=verdict.rules_version))
    return "\n".join(lines)


def verdict_invitation(verdict: Verdict, role_unknown: bool = False) -> str:
    """One line for the answer text while the engine needs facts (issue 13, round 3): the plan and its
    next question, no options and no disclaimer (those stay in the panel and in `verdict.vraag`).
    `role_unknown`: the question names a role the stappenplannen do not map, so the line says that the
    stappenplan needs the role instead of assuming one."""
    plan = f" {verdict.plan}" if verdict.plan else ""
    q = verdict.vraag
    if role_unknown:
        return ("Voor een oordeel volgens het stappenplan is uw rol nodig (uit uw vraag blijkt niet welk "
                "stappenplan past)" + (f": {q.text}" if q else "; kies die in het paneel Stappenplan."))
    if q is None:
        return f"Het stappenplan{plan} geeft nog geen oordeel; zie het paneel Stappenplan."
    return f"Voor een oordeel volgens het stappenplan{plan}: {q.text}"


# ---- the CLI -----------------------------------------------------------------------------------
def _listed(title: str, items: list[str]) -> list[str]:
    """A titled list after a blank line; nothing when there are no items."""
    return ["", title, *(f"  - {item}" for item in items)] if items else []


def explain(ruleset: RuleSet, verdict: Verdict) -> str:
    texts = ruleset.texts
    lines: list[str] = []
    plan = ruleset.plans[verdict.plan].title if verdict.plan in ruleset.plans else "(nog geen stappenplan)"
    lines.append(f"Oordeel: {texts.outcome_titles[verdict.outcome]} — {texts.outcome_sentences[verdict.outcome]}")
    lines.append(f"Stappenplan: {plan}")
    if verdict.beslissende_stap:
        lines.append(f"Beslissende stap: {verdict.beslissende_stap} — \"{verdict.heading}\"")
    if verdict.voorlopig:
        lines.append(f"Voorlopig oordeel van het stappenplan: {verdict.voorlopig}")
    lines.extend(_referral(verdict, "Raadpleeg"))
    if verdict.vraag:
        q = verdict.vraag
        lines.append("")
        lines.append(f"Volgende vraag ({q.fact}): {q.text}")
        if q.options:
            lines.append("  Antwoordmogelijkheden: " + ", ".join(q.options))
        if q.help:
            lines.append(f"  Toelichting: {q.help}")
    elif verdict.outcome == "meer_informatie_nodig":
        lines.append("De handreiking geeft voor deze situatie geen eindoordeel.")
    if verdict.basis:
        lines.append("")
        lines.append("Grondslag en artikelen: " + "; ".join(verdict.basis))
    lines.extend(_listed("Voorwaarden:", [voorwaarde_text(v, ruleset) for v in verdict.voorwaarden]))
    lines.append("")
    lines.append("Doorlopen stappen:")
    for i, t in enumerate(verdict.trace, 1):
        lines.append(f"  {i}. {t.step} — {t.title}: {t.result}")
        lines.append(f"     Kop in de handreiking: \"{t.heading}\"")
        if t.anchor:
            lines.append(f"     Passage: \"{t.anchor}\"")
        if t.facts_used:
            used = ", ".join(f"{k}={fmt_value(v)}" for k, v in t.facts_used.items())
            lines.append(f"     Gebruikte feiten: {used}")
        if t.note:
            lines.append(f"     {t.note}")
    lines.extend(_listed("Let op, de handreiking is hier niet expliciet:", list(verdict.ambiguities)))
    lines.append("")
    lines.append(texts.disclaimers["cli"])
    lines.append(f"Regelversie {verdict.rules_version}; bron: handreiking '{ruleset.source['doc_id']}', {ruleset.source['version']}.")
    return "\n".join(lines)


# ---- "Kopieer onderbouwing" ------------------------------------------------------------------
def dossier_text(verdict: Verdict, facts: dict[str, Any] | None = None, ruleset: Any = None) -> str:
    """The verdict with its grounds as plain Dutch text to paste into a dossier. `ruleset` is
    also used for the facts' questions (without one the facts are named by their code)."""
    rs = _rs(ruleset)
    lines = [f"Uitkomst: {outcome_label(verdict.outcome, rs)}"]
    if verdict.voorlopig:
        lines.append(f"Voorlopige uitkomst: {outcome_label(verdict.voorlopig, rs)}")
    lines.append(f"Stappenplan: {plan_label(verdict.plan, rs)}")
    if verdict.beslissende_stap:
        heading = f" ({verdict.heading})" if verdict.heading else ""
        lines.append(f"Beslissende stap: {verdict.beslissende_stap}{heading}")
    if verdict.basis:
        lines.append("Grondslag: " + "; ".join(verdict.basis))
    lines.extend(_referral(verdict))
    if verdict.voorwaarden:
        lines.append("Voorwaarden:")
        lines.extend(f"- {voorwaarde_text(v, rs)}" for v in verdict.voorwaarden)
    if facts:
        lines.append("Opgegeven feiten:")
        for k, v in facts.items():
            q = fact_question(ruleset, k)
            lines.append(f"- {q} {format_fact_value(v)}" if q.endswith("?") else f"- {q}: {format_fact_value(v)}")
    if verdict.trace:
        lines.append("Doorlopen stappen:")
        for step in verdict.trace:
            title = step.title or step.step
            heading = f" — {step.heading}" if step.heading and step.heading != title else ""
            result = f": {humanize(step.result)}" if step.result else ""
            lines.append(f"- {step.step} {title}{heading}{result}")
    if verdict.ambiguities:
        lines.append("Let op (interpretatie): " + "; ".join(verdict.ambiguities))
    lines.append(f"Regelset: versie {verdict.rules_version}")
    lines.append("")
    lines.append(rs.texts.disclaimers["advice"])
    return "\n".join(lines)
