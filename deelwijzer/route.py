"""Routing: is the question a sharing decision, and what is the asker's role (`rol`)?

We only map text to the `rol` fact; which stappenplan follows from `rol` is the rules engine's
routing table (rules YAML), so it is never duplicated here."""

from __future__ import annotations

import re
from dataclasses import dataclass

import unicodedata


def fold(text: str) -> str:
    """Lower case without diacritics and with single spaces: 'Cliënt' -> 'client'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.lower())

# A modal/decision phrase plus a sharing verb = a sharing-decision question.
_MODAL = re.compile(
    r"\b(mag|mogen|moet|moeten|kan|kunnen|kun|ben ik verplicht|zijn wij verplicht|is het toegestaan|"
    r"toegestaan|verplicht|mag dat|kan dat|is dat toegestaan|mag het|mogelijk)\b"
)
_SHARE = re.compile(
    r"\b(del(en|e)|gedeeld|verstrek\w*|meld(en|t|ing)?|gemeld|doorge\w*|door te geven|doorgeven|doorsturen|"
    r"geven|geef|gegeven|informeren|inlichten|uitwissel\w*|vertellen|bespreken|tip\w*|ter beschikking|"
    r"aangifte|opvragen|inzage|melding)\b"
)
_NOT_DECISION = re.compile(r"^(wat is|wat zijn|wat betekent|wat houdt|welke rol|hoe werkt|wie is)\b")


def is_sharing_question(question: str) -> bool:
    text = fold(question)
    if _NOT_DECISION.search(text.strip()) and not re.search(r"\bmag (ik|wij|we|het|de|een)\b", text):
        return False
    return bool(_MODAL.search(text) and _SHARE.search(text))


# (pattern over folded text, rol). Order matters: the most specific first.
_ROLE_TERMS: tuple[tuple[str, str], ...] = (
    (r"boa\b.{0,40}\bgemeente|gemeente\w*.{0,40}\bboa\b|gemeentelijke boa|handhaver", "gemeente_boa"),
    (r"\bboa('s)?\b|buitengewoon opsporingsambtenaar", "bevoegde_autoriteit"),
    (r"politie\w*|wijkagent|agent\b|rechercheur|marechaussee|fiod|opsporingsdienst|rijksrecherche",
     "bevoegde_autoriteit"),
    (r"officier van justitie|openbaar ministerie|\bom\b|parket\w*|het om\b", "om"),
    (r"(medewerker|ambtenaar|adviseur)\w* (openbare orde|veiligheid|ov)\b|openbare[- ]?orde|burgemeester|"
     r"team veiligheid|afdeling veiligheid", "gemeente_openbare_orde"),
    (r"(hulpverlener|wijkteam\w*|jeugdconsulent|consulent|sociaal domein)\w*.{0,40}\bgemeente|"
     r"gemeente\w*.{0,30}\b(wijkteam|hulpverlen|sociaal domein|jeugdconsulent)", "gemeente_hulpverlener"),
    (r"wijkteam\w*|hulpverlener|zorgverlener|zorgprofessional|huisarts|\barts\b|psychiater|psycholoog|"
     r"ggz\w*|jeugdhulp\w*|jeugdzorg\w*|jeugdbeschermer|jeugdreclassering|maatschappelijk werk\w*|"
     r"gezinscoach|jongerenwerk\w*|verpleegkundige|verloskundige|fysiotherapeut|behandelaar|"
     r"doktersassistent|praktijkondersteuner|veilig thuis[- ]?medewerker", "zorg_hulpverlener"),
    (r"leraar|leerkracht|docent|mentor|zorgco[oö]rdinator|intern begeleider|schoolleider|directeur van|"
     r"onderwijs\w*|\bschool\b|basisschool|middelbare school|\bmbo\b|leerling", "onderwijs"),
)
_SELF = re.compile(
    r"\b(ik ben|ik werk|ik zit|wij zijn|we zijn|als|werkzaam|in dienst|namens|vanuit)\b(?P<rest>.{0,80})"
)
_SUBJECT = re.compile(r"\b(mag|mogen|moet|moeten|kan|kunnen)\s+(?P<rest>(het|de|een|onze|mijn)?\s*\w+(\s\w+)?)")


@dataclass(frozen=True)
class Route:
    is_decision: bool
    rol: str | None


def _role_in(window: str) -> str | None:
    """The role named earliest in the window (ties: the more specific pattern)."""
    best: tuple[int, int, str] | None = None
    for order, (pattern, rol) in enumerate(_ROLE_TERMS):
        m = re.search(pattern, window)
        if m and (best is None or (m.start(), order) < best[:2]):
            best = (m.start(), order, rol)
    return best[2] if best else None


def detect_rol(question: str) -> str | None:
    """The asker's role, from a self-description ("Ik ben wijkteammedewerker", "Als leraar ...")
    or, failing that, the subject of the question ("Mag het OM ..."). None when not stated."""
    text = fold(question)
    windows = [_clause(m.group("rest")) for m in _SELF.finditer(text)]
    windows += [_clause(m.group("rest")) for m in _SUBJECT.finditer(text)]
    for window in windows:
        rol = _role_in(window)
        if rol:
            return rol
    # Nobody introduced themselves: a question about "een leerling" comes from a school,
    # one about "mijn cliënt" from a care professional.
    if re.search(r"\b(onze|mijn|een) (leerling|klas)", text):
        return "onderwijs"
    if re.search(r"\b(mijn|onze) (client|patient)", text):
        return "zorg_hulpverlener"
    return None


def _clause(window: str) -> str:
    """Cut a self-description at the end of its clause, so 'als medewerker openbare orde wil ik de
    politie informeren' names the asker, not the recipient."""
    return re.split(r"[.,;:?!]| (wil|wilt|willen|mag|mogen|moet|moeten|heb|hebben|zie|zag|hoor) ", window)[0]


# A leading sentence in which the asker introduces themselves ("Ik ben procesregisseur in het
# Veiligheidshuis."), followed by the actual question.
_SELF_SENTENCE = re.compile(r"^\s*((?:ik|wij|we) (?:ben|zijn|werk|werken|zit|zitten)\b[^.?!]*\.)\s+(?=\S)", re.I)


def split_self_description(question: str) -> tuple[str, str]:
    """(self-description, rest) when the question opens with one sentence about the asker, else
    ("", question). The role routes to a plan; it says little about *which passage* answers."""
    m = _SELF_SENTENCE.match(question)
    return (m.group(1), question[m.end():]) if m else ("", question)


def route_question(question: str) -> Route:
    return Route(is_decision=is_sharing_question(question), rol=detect_rol(question))
