"""Extractive composer: the answer without a language model.

It composes from the *section* that answers, not from sentences ranked one by one (issue 13):

1. Every retrieved passage (a section of a handvat, with its heading path) is cut into blocks,
   running-text sentences and list items (a list keeps its lead-in). Fragments ("JA", "Ga naar
   stap 3.") and questions the handvat asks itself are never quoted.
2. Each sentence is scored by how much of the question it covers (terms weighted by their
   rarity in the corpus), helped by the coverage of its paragraph (a "Voorbeeld: informatievraag
   van de politie:" call-out names the situation its sentences are about) and of its heading
   path, and by whether it states a rule: what may, must or may not happen, and under which
   conditions. The retrieval rank counts a little.
3. The best sentence picks the answering section (the question's age never does: it only picks
   the list item that applies within that section). Within it, a sentence that states what may or
   must happen is preferred, and one that continues an argument ("Toch …", "Bepaal daarbij …") or
   leans on the sentence before it leads only when nothing else does. A heading the text extraction
   joined to the first sentence under it, a short label ("Toelichting: …") and footnote numbers are
   not part of a quoted sentence. A permissive sentence ("… kunnen worden gedeeld") without its
   condition never leads where the section states a restriction nearly as relevant. The answer opens with it as
   "Kort antwoord: … [n]" when it states a rule (a lead-in ending in ":" only when it states the
   rule itself, with its items), followed by the qualifying neighbour sentences, the list it introduces
   (lead-in plus the items that apply, e.g. the age band that fits "een leerling van 14"), and the
   section's next best sentences. A second section is added when it also answers; an older
   (pre-AVG, Wbp) handvat is then named as such, and a current one is preferred when both answer.

Round 4 (blind grade: the short answer quoted a side remark, dropped the condition, or came from
another party's rules): the section is still chosen on the whole question, but within it the lead is
the sentence that states the rule on what the question *asks* (its "?" sentence); a side remark or
an exception leads only when the question asks about it, and an exception "is dit anders" brings the
rule before it. The sentence right after the lead that restricts it ("Dit mag niet zomaar.", "Dit is
een vereiste … ook niet …") joins the short answer; a short condition is never quoted on its own. A
question what something is ("Welke beroepsgeheimen zijn er?") prefers no rule sentence. A section
filed under another party than the asker's (deelwijzer/actor_fit.py) weighs less, and a second
section under an unrelated heading is quoted only when it is nearly as relevant as the lead.

It never invents text: every line is a verbatim sentence from a passage with its [n]; the verdict
block is added afterwards by the guard from the engine's Verdict.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence

from deelwijzer.actor_fit import other_actors_section
from deelwijzer.models import Passage
from deelwijzer.textnorm import (QUESTION_FILLER, STOPWORDS, analyze, fold, paragraphs_with_lists,
                                 split_sentences_nl, stem, words)

TOP_PASSAGES = 8  # sections considered (the retriever's top-k)
MAX_LINES = 6  # quoted lines in the answer (a list's items count as one line)
MAX_ITEMS = 6  # list items shown under one lead-in
MIN_SENTENCE_CHARS = 30
MAX_SENTENCE_CHARS = 600
SECOND_SECTION_RATIO = 0.6  # a second section must score at least this share of the first (dev: 0.75 -> 0.6, key phrase +2/105)
SECOND_OFF_HEADING_RATIO = 0.8  # ... and this share when its heading shares no term with the question (filler, blind grade round 4)
AGE_FIT_FACTOR = 1.6  # a sentence or list whose age band fits the question's age ("leerling van 14")
LEAD_PLAIN_SHARE = 0.6  # a statement of the rule this close leads instead of an illustration
LEAD_RULE_SHARE = 0.8  # a rule sentence this close to the best sentence of its section leads instead
LEAD_RULE_BONUS = 1.15  # within the answering section, a sentence that says what may or must happen is preferred
ACTOR_OTHER = 0.8  # a section of another party than the asker's (see actor_fit)
PRE_AVG_FACTOR = 0.9  # an older (Wbp) handvat must answer clearly better to come first
TRAIL_FLOOR = 0.6  # a further sentence of the answering section must score this share of the lead
PROHIBITION_SHARE = 0.6  # an explicit ban in the answering section this relevant is always quoted
PROHIBITION_OTHER_SHARE = 0.9  # ... and one in another section when it is about as relevant as the lead
BAN_LEAD_SHARE = 0.8  # a ban in the answering section this close to the lead leads

# Scoring weights (chosen on the dev split of the independent set, see evals/README.md).
W_CONTEXT = 0.5  # coverage of the paragraph / call-out a sentence stands in
W_HEADING = 0.35  # coverage of the section's heading (last two levels)
W_SECTION = 0.6  # coverage of the whole section (body)
W_TITLE = 0.6  # coverage of a call-out's own title ("Voorbeeld: informatievraag van de politie:")
W_PRIOR = 0.5  # retrieval rank: W_PRIOR / sqrt(rank) (round 4, dev: 0.25 -> 0.5, first bullet +4/105; plateau 0.35-0.8)
RULE_STRONG, RULE_WEAK = 1.2, 1.1

LEAD = "Kort antwoord:"
HEADING_OPEN, HEADING_CLOSE = "‘", "’"  # a heading named as a list's lead-in
OLDER_LABEL = "Ouder handvat (vóór de AVG, Wbp)"

# Words that make a sentence a rule: permission, obligation, prohibition, conditions.
_RULE = re.compile(
    r"\b(mag|mogen|moet|moeten|dient|dienen|verplicht\w*|toegestaan|verboden|niet|geen|nooit|altijd|"
    r"alleen|uitsluitend|tenzij|mits|voorwaarde\w*|noodzakelijk|nodig|vereist|grondslag|bevoegd\w*|"
    r"beslist|beslissen|kan|kunnen|kunt|recht op|plicht|meldrecht|meldplicht|toestemming|verantwoordelijk\w*|"
    r"van toepassing|valt onder|vallen onder)\b"
)
_STRONG_RULE = re.compile(
    r"\b(mag|mogen|moet|moeten|dient|dienen|verplicht\w*|toegestaan|verboden|nooit|alleen|uitsluitend|"
    r"tenzij|mits|niet toegestaan|geen grondslag|beslist)\b"
)
# A sentence that leans on the one before ("Dit betekent …") or qualifies it ("Tenzij …").
_ANAPHOR = re.compile(r"^(dit|dat|deze|die|hierbij|daarbij|daarom|daarnaast|wel|echter|ook|dan|hiervoor|"
                      r"daarvoor|daarin|hierin|daarmee|hiermee|daarvan|hiervan|daarop|hierop|zij|hij|het gaat|"
                      r"in dat geval|in die gevallen|in zo.n geval|in dergelijke gevallen|dergelijke)\b")
_QUALIFIER = re.compile(r"^(tenzij|behalve|alleen|wel|maar|echter|dit betekent|dat betekent|hierbij|daarbij|"
                        r"let op|in dat geval|dan|uitzondering)\b|\b(tenzij|mits|alleen als|alleen wanneer|"
                        r"behalve|op voorwaarde)\b")
# A sentence that continues an argument ("Toch is het nuttig …", "Bepaal daarbij …") adds to a rule
# stated before it; it does not state the rule itself, so it leads only when nothing else does.
_CONTINUATION = re.compile(r"^(toch|bovendien|daarnaast|verder|tevens|overigens|immers|wel|echter|daarom|"
                           r"hierbij|daarbij|en|maar|\w+ (daarbij|hierbij|daarnaast|dan ook))\b")
CONTINUATION_LEAD = 0.8  # a continuation's weight when the lead is chosen
W_POINT = 0.5  # within the answering section: coverage of what the question asks (its "?" sentence)
# A side remark or an exception ("Uitzondering hierop is …", "Bij andere taken …", "Overigens …")
# qualifies a rule; it leads only when the question asks about the exception (blind grade, round 4).
_SIDE_REMARK = re.compile(r"^(uitzondering\w*|een uitzondering|overigens|bij andere|in andere gevallen|"
                          r"in uitzonderlijke|anders is het|dit geldt niet|dat geldt niet|behalve|"
                          r"ook kan|ook is|ook mag|ook moet|ook kunnen|zo kan|zo mag|zo is|een voorbeeld|"
                          r"bijvoorbeeld|denk aan|in de praktijk|in de regel)\b")
_ASKS_EXCEPTION = re.compile(r"\b(uitzondering\w*|tenzij|behalve|toch|uitzonderlijk\w*|ook als|ook wanneer)\b")
# "Bij een beleidssepot is dit anders": an exception stated against the sentence before it.
_CONTRAST = re.compile(r"\b(is|ligt|geldt) (dit|dat|het) anders\b|\bin tegenstelling tot\b")
_REOPENS = re.compile(r"\b(wel|toch)\b")
JOIN_MAX_CHARS = 480  # a restricting next sentence joins the short answer when both fit this
_GENERAL_CONDITION = re.compile(r"^(in (beide|alle|die|deze|dat|dit) (gevallen|geval)|voorwaarde|de voorwaarde|"
                                r"hiervoor|daarvoor|daarbij|hierbij|wel)\b")
SIDE_LEAD = 0.75  # weight of a side remark when the lead is chosen
# A permissive sentence ("… mogen vrij worden gedeeld", "kunnen … gedeeld worden") without its
# condition must not lead where the section also states a restriction or a condition: a reader acts
# on the first line (issue 13: blind grade, wrong-action risk).
_PERMISSIVE = re.compile(r"\b(mag|mogen|kan|kunnen|kunt|toegestaan|vrij)\b")
_CONDITIONAL = re.compile(r"\b(niet|geen|nooit|alleen|uitsluitend|tenzij|mits|verboden|voorwaarde\w*|zonder|"
                          r"in principe|"
                          r"voor zover|indien|wanneer|als|onder|moet|moeten|dient|dienen|maar)\b")
_RESTRICTIVE = re.compile(r"\b(niet|geen|nooit|alleen|uitsluitend|tenzij|mits|verboden|voorwaarde\w*|"
                          r"voor zover|moet|moeten|dient|dienen)\b")
RESTRICTION_SHARE = 0.7  # a restriction this relevant (share of the lead's weight) leads instead
# An explicit ban ("mogen niet", "is niet toegestaan", "kunnen nooit", "verboden"): a reader who acts
# on a permissive line while the handvat forbids the point asked takes a wrong action (blind grade,
# round 2), so a relevant ban is quoted, and leads where the lead only permits.
_PROHIBITION = re.compile(
    r"\b(mag|mogen|kan|kunnen|kunt|zal|zullen)\b[^.;:]{0,80}?\b(niet|geen|nooit)\b(?! (alleen|altijd|direct|nodig|"
    r"noodzakelijk\w*|meer dan|van toepassing|bekend|duidelijk))|"
    r"\b(niet|nooit) (toegestaan|de bedoeling)\b|\bverboden\b|\bmag geen\b|\bmogen geen\b")
_ILLUSTRATION = re.compile(r"\b(bijvoorbeeld|een voorbeeld|denk aan)\b|^voorbeeld\b")
_EXAMPLE = re.compile(r"^voorbeeld( \d+)?\s*:\s*(?P<title>[^:]{3,90}):\s*", re.IGNORECASE)
_SELF = re.compile(r"^\s*(ik ben|ik werk|wij zijn|we zijn|als)\b[^.?!]{0,120}[.?!,]\s*", re.IGNORECASE)
# Whom an age is about ("een leerling van 14", "een jongen van 16").
_PERSON = re.compile(r"\b(leerling|kind|jongere|jongen|meisje|puber|minderjarige|jeugdige|tiener|zoon|dochter|"
                     r"patient|client|baby|peuter|kleuter)")
_AGE_IN_Q = re.compile(r"\b(\d{1,2})(?:\s*|-)(?:jaar|jarige?)\b|\b(?:van|is|leerling|kind|jongere)\s+(\d{1,2})\b")


@dataclass
class Unit:
    """A quotable piece of a section: a sentence, or a list lead-in with its items."""

    n: int  # passage number
    block: int
    index: int  # order within the passage
    text: str
    kind: str = "sent"  # sent | leadin | item
    items: list[str] = field(default_factory=list)  # for a lead-in: its list items
    context: str = ""  # the paragraph (or call-out) the sentence stands in
    title: str = ""  # the situation a "Voorbeeld: <title>:" call-out is about
    score: float = 0.0
    illustration: bool = False  # an example not about the question's situation


# ------------------------------------------------------------------ question terms


def _question_weights(question: str, idf: Callable[[str], float | None] | None,
                      fuzzy: bool = False) -> dict[str, float]:
    """Question term -> weight: rarer terms count more; an opening "Ik ben …" sentence counts half.
    Terms are stems; with `fuzzy` folded surface words cut to 5 letters, matched as prefixes or
    inside compounds ("vraagt" meets "informatievraag"), used for call-out titles."""
    weights: dict[str, float] = {}
    self_part = _SELF.match(question)
    parts = [(question[self_part.end():], 1.0), (self_part.group(0), 0.5)] if self_part else [(question, 1.0)]
    for text, factor in parts:
        for w in words(fold(text)):
            if w in STOPWORDS or len(w) < 2 or (len(w) < 3 and not w.isdigit()) or w in QUESTION_FILLER:
                continue
            weight = (idf(stem(w)) if idf else None) or 1.0
            key = w[:5] if fuzzy else stem(w)
            weights[key] = max(weights.get(key, 0.0), factor * weight)
    return weights


@lru_cache(maxsize=8192)
def _terms(text: str) -> frozenset[str]:
    return frozenset(analyze(text))


def _asked_part(question: str) -> str:
    """What the question asks: its sentences ending in "?" (the whole text when none does), not the
    situation it describes first."""
    asked = [s for s in split_sentences_nl(question) if s.rstrip().endswith("?")]
    return " ".join(asked) if asked else question


def _point_weights(question: str, idf: Callable[[str], float | None] | None) -> dict[str, float]:
    """The terms of what the question asks: the lead must state the rule on that point (issue 13,
    round 4)."""
    return _question_weights(_asked_part(question), idf)


def _coverage(weights: dict[str, float], text: str) -> float:
    """Weighted share of the question's terms that occur in `text`."""
    total = sum(weights.values())
    if not total:
        return 0.0
    terms = _terms(text)
    return sum(w for t, w in weights.items() if t in terms) / total


