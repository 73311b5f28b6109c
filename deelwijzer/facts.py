"""Facts stated in a question, for the rules engine.

Two sources:
- a deterministic Dutch keyword extractor (always): a small table of patterns, each naming one
  fact and value, applied to accent-folded text; only facts the question states clearly;
- a language model's structured output (when one is configured): JSON from prompts/<v>/facts.md.

Both are filtered through the rule set's fact dictionary; unknown names or invalid values are
dropped (and logged by name only, never with question text).

Precedence (decided here, documented in the README): explicit facts (--facts / UI) > deterministic
extractor > language model. The extractor's hits are auditable patterns; a small model can invent
facts, so it only fills gaps and never overrides what the patterns found.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from deelwijzer.route import detect_rol, fold

log = logging.getLogger(__name__)

_NEG = r"(geen|zonder|niet|nog geen)"


@dataclass(frozen=True)
class Pattern:
    fact: str
    value: Any
    regex: re.Pattern[str]


def _p(fact: str, value: Any, *regexes: str) -> list[Pattern]:
    return [Pattern(fact, value, re.compile(r)) for r in regexes]


# Order matters only within one fact: the first matching pattern wins (negations first).
PATTERNS: tuple[Pattern, ...] = tuple(
    # consent
    _p("toestemming", False,
       r"\bzonder (zijn |haar |hun |de |uitdrukkelijke )?(\w+ )?toestemming",
       r"\bgeen toestemming", r"\btoestemming (is )?geweigerd", r"\bweigert (\w+ )?toestemming",
       r"\bniet (om )?toestemming (te )?(vragen|gevraagd)")
    + _p("toestemming", True,
         r"\b(heeft|hebben|heb|gaf|gaven|geeft|geven) (\w+ ){0,4}toestemming( gegeven)?\b(?! nodig)",
         r"\bmet (zijn |haar |hun |de )?(schriftelijke |uitdrukkelijke )?toestemming\b",
         r"\btoestemming (is )?(gegeven|verleend)")
    # suspicion of child abuse / domestic violence (zorg meldrecht I)
    + _p("vermoeden_kindermishandeling_huiselijk_geweld", True,
         r"\bvermoeden(s)? van (kindermishandeling|huiselijk geweld)",
         r"\b(vermoed|vermoeden|vermoedt|zorgen over|signalen van) .{0,40}(kindermishandeling|huiselijk geweld)",
         r"\b(kindermishandeling|huiselijk geweld) vermoed")
    # recipient (one per question; the first mention in a recipient position wins)
    + _p("ontvanger", "veilig_thuis", r"\b(bij|aan|met|naar) veilig thuis\b", r"\bveilig thuis (melden|inlichten)")
    + _p("ontvanger", "raad_kinderbescherming", r"\b(bij|aan|met|naar) de raad voor de kinderbescherming")
    + _p("ontvanger", "verwijsindex", r"\b(in|bij|aan) de verwijsindex")
    + _p("ontvanger", "gecertificeerde_instelling", r"\b(aan|met|bij) (de )?gecertificeerde instelling")
    + _p("ontvanger", "riec", r"\b(aan|met|bij) (het )?riec\b")
    + _p("ontvanger", "halt", r"\b(aan|met|bij) (het )?halt\b")
    + _p("ontvanger", "reclassering", r"\b(aan|met|bij) de reclassering\b")
    + _p("ontvanger", "woningcorporatie", r"\b(aan|met|bij) (de |een )?woningcorporatie")
    + _p("ontvanger", "burgemeester", r"\b(aan|met|bij) de burgemeester\b")
    + _p("ontvanger", "openbaar_ministerie",
         r"\b(aan|met|bij) (het )?(om|openbaar ministerie)\b", r"\b(aan|met|bij) de officier van justitie")
    + _p("ontvanger", "politie",
         r"\b(aan|met|bij|naar) de (wijk)?(politie|wijkagent)\b", r"\bde politie (informeren|inlichten|tippen)",
         r"\baangifte (doen|te doen)( bij de politie)?")
    + _p("ontvanger", "zorg_hulpverlener",
         r"\b(aan|met|bij) (het |de |een )?(wijkteam|jeugdhulp\w*|huisarts|hulpverlen\w*|ggz\w*)")
    + _p("ontvanger", "andere_school", r"\b(aan|met|bij) (de |een )?(andere|nieuwe) school")
    + _p("ontvanger", "collega_school", r"\b(met|aan) (de |mijn |een )?(mentor|zorgcoordinator|collega'?s? (leerkracht|docent))")
    + _p("ontvanger", "gemeente", r"\b(aan|met|bij) de gemeente\b")
    # meldrecht follows from the recipient in plan zorg (melden bij Veilig Thuis = meldrecht I)
    + _p("meldrecht", "veilig_thuis", r"\bmeld\w* (\w+ ){0,6}bij veilig thuis", r"\bveilig thuis (\w+ ){0,3}meld")
    + _p("meldrecht", "verwijsindex", r"\bmeld\w* (\w+ ){0,6}(in|bij) de verwijsindex")
    # offence / aangifte
    + _p("wil_aangifte_doen", True, r"\baangifte (doen|te doen|gedaan)", r"\baangifte bij de politie",
         # reporting an observed offence to the police is what the stappenplannen call aangifte
         r"\b(vuurwapen|wapen|mes|strafbaar feit)\b.{0,100}\b(aan|bij) de politie (te )?(melden|doorgeven)")
    + _p("strafbaar_feit", "binnen_hulpverlening",
         r"\b(mij|ons|mijn (collega|praktijk)|onze (praktijk|medewerker)) (heeft |is )?(bedreigd|mishandeld|aangevallen)",
         r"\b(bedreigd|aangevallen|mishandeld) door (een |mijn |onze )?(client|patient)")
    + _p("strafbaar_feit", "geconstateerd",
         r"\b(zag|zie|constateerde|ontdekte|vond|vonden) .{0,40}(vuurwapen|wapen|mes)\b",
         r"\b(had|heeft) (een |zijn )?(vuurwapen|wapen|mes) (bij zich|in zijn tas|in haar tas)")
    # personal data or not
    + _p("is_persoonsgegeven", False,
         r"\bzonder (enige )?herleidbare", r"\b(geanonimiseerd|niet herleidbaar|geaggregeerd)\w*")
    + _p("is_persoonsgegeven", True,
         r"\b(naam|namen|adres|adresgegevens|geboortedatum|bsn|persoonsgegevens) (van|der)\b")
    + _p("bijzonder_persoonsgegeven", True,
         r"\b(gezondheidsgegevens|medische gegevens|medisch dossier|diagnose|religie|etnische afkomst)\b")
    + _p("strafrechtelijk_persoonsgegeven", True, r"\b(strafblad|veroordeling|veroordeeld|strafrechtelijke gegevens)\b")
    # anonymous advice from a colleague (zorg.2.advies)
    + _p("anoniem_overleg", True, r"\banoniem (\w+ ){0,4}(overleggen|bespreken|voorleggen)", r"\banonieme casusbespreking")
    # supervision order (zorg 2B)
    + _p("ots_uitgesproken", True, r"\bondertoezichtstelling\b", r"\bots\b")
    # Justitie: how the case ended
    + _p("zaak_afloop", "vrijspraak", r"\bvrijgesproken\b", r"\bvrijspraak\b")
    + _p("zaak_afloop", "beleidssepot", r"\bbeleidsmatig geseponeerd\b", r"\bbeleidssepot\b")
    + _p("zaak_afloop", "technisch_sepot", r"\btechnisch (sepot|geseponeerd)\b")
    # purpose
    + _p("verstrekkingsdoel", "handhaven_openbare_orde", r"\b(handhaving|handhaven) van de openbare orde\b")
    + _p("verstrekkingsdoel", "voorkomen_opsporen_strafbare_feiten", r"\b(voorkomen|opsporen) van strafbare feiten\b")
)

_AGE = re.compile(r"\b(?:van|is|bent|jongere van|leerling van|kind van|meisje van|jongen van)\s+(\d{1,2})(?:\s+jaar)?\b|\b(\d{1,2})[- ]jarige?\b")


def extract_deterministic(question: str) -> dict[str, Any]:
    """Facts the question states clearly, by pattern. Unfiltered: see `filter_facts`."""
    text = fold(question)
    facts: dict[str, Any] = {}
    rol = detect_rol(question)
    if rol:
        facts["rol"] = rol
    for pat in PATTERNS:
        if pat.fact in facts:
            continue
        if pat.regex.search(text):
            facts[pat.fact] = pat.value
    m = _AGE.search(text)
    if m:
        age = int(m.group(1) or m.group(2))
        if 0 < age < 100:
            facts["leeftijd_betrokkene"] = age
    return facts


# ---------------------------------------------------------------- the fact dictionary


def _spec_type(spec: Any) -> str:
    return str(getattr(spec, "type", None) or (spec.get("type") if isinstance(spec, dict) else "") or "")


def _spec_values(spec: Any) -> tuple[str, ...]:
    for attr in ("values", "options", "enum"):
        v = getattr(spec, attr, None)
        if v is None and isinstance(spec, dict):
            v = spec.get(attr)
        if v and not callable(v):
            return tuple(str(x) for x in v)
    return ()


def _spec_question(spec: Any) -> str:
    for attr in ("question", "vraag", "text"):
        v = getattr(spec, attr, None)
        if v is None and isinstance(spec, dict):
            v = spec.get(attr)
        if v:
            return str(v)
    return ""


def filter_facts(
    facts: dict[str, Any],
    fact_specs: dict[str, Any],
    validate: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    source: str = "extractor",
) -> dict[str, Any]:
    """Keep only facts the dictionary knows with a valid value; each fact is checked on its own
    so one bad value never discards the rest. `validate` is the engine's validate_facts."""
    kept: dict[str, Any] = {}
    for name, value in facts.items():
        if name not in fact_specs:
            log.warning("feit verworpen (%s): onbekende naam %r", source, name)
            continue
        try:
            normalised = validate({name: value}) if validate else {name: value}
        except Exception as exc:  # FactError from the engine; only the name is logged
            log.warning("feit verworpen (%s): ongeldige waarde voor %r (%s)", source, name, type(exc).__name__)
            continue
        kept[name] = normalised.get(name, value)
    return kept


