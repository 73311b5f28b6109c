"""Whose rules does a section state, and who asks? (issue 13, round 4: blind grade)

Several handvatten have a chapter or a stappenplan per party ("Stappenplan Politie", "5.3 Openbaar
Ministerie", "5.5 GGD, GGZ en overige gezondheidszorg"). Its rules are that party's: what the police
may provide is not what the OM may provide, and a GGD's rule does not bind a reclassering worker. When
the question says who asks ("Ik ben reclasseringswerker", "Kunnen wij als OM …") and does not name the
section's party at all, that section answers another actor's question; the composer then weighs it less.

Only these two readings are made here: the asker from the question's self-description, the party from
the heading that a section is filed under. Nothing is assumed when either is absent.
"""

from __future__ import annotations

import re
from typing import Sequence

from deelwijzer.route import RECEIVES
from deelwijzer.textnorm import fold

# actor -> words that name it in a question (folded text)
_NAMES: dict[str, str] = {
    "politie": r"politie|wijkagent\w*|agent|agenten|rechercheur\w*|opsporingsambtena\w*",
    "om": r"openbaar ministerie|officier\w* van justitie|parket\w*|ovj",
    "gemeente": r"gemeente\w*|burgemeester|wethouder|college van b\W?(en|&)\W?w|oov|openbare.orde\w*|ambtena\w*",
    "zorg": r"ggd|ggz|arts|huisarts\w*|jeugdarts|psychiater|psycholoog|verpleegkundige\w*|behandelaar\w*|"
            r"zorgverlener\w*|zorgprofessional\w*|fact-team|ribw",
    "hulpverlener": r"hulpverlener\w*|wijkteam\w*|sociaal team|maatschappelijk werk\w*|jeugdhulp\w*|gezinscoach\w*|"
                    r"wijkcoach\w*|jeugdconsulent\w*|jongerenwerk\w*|begeleider\w*|ambulant\w*",
    "jeugdbescherming": r"jeugdbescherm\w*|gecertificeerde instelling|gezinsvoogd\w*|jeugdreclassering",
    "reclassering": r"reclassering\w*",
    "veilig_thuis": r"veilig thuis|amhk",
    "raad": r"raad voor de kinderbescherming|rvdk",
    "woningcorporatie": r"woningcorporatie\w*|woningbouw\w*",
    "onderwijs": r"school|scholen|leerkracht\w*|leraar|leraren|docent\w*|mentor|onderwijs\w*|intern begeleider",
}
_NAME_RE = {actor: re.compile(rf"\b({words})\b") for actor, words in _NAMES.items()}
# Abbreviations that are ordinary Dutch words in lower case ("om te delen"): matched as written.
_UPPER = {"om": re.compile(r"\bOM\b"), "jeugdbescherming": re.compile(r"\bGI'?s?\b")}


def _names(text: str, folded: str) -> list[tuple[int, str]]:
    """(position, actor) of every party named in `text` (`folded` is its folded form, same length)."""
    hits = [(m.start(), actor) for actor, rx in _NAME_RE.items() for m in [rx.search(folded)] if m]
    hits += [(m.start(), actor) for actor, rx in _UPPER.items() for m in [rx.search(text)] if m]
    return hits

# A heading that files a section under one party: "Stappenplan Politie", "5.3 Openbaar Ministerie".
_FILED = re.compile(r"^(stappenplan\s+|\d+\.\d+\.?\s+(het\s+)?)(?P<name>.+)$")
_SECTION_ACTOR: tuple[tuple[str, str], ...] = (
    (r"^politie\b", "politie"),
    (r"^(justitie|openbaar ministerie)\b", "om"),
    (r"^gemeente", "gemeente"),
    (r"^(ggd|ggz)\b", "zorg"),
    (r"^zorg- en hulpverleners\b", "hulpverlener"),
    (r"^jeugdbescherming\b", "jeugdbescherming"),
    (r"^jeugdhulp\b", "hulpverlener"),
    (r"^reclassering\b", "reclassering"),
    (r"^(amhk|veilig thuis)\b", "veilig_thuis"),
    (r"^raad voor de kinderbescherming\b", "raad"),
    (r"^maatschappelijk werk\b", "hulpverlener"),
    (r"^woning", "woningcorporatie"),
    (r"^onderwijs", "onderwijs"),
)
# Askers a party's section also speaks to: the stappenplan for zorg- en hulpverleners is written for
# every professional with a (derived) professional secret, the GGZ's rules for medical professionals.
_ALSO_FOR: dict[str, frozenset[str]] = {
    "hulpverlener": frozenset({"zorg", "jeugdbescherming", "veilig_thuis", "raad", "reclassering"}),
    "zorg": frozenset({"hulpverlener"}),
}

# The asker's self-description: "Ik ben …", "Ik werk bij …", "Als … ", "Wij als OM …", "namens …".
_SELF = re.compile(r"\b(ik ben|ik werk|ik zit|wij zijn|we zijn|wij werken|we werken|werkzaam)\b(?P<rest>[^.?!;]{0,90})"
                   r"|^als\b(?P<als>[^,.?!;]{0,70})|\b(wij|we) als\b(?P<wij>[^,.?!;]{0,40})"
                   r"|\b(ons|onze) (?P<ons>[\w-]+)\b"
                   # the subject of the question itself: "Kan de gemeente zich beroepen op …?", "Mag het OM …?"
                   r"|(?:^|[.?!] )(?:kan|kunnen|mag|mogen|moet|moeten|hoeft|hoeven|is|zijn|heeft|hebben|wil|willen)"
                   r" (?:de|het|een) (?P<subj>[\w-]+(?: [\w-]+)?)")


def asker_actor(question: str) -> str | None:
    """The party the asker says they work for, from a self-description; None when not stated."""
    text = " ".join(question.split())
    folded = fold(text)
    if len(folded) != len(text):  # positions are shared below; a folding that changes length is rare
        text = folded
    for m in _SELF.finditer(folded):
        group = next(g for g in ("rest", "als", "wij", "ons", "subj") if m.group(g) is not None)
        if group == "subj" and RECEIVES.match(folded, m.end()):
            continue  # "Mag de politie het dossier inzien?": the party that receives is not the asker
        start, end = m.span(group)
        hits = _names(text[start:end], folded[start:end])
        if hits:
            return min(hits)[1]
    return None


def named_actors(question: str) -> set[str]:
    """Every party the question names (as asker, recipient or subject)."""
    text = " ".join(question.split())
    return {actor for _, actor in _names(text, fold(text))}


def section_actor(heading_path: Sequence[str]) -> str | None:
    """The party a section is filed under (its first heading that names one), else None."""
    for heading in heading_path:
        m = _FILED.match(fold(heading, single_spaces=True).strip())
        if not m:
            continue
        for pattern, actor in _SECTION_ACTOR:
            if re.match(pattern, m.group("name")):
                return actor
    return None


def other_actors_section(question: str, heading_path: Sequence[str]) -> bool:
    """Is this section filed under a party other than the asker's, one the question does not name?"""
    asker = asker_actor(question)
    party = section_actor(heading_path)
    if asker is None or party is None or party == asker or asker in _ALSO_FOR.get(party, ()):
        return False
    return party not in named_actors(question)