def _fuzzy_coverage(weights: dict[str, float], text: str) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    found = [w for w in words(fold(text)) if len(w) >= 3]
    hit = sum(w for key, w in weights.items()
              if any(x.startswith(key) or (len(x) >= len(key) + 4 and key in x) for x in found))
    return hit / total


# ------------------------------------------------------------------ units of a passage


_QUESTION_END = re.compile(r"\?[\s\d*)]{0,4}$")  # "… beperkt?12", "… openbare orde?*"


def _is_fragment(sentence: str) -> bool:
    s = sentence.strip()
    if len(s) < MIN_SENTENCE_CHARS or len(s) > MAX_SENTENCE_CHARS:
        return True
    if _QUESTION_END.search(s) or s.count("?") >= 2:
        return True  # the handvat asking itself ("Is er toestemming van kind of ouders?", "… beperkt?12")
    if not re.search(r"[a-z]{3}", s):
        return True
    return bool(re.match(r"^(zie|ga naar|ja|nee)\b", fold(s)))


# A short sentence that restricts the one before it ("Dit mag niet zomaar.", "Dat kan alleen met
# toestemming."): too short to stand alone, but dropping it turns a rule into its opposite (blind grade,
# round 4). It is quoted only right after the sentence it restricts, never on its own.
_SHORT_CONDITION = re.compile(r"^(dit|dat|het|deze|die|wel|maar|ook dan|dan)\b.*\b(niet|geen|nooit|alleen|uitsluitend|"
                              r"mits|tenzij|moet|moeten|dient|dienen|voorwaarde\w*|toestemming)\b")


