"""A readable Dutch explanation of a Verdict (for the CLI; the UI renders its own card)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deelwijzer.models import TraceStep, Verdict

from .model import RuleSet

CAVEAT = (
    "Dit is een advies, geen besluit: het volgt de stappen van de handreiking voor de feiten die u "
    "opgaf. De handreiking is nadrukkelijk geen checklist; uw eigen afweging beslist. Leg die vast."
)

OUTCOME_TITLES = {
    "mag_delen": "MAG DELEN",
    "mag_niet_delen": "MAG NIET DELEN",
    "verplicht_delen": "VERPLICHT DELEN",
    "meer_informatie_nodig": "MEER INFORMATIE NODIG",
    "raadpleeg_functionaris": "RAADPLEEG EERST",
    "ander_stappenplan": "ANDER STAPPENPLAN",
}


# The outcome as it reads at the end of a one-line trace ("... → Stap 5: Noodzakelijk? (mag delen)").
OUTCOME_SHORT = {
    "mag_delen": "mag delen",
    "mag_niet_delen": "mag niet delen",
    "verplicht_delen": "verplicht delen",
    "meer_informatie_nodig": "hier is meer informatie nodig",
    "raadpleeg_functionaris": "raadpleeg eerst",
    "ander_stappenplan": "ander stappenplan",
}


def trace_line(trace: Sequence[TraceStep]) -> str:
    """The steps visited as one readable line of step titles, for answers and dossiers: the
    routing step and "→ next step" results are left out, an outcome is said in words."""
    parts = []
    for t in trace:
        if t.step == "routing":
            continue
        outcome = OUTCOME_SHORT.get(t.result)
        parts.append(f"{t.title} ({outcome})" if outcome else t.title)
    return " → ".join(parts)


def fmt_value(value: Any) -> str:
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    return str(value)


def explain(ruleset: RuleSet, verdict: Verdict) -> str:
    lines: list[str] = []
    plan = ruleset.plans[verdict.plan].title if verdict.plan in ruleset.plans else "(nog geen stappenplan)"
    lines.append(f"Oordeel: {OUTCOME_TITLES[verdict.outcome]} — {ruleset.outcome_labels[verdict.outcome]}")
    lines.append(f"Stappenplan: {plan}")
    if verdict.beslissende_stap:
        lines.append(f"Beslissende stap: {verdict.beslissende_stap} — \"{verdict.heading}\"")
    if verdict.voorlopig:
        lines.append(f"Voorlopig oordeel van het stappenplan: {verdict.voorlopig}")
    if verdict.wie:
        lines.append("Raadpleeg: " + "; ".join(verdict.wie))
    if verdict.verwijzing:
        lines.append(f"Verwijzing: {verdict.verwijzing}")
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
    if verdict.voorwaarden:
        lines.append("")
        lines.append("Voorwaarden:")
        for v in verdict.voorwaarden:
            lines.append(f"  - {ruleset.voorwaarden.get(v, v)}")
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
    if verdict.ambiguities:
        lines.append("")
        lines.append("Let op, de handreiking is hier niet expliciet:")
        for note in verdict.ambiguities:
            lines.append(f"  - {note}")
    lines.append("")
    lines.append(CAVEAT)
    lines.append(f"Regelversie {verdict.rules_version}; bron: handreiking '{ruleset.source['doc_id']}', {ruleset.source['version']}.")
    return "\n".join(lines)