# ---------------------------------------------------------------- language-model facts


def fact_list_for_prompt(fact_specs: dict[str, Any], names: Iterable[str] | None = None) -> str:
    """One line per fact: name, type, allowed values, the Dutch question."""
    lines = []
    for name in names or fact_specs:
        spec = fact_specs[name]
        kind = _spec_type(spec) or "?"
        values = _spec_values(spec)
        allowed = f" ({' | '.join(values)})" if values else ""
        question = _spec_question(spec)
        lines.append(f"- {name}: {kind}{allowed}" + (f" — {question}" if question else ""))
    return "\n".join(lines)


_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def parse_json_facts(text: str) -> dict[str, Any]:
    """The first JSON object in a model reply ({} when there is none or it does not parse)."""
    m = _JSON_OBJECT.search(text or "")
    if not m:
        return {}
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError:
        log.warning("feitextractie door taalmodel: geen geldige JSON")
        return {}
    return data if isinstance(data, dict) else {}


# The facts a question typically states, shown to the model. The full dictionary (~100 facts)
# would make the prompt too long for a small local model; the engine asks for the rest.
PROMPT_FACTS: tuple[str, ...] = tuple(dict.fromkeys(
    ["rol", "ontvanger", "toestemming", "strafbaar_feit", "wil_aangifte_doen", "is_persoonsgegeven",
     "bijzonder_persoonsgegeven", "strafrechtelijk_persoonsgegeven", "leeftijd_betrokkene", "verstrekkingsdoel",
     "wettelijke_plicht", "is_noodzakelijk", "is_proportioneel", "subsidiair"]
    + [p.fact for p in PATTERNS]
))


def extract_with_llm(question: str, llm, settings, fact_specs: dict[str, Any]) -> dict[str, Any]:
    """Raw facts from the model's JSON reply (unfiltered)."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from deelwijzer.prompts import load_prompt

    template = load_prompt(settings, "facts")
    names = [n for n in PROMPT_FACTS if n in fact_specs]
    system, user = template.render(fact_list=fact_list_for_prompt(fact_specs, names), question=question)
    reply = llm.invoke([SystemMessage(content=system), HumanMessage(content=user)])
    return parse_json_facts(getattr(reply, "content", str(reply)))


def merge_facts(*layers: dict[str, Any]) -> dict[str, Any]:
    """Later layers win: merge_facts(llm, deterministic, explicit)."""
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return merged