def _is_short_condition(sentence: str) -> bool:
    s = sentence.strip()
    return (12 <= len(s) < MIN_SENTENCE_CHARS and not _QUESTION_END.search(s)
            and bool(_SHORT_CONDITION.match(fold(s))))


# A footnote number glued to a sentence end ("… tuchtrecht.9 De beroepsgeheimen …") still ends it.
_FOOTNOTE_END = re.compile(r"([a-z\)][.!?]\d{1,2}) (?=[A-Z])")
# A heading line without a full stop that the text extraction joined to the first sentence under it
# ("Wettelijk beroepsgeheim, beroepscode en de wettelijke taak Veel professionals …"): a lower-case
# word followed by a capitalised word that opens Dutch sentences. Only the sentence is quoted.
_GLUED_HEADING = re.compile(
    r"^(?P<head>[A-Z0-9‘'][^.!?:;]{2,90}?[a-z\)]) (?=(De|Het|Een|In|Als|Veel|Dit|Deze|Dat|Er|Bij|Voor|Op|"
    r"Wanneer|U|Zij|Wij|We|Om|Ook|Daarnaast|Met|Na|Van|Door|Alle|Elke|Iedere|Indien|Omdat|Hoewel|Binnen|"
    r"Tijdens|Uit|Volgens|Sinds|Voordat|Zodra|Nadat|Naast|Onder|Artikel|Het)\s)")
# A short label before the sentence ("Toelichting: …", "Rechterlijke uitspraken: Het OM …").
_LABEL = re.compile(r"^[A-Z][^.!?:;]{2,40}:\s+(?=[A-Z])")


def _sentences(body: str) -> list[str]:
    out: list[str] = []
    for s in split_sentences_nl(body):
        out += [x for x in _FOOTNOTE_END.sub("\\1\n", s).split("\n") if x]
    return out


def _unglue(sentence: str) -> str:
    """The sentence without a heading joined to its start or a short label before it."""
    m = _GLUED_HEADING.match(sentence)
    if m and len(m.group("head").split()) <= 15:
        sentence = sentence[m.end():]
    return _LABEL.sub("", sentence.lstrip("*† "), count=1)  # a footnote mark before the sentence


def passage_units(n: int, text: str) -> list[Unit]:
    """Sentences and lists (lead-in + items) of one passage, in order."""
    units: list[Unit] = []
    index = 0
    for b, block in enumerate(paragraphs_with_lists(text)):
        title = ""
        i = 0
        while i < len(block):
            kind, body = block[i]
            if kind == "item":
                # A list without a lead-in in this passage (the heading introduces it): each
                # item stands on its own.
                while i < len(block) and block[i][0] == "item":
                    if not _is_fragment(block[i][1].rstrip(";,") + "."):
                        units.append(Unit(n, b, index, _unglue(block[i][1]), "item", [], block[i][1]))
                    index += 1
                    i += 1
                continue
            m = _EXAMPLE.match(body)
            if m:
                title = m.group("title")
                body = body[m.end():]
                body = body[:1].upper() + body[1:]
            sentences = [_unglue(x) for x in _sentences(body)]
            context = (title + ": " if title else "") + body
            following_items: list[str] = []
            j = i + 1
            while j < len(block) and block[j][0] == "item":
                following_items.append(block[j][1])
                j += 1
            for k, s in enumerate(sentences):
                last = k == len(sentences) - 1
                if last and s.rstrip().endswith(":") and following_items:
                    units.append(Unit(n, b, index, s, "leadin", following_items, context + " " + " ".join(following_items)))
                elif s.rstrip().endswith(":"):
                    pass  # a lead-in whose list is not here: never quoted on its own
                elif not _is_fragment(s):
                    units.append(Unit(n, b, index, s, "sent", [], context, title))
                elif _is_short_condition(s):
                    units.append(Unit(n, b, index, s, "cond", [], context, title))
                index += 1
            if following_items and not (sentences and sentences[-1].rstrip().endswith(":")):
                for item in following_items:
                    if not _is_fragment(item.rstrip(";,") + "."):
                        units.append(Unit(n, b, index, _unglue(item), "item", [], item))
                    index += 1
            i = j
    return units


# ------------------------------------------------------------------ scoring


def _rule_factor(text: str) -> float:
    s = fold(text)
    if _STRONG_RULE.search(s):
        return RULE_STRONG
    if _RULE.search(s):
        return RULE_WEAK
    return 1.0


def _age_of(question: str) -> int | None:
    m = _AGE_IN_Q.search(fold(question))
    if not m:
        return None
    age = int(m.group(1) or m.group(2))
    return age if 0 < age < 100 else None


def item_applies(item: str, age: int | None) -> bool | None:
    """Does a list item's age band include `age`? None when the item names no age band."""
    if age is None:
        return None
    s = fold(item)
    m = re.search(r"tussen (\d{1,2}) en (\d{1,2})", s)
    if m:
        return int(m.group(1)) <= age <= int(m.group(2))
    m = re.search(r"(jonger dan|onder de) (\d{1,2})", s)
    if m:
        return age < int(m.group(2))
    m = re.search(r"(ouder dan|boven de) (\d{1,2})", s)
    if m:
        return age > int(m.group(2))
    m = re.search(r"(\d{1,2}) jaar (of ouder|en ouder)|vanaf (\d{1,2}) jaar", s)
    if m:
        return age >= int(m.group(1) or m.group(3))
    return None


def _unit_text(u: Unit) -> str:
    return u.text or " ".join(u.items)


# Does the question ask what may, must or can happen (a rule), or what something is ("Welke
# beroepsgeheimen zijn er?", "Wat wordt bedoeld met …")? For the latter a rule sentence is no better
# an answer than the statement that names what is asked.
_MODAL_Q = re.compile(r"\b(mag|mogen|moet|moeten|mocht|kan|kun|kunnen|kunt|dient|dienen|verplicht\w*|toegestaan|"
                      r"beroepen|hoeft|hoeven|wanneer|welke regels|zonder|nodig|vereist|klopt|geldt|gelden|"
                      r"van toepassing|toestemming|grondslag|verantwoordelijk\w*|hoe|hoort|horen|wel en niet|"
                      r"beroepsgeheim|geheimhoudingsplicht|zwijgplicht)\b")
INFO_LEAD_COVER = 0.5  # an informational lead covering this share of the question's point is a short answer


def _asks_rule(question: str) -> bool:
    return bool(_MODAL_Q.search(fold(_asked_part(question))))


def score_units(question: str, passages: Sequence[Passage],
                idf: Callable[[str], float | None] | None = None) -> list[Unit]:
    weights = _question_weights(question, idf)
    fuzzy = _question_weights(question, idf, fuzzy=True)
    asks_rule = _asks_rule(question)
    units: list[Unit] = []
    for n, passage in enumerate(passages[:TOP_PASSAGES], start=1):
        chunk = passage.chunk
        # A section filed under another party than the asker's, one the question does not name
        # ("Stappenplan Politie" for an OM question): that party's rules, not the asker's.
        actor = ACTOR_OTHER if other_actors_section(question, chunk.heading_path) else 1.0
        heading_cov = _coverage(weights, " ".join(chunk.heading_path[-2:]))
        section_cov = _coverage(weights, chunk.text) if W_SECTION else 0.0
        prior = W_PRIOR / math.sqrt(n)
        era = PRE_AVG_FACTOR if chunk.pre_avg else 1.0
        for u in passage_units(n, chunk.text):
            own = _coverage(weights, _unit_text(u))
            if u.kind == "leadin":
                own = _coverage(weights, u.text) + 0.5 * max((_coverage(weights, it) for it in u.items), default=0)
            ctx = _coverage(weights, u.context) if u.context else own
            base = own + W_CONTEXT * ctx + W_HEADING * heading_cov + W_SECTION * section_cov
            title_cov = _fuzzy_coverage(fuzzy, u.title) if u.title else 0.0
            base += W_TITLE * title_cov
            # An illustration ("Voorbeeld: …", "bijvoorbeeld") leads only when it is about the
            # question's situation; it still counts for choosing the section.
            u.illustration = bool(u.title or _ILLUSTRATION.search(fold(_unit_text(u)))) and title_cov < 0.4
            # A question what something is gets no rule bonus (dev: first bullet 46 -> 48 of 105).
            rule = _rule_factor(_unit_text(u)) if asks_rule else 1.0
            u.score = (base * rule + prior) * era * actor if own > 0 or ctx > 0 else 0.0
            units.append(u)
    return units


# ------------------------------------------------------------------ composition


_NOT_A_BAN = re.compile(r"\b(uitsluiten|uitgesloten)\b")  # "we kunnen niet uitsluiten dat …" forbids nothing


MIN_BAN_WORDS = 7  # "U mag de gegevens niet verstrekken." is a flowchart's branch outcome: its condition is the branch


def _is_ban(u: Unit) -> bool:
    """An explicit ban stated as a rule, not inside an example ("Voorbeeld: wanneer u …")."""
    text = fold(_unit_text(u))
    if fold(u.context).startswith("voorbeeld"):
        return False
    return (bool(_PROHIBITION.search(text)) and not _NOT_A_BAN.search(text)
            and len(words(text)) >= MIN_BAN_WORDS)


def _clean(sentence: str) -> str:
    return " ".join(sentence.split())


def _lines_for(unit: Unit, age: int | None, weights: dict[str, float] | None = None) -> list[str]:
    """The text lines of a unit: a sentence, or a lead-in followed by its applicable items."""
    if unit.kind != "leadin":
        return [_clean(unit.text)]
    items = unit.items
    applies = [item_applies(it, age) for it in items]
    if any(a is True for a in applies):
        items = [it for it, a in zip(items, applies) if a is not False]
    if len(items) > MAX_ITEMS and weights:
        # A long list: the items that speak to the question, in their order.
        keep = sorted(sorted(items, key=lambda it: -_coverage(weights, it))[:MAX_ITEMS], key=items.index)
        items = keep
    items = items[:MAX_ITEMS]
    lines = [_clean(unit.text)] if unit.text else []
    return lines + ["  - " + _clean(it) for it in items]


def select(question: str, passages: Sequence[Passage],
           idf: Callable[[str], float | None] | None = None) -> list[tuple[int, list[str], bool]]:
    """(passage number, lines, is_lead) in answer order; the first entry leads."""
    scored = score_units(question, passages, idf)
    units = [u for u in scored if u.score > 0 and u.kind != "cond"]
    if not units:
        return []
    age = _age_of(question)
    weights = _question_weights(question, idf)
    by_passage: dict[int, list[Unit]] = {}
    for u in units:
        by_passage.setdefault(u.n, []).append(u)
    # The answering section is chosen on what the question is about; a sentence that continues an
    # argument counts less as its lead.
    point = _point_weights(question, idf)
    about_exception = bool(_ASKS_EXCEPTION.search(fold(question)))

    def leans(u: Unit) -> bool:
        t = fold(u.text)
        return u.kind == "sent" and bool(_CONTINUATION.match(t) or _CONTRAST.search(t)
                                         or (_ANAPHOR.match(t) and not t.startswith("ook ")))

    def base_weight(u: Unit) -> float:
        return u.score * (CONTINUATION_LEAD if leans(u) else 1.0)

    def lead_weight(u: Unit) -> float:
        # The section is chosen on u.score; within it the lead is the sentence that states the rule on
        # the point asked: a side remark or an exception leads only when the question is about it.
        w = base_weight(u)
        w *= 1.0 + W_POINT * _coverage(point, _unit_text(u))
        if not about_exception and _SIDE_REMARK.match(fold(_unit_text(u))):
            w *= SIDE_LEAD
        return w

    def weigh_age(candidates: Sequence[Unit]) -> None:
        for u in candidates:
            texts = u.items if u.kind == "leadin" else [u.text]
            fits = [item_applies(t, age) for t in texts]
            if any(f is True for f in fits):
                u.score *= AGE_FIT_FACTOR
            elif u.kind != "leadin" and fits and fits[0] is False:
                u.score *= 0.6  # an age band that does not fit the question never leads

    # A list whose items carry the answer (an age band that fits the question's age) leads. The age
    # picks the section only when the list is about whom the question names ("een leerling van 14"
    # and "Is de leerling tussen 12 en 16 jaar"); otherwise only the item within the answering
    # section: "een jongen van 16" must not pull in an age rule about school pupils.
    person = set(_PERSON.findall(fold(question))) if age is not None else set()
    about = [u for u in units if person & set(_PERSON.findall(fold(" ".join([u.text, *u.items]))))]
    if age is not None:
        weigh_age(about)
    ranked = sorted(units, key=lambda u: (-u.score, u.n, u.index))
    lead_n = ranked[0].n
    if age is not None:
        weigh_age([u for u in by_passage[lead_n] if u not in about])
    ranked = sorted(units, key=lambda u: (u.n != lead_n, -lead_weight(u), u.n, u.index))
    lead = ranked[0]
    # Within the answering section, the sentence that states the rule leads (not the one that
    # describes the situation), when it is nearly as relevant.
    # A list item that is a question (a checklist the handvat asks) is quoted, but never leads.
    asks = [u for u in by_passage[lead.n] if _QUESTION_END.search(_unit_text(u).rstrip(";,."))]
    if lead in asks and len(asks) < len(by_passage[lead.n]):
        lead = max((u for u in by_passage[lead.n] if u not in asks), key=lead_weight)
    plain = [u for u in by_passage[lead.n] if not u.illustration and u not in asks
             and lead_weight(u) >= LEAD_PLAIN_SHARE * lead_weight(lead)]
    near = plain or [u for u in by_passage[lead.n] if u.score >= LEAD_RULE_SHARE * lead.score]
    asks_rule = _asks_rule(question)  # a question what something is: no preference for rule sentences
    lead = max(near, key=lambda u: lead_weight(u) * (
        LEAD_RULE_BONUS if asks_rule and _rule_factor(_unit_text(u)) >= RULE_STRONG else 1.0))
    if _PERMISSIVE.search(fold(_unit_text(lead))) and not _CONDITIONAL.search(fold(_unit_text(lead))):
        limits = [u for u in by_passage[lead.n] if u is not lead and not u.illustration and not leans(u)
                  and _RESTRICTIVE.search(fold(_unit_text(u))) and _rule_factor(_unit_text(u)) >= RULE_STRONG
                  and base_weight(u) >= RESTRICTION_SHARE * base_weight(lead)]
        if limits:
            lead = max(limits, key=lead_weight)
    bans = [u for u in units if u is not lead and not u.illustration and u not in asks and _is_ban(u)
            and u.score >= (PROHIBITION_SHARE if u.n == lead.n else PROHIBITION_OTHER_SHARE) * lead.score]
    ban = max(bans, key=lambda u: (u.n == lead.n, lead_weight(u)), default=None) if not _is_ban(lead) else None
    bare = _PERMISSIVE.search(fold(_unit_text(lead))) and not _CONDITIONAL.search(fold(_unit_text(lead)))
    if ban is not None and ban.n == lead.n and not leans(ban) and asks_rule and (
            bare or ban.score >= BAN_LEAD_SHARE * base_weight(lead)):
        lead, ban = ban, None
    chosen: list[tuple[int, list[str], bool]] = []
    used: set[tuple[int, int]] = set()
    section = sorted(by_passage[lead.n], key=lambda u: u.index)

    conds = {(v.n, v.block, v.index): v for v in scored if v.kind == "cond"}

    def take(u: Unit, is_lead: bool = False) -> None:
        if (u.n, u.index) in used:
            return
        used.add((u.n, u.index))
        lines = _lines_for(u, age, weights)
        # A short condition right after a quoted sentence ("Dit mag niet zomaar.") goes with it, on its line.
        cond = conds.get((u.n, u.block, u.index + 1)) if u.kind == "sent" else None
        if cond is not None and (cond.n, cond.index) not in used:
            used.add((cond.n, cond.index))
            lines = [lines[0] + " " + _clean(cond.text)]
        chosen.append((u.n, lines, is_lead))

    def predecessor(u: Unit) -> Unit | None:
        """The sentence an anaphoric one ("Dit kan …", "Wel …") leans on, in the same paragraph."""
        same = [v for v in by_passage[u.n] if v.block == u.block and v.index < u.index]
        if u.kind == "sent" and same and (_ANAPHOR.match(fold(u.text)) or _CONTRAST.search(fold(u.text))):
            return max(same, key=lambda v: v.index)
        return None

    # The sentences the lead leans on ("Dit kan alleen …" after "In principe kunnen …"), up to two.
    chain: list[Unit] = []
    prev = predecessor(lead)
    while prev is not None and len(chain) < 2:
        chain.insert(0, prev)
        prev = predecessor(prev)
    for p in chain:
        take(p, is_lead=True)
    siblings = [u for u in section if u.kind == "item" and u.block == lead.block]
    if lead.kind == "item" and len(siblings) > 1:
        # A list item leads: the list it belongs to answers, under its heading (its lead-in), with
        # the items that apply (all of them when the question names no age).
        fits = [item_applies(u.text, age) for u in siblings]
        keep = [u for u, f in zip(siblings, fits) if f is not False] if any(f is True for f in fits) else siblings
        keep = keep[:MAX_ITEMS]
        if len(keep) > 1:
            heading = passages[lead.n - 1].chunk.heading_path[-1] if passages[lead.n - 1].chunk.heading_path else ""
            for u in siblings:
                used.add((u.n, u.index))
            chosen.append((lead.n, [f"{HEADING_OPEN}{heading}{HEADING_CLOSE}:"] + ["  - " + _clean(u.text) for u in keep], True))
    take(lead, is_lead=not chosen)
    pos = section.index(lead)
    # Qualifying neighbours: the sentences right after the rule in its paragraph when they narrow it
    # ("Tenzij …", "Dit mag niet zomaar.", "In beide gevallen is toestemming … niet nodig."). The one
    # right after a rule sentence that restricts it joins the short answer: read alone, the rule can
    # point the other way (blind grade, round 4). One a sentence further is quoted with the one between.
    after = {v.index - lead.index: v for v in scored if v.n == lead.n and v.block == lead.block
             and v.kind in ("sent", "item", "cond") and 0 < v.index - lead.index <= 2}

    def narrows(v: Unit) -> bool:
        t = fold(v.text)
        return bool(_QUALIFIER.search(t) or _ANAPHOR.match(t) or v.kind == "cond")

    def restricts(v: Unit) -> bool:
        t = fold(v.text)
        return bool(_QUALIFIER.search(t) or _RESTRICTIVE.search(t) or _PROHIBITION.search(t))

    def reopens(v: Unit) -> bool:
        # after a ban or restriction, the sentence that says when it *is* possible ("… kan wel …")
        return bool(_RESTRICTIVE.search(fold(lead.text)) and _REOPENS.search(fold(v.text)))

    first, second = after.get(1), after.get(2)
    if first is not None and (narrows(first) or reopens(first)):
        joins = (lead.kind == "sent" and restricts(first) and chosen[-1][2]
                 and len(lead.text) + len(first.text) <= JOIN_MAX_CHARS)
        take(first, is_lead=joins)
        if second is not None and narrows(second) and restricts(second):
            take(second)
    elif second is not None and restricts(second) and (narrows(second) or _GENERAL_CONDITION.match(fold(second.text))):
        if first is not None:
            take(first)
        take(second)
    if ban is not None:
        take(ban)
    # The rest of the answering section that speaks to the question, in the section's order.
    extra = [u for u in sorted(section, key=lambda u: -u.score) if u.score >= TRAIL_FLOOR * lead.score]
    extra = sorted(extra[: max(0, MAX_LINES - 1 - len(chosen))], key=lambda u: u.index)
    for u in extra:
        p = predecessor(u)
        if p is not None and len(chosen) < MAX_LINES:
            take(p)
        take(u)
    # A second section that also answers.
    # An older (Wbp) handvat adds nothing beside a current one that answers (blind grade, round 2).
    current = not passages[lead.n - 1].chunk.pre_avg
    # A second section whose heading has nothing to do with the question adds a filler line unless it
    # scores nearly as well as the lead.
    def heading_about(u: Unit) -> bool:
        return _coverage(weights, " ".join(passages[u.n - 1].chunk.heading_path[-2:])) > 0

    others = [u for u in ranked if u.n != lead.n and u.score >= SECOND_SECTION_RATIO * lead.score
              and not (current and passages[u.n - 1].chunk.pre_avg)
              and (heading_about(u) or u.score >= SECOND_OFF_HEADING_RATIO * lead.score)]
    if others and len(chosen) < MAX_LINES:
        take(others[0])
    return chosen


def compose_extractive(question: str, passages: Sequence[Passage],
                       idf: Callable[[str], float | None] | None = None) -> str:
    """A draft of verbatim sentences, each with its [n]; the first states the answering rule."""
    chosen = select(question, passages, idf)
    if not chosen:
        return ""
    lead_n = chosen[0][0]
    lead_pre_avg = passages[lead_n - 1].chunk.pre_avg
    out: list[str] = []
    first_lines = [line for n, lines, is_lead in chosen if is_lead for line in lines]
    rest = [(n, lines) for n, lines, is_lead in chosen if not is_lead]
    lead_text = " ".join(line.strip().removeprefix("- ") for line in first_lines if not line.startswith("  - "))
    lead_items = [line for line in first_lines if line.startswith("  - ")]
    weights = _question_weights(question, idf)
    heading_answers = _coverage(weights, lead_text.strip(HEADING_OPEN + HEADING_CLOSE + ":")) > 0
    leadin = lead_text.rstrip().endswith(":")
    if lead_text.startswith(HEADING_OPEN) and lead_items and heading_answers:
        # A list under a heading that names the question's matter leads: name the heading.
        out.append(f"{LEAD} volgens {lead_text.rstrip(':')} [{lead_n}]:")
        out += [f"{line} [{lead_n}]" for line in lead_items]
    elif lead_text and not lead_text.startswith(HEADING_OPEN) and (
            _rule_factor(lead_text) >= (RULE_STRONG if leadin else RULE_WEAK) or (lead_items and not leadin)
            or (not leadin and not _asks_rule(question) and not _ILLUSTRATION.search(fold(lead_text))
                and _coverage(_point_weights(question, idf), lead_text) >= INFO_LEAD_COVER)):
        # A question what something is ("Welke beroepsgeheimen zijn er?") is answered by the statement
        # that names it, when it covers most of what is asked.
        # A lead-in ending in ":" is a short answer only when it states a rule itself (what may or
        # must happen, "alleen … wanneer"), with its items; "Er zijn verschillende momenten:" is not.
        out.append(f"{LEAD} {lead_text} [{lead_n}]")
        out += [f"{line} [{lead_n}]" for line in lead_items]
    else:
        rest = [(lead_n, first_lines)] + rest
    if rest:
        out.append("Uit de handvatten:" if out else "Wat de handvatten hierover zeggen:")
    for n, lines in rest:
        older = passages[n - 1].chunk.pre_avg and not lead_pre_avg
        prefix = f"{OLDER_LABEL}: " if older else ""
        for i, line in enumerate(lines):
            if line.startswith("  - "):
                out.append(f"{line} [{n}]")
            else:
                out.append(f"- {prefix if i == 0 else ''}{line} [{n}]")
    return "\n".join(out)

