"""Dutch text normalisation and tokenisation for the lexical (BM25) leg.

One function, `analyze(text)`, turns text into index terms. Queries and documents go through
the same analyser, so every trick below works in both directions:

* case folding and accent stripping ("cliënt" -> "client"), then Dutch Snowball stemming;
* a short Dutch stopword list (function words only; domain words stay);
* legal references become one term each, e.g. "art. 16 Wpg", "artikel 16 van de Wpg" and
  "artikel 16 lid 1 onder a Wpg" all yield `art:16:wpg` (plus `art:16`); "7:457 BW" yields
  `7:457:bw`; numbers with dots/colons ("5.2.6", "7:457") stay one term instead of three digits;
* organisation names and law names collapse to one canonical term with a small synonym map
  (Veilig Thuis / AMHK / AHMK -> `org:veiligthuis`; "Wet politiegegevens" / Wpg -> `law:wpg`;
  the corpus typos Wpb and Wsjg map to Wbp and Wjsg);
* compounds: `Decompounder` splits long words into two parts that both occur in the corpus
  vocabulary ("gegevensuitwisseling" -> "gegevens" + "uitwisseling"), so a query with the
  separate words still matches the compound and the other way round.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("dutch")

# Function words only. Negations ("niet", "geen") are kept out of this list on purpose: they
# carry meaning in questions like "mag ik niet delen".
STOPWORDS = frozenset(
    """
    de het een en of maar dan als dat die dit deze der des den
    in op aan bij met van voor naar tot uit over onder door om te ter tegen tussen na
    is zijn ben bent was waren wordt worden werd werden word
    er hier daar waar wat wie welk welke hoe wanneer waarom
    ik jij je u hij zij ze wij we mij me mijn jouw uw zijn haar hun hen ons onze
    ook nog al wel zo toch dus want omdat zodat
    heb hebt heeft hebben had hadden kan kun kunt kunnen zal zult zullen
    moet moeten mag mogen wil wilt willen zou zouden
    vooral precies steeds volgens
    """.split()
)

# Words a question wraps around what it asks ("klopt het dat ...", "welke regels gelden ..."): the
# composer does not weigh them when it scores sentences against the question.
QUESTION_FILLER = frozenset("klopt eigenlijk gewoon zomaar iemand iets welke regels gelden".split())

# Words that state no fact in an answer, on top of STOPWORDS: negations, yes/no, vague quantifiers.
# The key-fact overlap metric (evals/metrics.py) skips them, since a reference's "niet" is matched by
# any "niet" in an answer; the analyser keeps them ("mag ik niet delen" is another question).
NO_FACT_WORDS = frozenset("niet geen ja nee alleen meer zoals bijvoorbeeld eigen ander andere per via".split())

# Canonical law names. Keys are folded surface forms (one or more words).
LAW_ALIASES: dict[str, str] = {
    "wpg": "wpg",
    "wet politiegegevens": "wpg",
    "wbp": "wbp",
    "wpb": "wbp",  # typo in the corpus (Aa en Hunze, Veiligheidshuizen)
    "wet bescherming persoonsgegevens": "wbp",
    "wjsg": "wjsg",
    "wsjg": "wjsg",  # typo in the corpus
    "wet justitiele en strafvorderlijke gegevens": "wjsg",
    "avg": "avg",
    "algemene verordening gegevensbescherming": "avg",
    "uavg": "uavg",
    "uitvoeringswet avg": "uavg",
    "bw": "bw",
    "burgerlijk wetboek": "bw",
    "awb": "awb",
    "algemene wet bestuursrecht": "awb",
    "wmo": "wmo",
    "wmo 2015": "wmo",
    "jeugdwet": "jeugdwet",
    "jeudgwet": "jeugdwet",  # typo in the corpus
    "jw": "jeugdwet",
    "sr": "sr",
    "wetboek van strafrecht": "sr",
    "sv": "sv",
    "wetboek van strafvordering": "sv",
    "wgbo": "wgbo",
    "wvggz": "wvggz",
    "wzd": "wzd",
    "bopz": "bopz",
    "wet bopz": "bopz",
    "participatiewet": "participatiewet",
    "ambtenarenwet": "ambtenarenwet",
    "gemeentewet": "gemeentewet",
    "leerplichtwet": "leerplichtwet",
    "wet bibob": "bibob",
    "bibob": "bibob",
    "wet brp": "brp",
    "wet suwi": "suwi",
    "wpo": "wpo",
    "wvo": "wvo",
    "wgs": "wgs",
    "wet gemeentelijke schuldhulpverlening": "wgs",
    "wpg besluit": "wpg",
    "wet big": "big",
}

# Organisations. Case-insensitive aliases; `ORG_ALIASES_CASED` are matched on the original text
# because their lowercase form is an ordinary Dutch word ("om" = "in order to").
ORG_ALIASES: dict[str, str] = {
    "veilig thuis": "veiligthuis",
    "amhk": "veiligthuis",
    "ahmk": "veiligthuis",  # typo in the corpus
    "advies- en meldpunt huiselijk geweld en kindermishandeling": "veiligthuis",
    "rvdk": "rvdk",
    "raad voor de kinderbescherming": "rvdk",
    "openbaar ministerie": "om",
    "ggd": "ggd",
    "gemeentelijke gezondheidsdienst": "ggd",
    "riec": "riec",
    "regionaal informatie- en expertisecentrum": "riec",
    "regionaal informatie en expertise centrum": "riec",
    "boa": "boa",
    "boa's": "boa",
    "buitengewoon opsporingsambtenaar": "boa",
    "buitengewoon opsporingsambtenaren": "boa",
    "buitengewone opsporingsambtenaar": "boa",
    "buitengewone opsporingsambtenaren": "boa",
    "ggz": "ggz",
    "fg": "fg",
    "functionaris gegevensbescherming": "fg",
    "functionaris voor de gegevensbescherming": "fg",
    "ap": "ap",
    "autoriteit persoonsgegevens": "ap",
    "cbp": "cbp",
    "college bescherming persoonsgegevens": "cbp",
    "zsm": "zsm",
    "veiligheidshuis": "veiligheidshuis",
    "veiligheidshuizen": "veiligheidshuis",
    "zorg- en veiligheidshuis": "veiligheidshuis",
    "zorg- en veiligheidshuizen": "veiligheidshuis",
}
ORG_ALIASES_CASED: dict[str, str] = {"OM": "om", "AP": "ap", "FG": "fg"}

_NUM = r"\d+(?:[.:]\d+)*[a-z]?"  # 16, 5.2.6, 7:457, 125a
_WORD_RE = re.compile(r"\d+(?:[.:]\d+)+[a-z]?|[a-z0-9]+(?:'[a-z]+)?")


class _FoldTable(dict):
    """str.translate table, filled per character on first sight: the NFKD decomposition without
    its combining marks ("ë" -> "e", "ﬁ" -> "fi"). Folding is the hot loop of building BM25 over a
    large corpus; translating in C is ~20x faster than decomposing and filtering every string."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        self[code] = folded
        return folded


_FOLD = _FoldTable({ord("\u2019"): "'", ord("\u2018"): "'", ord("\u00ad"): ""})


def fold(text: str, *, single_spaces: bool = False) -> str:
    """Lowercase and strip accents ("Cliënt" -> "client"); curly quotes become straight.

    `single_spaces`: every run of white space becomes one space. The router, fact extractor and
    guard match phrases written with single spaces ("mag ik"); the analyser leaves white space
    alone (its tokeniser skips it, and its index terms must not change)."""
    lowered = text.lower()
    folded = lowered if lowered.isascii() else lowered.translate(_FOLD)
    return _WHITESPACE_RE.sub(" ", folded) if single_spaces else folded


_WHITESPACE_RE = re.compile(r"\s+")


def collapse_ws(text: str) -> str:
    return " ".join(text.split())


def _alternation(keys: Iterable[str]) -> str:
    # Longest first so "wmo 2015" wins over "wmo"; spaces match any whitespace.
    parts = sorted(set(keys), key=len, reverse=True)
    return "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in parts)


_LAW_ALT = _alternation(LAW_ALIASES)
_LAW_RE = re.compile(rf"(?<![a-z0-9])(?:{_LAW_ALT})(?![a-z0-9])")
_ORG_RE = re.compile(rf"(?<![a-z0-9])(?:{_alternation(ORG_ALIASES)})(?![a-z0-9])")
_ORG_CASED_RE = re.compile(rf"\b(?:{'|'.join(ORG_ALIASES_CASED)})\b")

# "art. 16", "artikel 16 lid 1 onder a", "artikelen 16, 21, 22 en 23", "artt. 8 en 9",
# optionally followed by "van de/het" and a law name.
_ART_RE = re.compile(
    rf"\b(?:artikelen|artikel|artt?\.?)\s*"
    rf"(?P<nums>{_NUM}(?:\s*(?:,|en|t/m|of)\s*{_NUM})*)"
    rf"(?P<tail>(?:\s*,?\s*(?:lid|leden|sub|onder|aanhef|en)\s*(?:{_NUM}|[a-z])\b)*)"
    rf"\s*,?\s*(?:(?:van|uit)\s+(?:de|het)\s+)?"
    rf"(?P<law>{_LAW_ALT})?(?![a-z0-9])"
)
# "7:457 BW", "2:5 Awb" (book:article references without the word artikel).
_BOOK_RE = re.compile(rf"(?<![\d.:])(?P<num>\d+:\d+[a-z]?)\s*(?P<law>{_LAW_ALT})(?![a-z0-9])")
_NUM_IN_RE = re.compile(_NUM)


def law_id(surface: str) -> str | None:
    return LAW_ALIASES.get(" ".join(surface.split()))


def _ref(num: str, law: str | None) -> str:
    # Book:article numbers ("7:457") are already unambiguous with their law: `7:457:bw`.
    if law is None:
        return f"art:{num}"
    return f"{num}:{law}" if ":" in num else f"art:{num}:{law}"


def legal_terms(folded: str) -> list[str]:
    """Special terms for article references in already folded text."""
    terms: list[str] = []
    seen_book: set[int] = set()
    for m in _ART_RE.finditer(folded):
        law = law_id(m.group("law")) if m.group("law") else None
        start = m.start("nums")
        for nm in _NUM_IN_RE.finditer(m.group("nums")):
            num = nm.group(0)
            terms.append(f"art:{num}")
            if law:
                terms.append(_ref(num, law))
                seen_book.add(start + nm.start())
    for m in _BOOK_RE.finditer(folded):
        law = law_id(m.group("law"))
        if law and m.start("num") not in seen_book:
            terms.append(_ref(m.group("num"), law))
    return terms


def entity_terms(text: str, folded: str) -> list[str]:
    """Canonical organisation and law terms (`org:...`, `law:...`)."""
    terms = [f"org:{ORG_ALIASES[' '.join(m.group(0).split())]}" for m in _ORG_RE.finditer(folded)]
    terms += [f"org:{ORG_ALIASES_CASED[m.group(0)]}" for m in _ORG_CASED_RE.finditer(text)]
    for m in _LAW_RE.finditer(folded):
        law = law_id(m.group(0))
        if law:
            terms.append(f"law:{law}")
    return terms


def words(folded: str) -> list[str]:
    """Surface word tokens of folded text; dotted/colon numbers stay whole."""
    return _WORD_RE.findall(folded)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if word[:1].isdigit():
        return word
    return _STEMMER.stemWord(word.removesuffix("'s"))


class Decompounder:
    """Splits a long word into head + tail when both are words of the corpus vocabulary.

    Dutch writes compounds as one word ("gegevensuitwisseling", "beroepsgeheim"). Splitting
    against the corpus's own vocabulary needs no dictionary and only yields parts that can
    match something. Linking morphemes "s" and "en"/"e" between the parts are allowed.
    """

    MIN_WORD = 9
    MIN_PART = 4

    def __init__(self, vocabulary: Iterable[str]):
        # Function words are no compound parts ("over|leden" is not "overleden").
        self.vocab = frozenset(
            w for w in vocabulary if len(w) >= self.MIN_PART - 1 and w.isalpha() and w not in STOPWORDS
        )
        self._cache: dict[str, tuple[str, ...]] = {}

    def split(self, word: str) -> tuple[str, ...]:
        if len(word) < self.MIN_WORD or not word.isalpha():
            return ()
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        best: tuple[str, ...] = ()
        # Prefer the longest tail: Dutch compounds are head-final ("beroeps|geheim").
        for i in range(self.MIN_PART, len(word) - self.MIN_PART + 1):
            head, tail = word[:i], word[i:]
            if len(tail) < self.MIN_PART or tail not in self.vocab:
                continue
            for h in (head, head[:-1] if head.endswith("s") else None,
                      head[:-2] if head.endswith("en") else None):
                if h and len(h) >= self.MIN_PART - 1 and h in self.vocab:
                    best = (h, tail)
                    break
            if best:
                break
        self._cache[word] = best
        return best


# An accented function word is emphasis ("dát-gegeven", "díe informatie", "wél delen"): the
# accent makes it a content word, so it must not fold into the stopword and vanish.
_ACCENTED_WORD_RE = re.compile(r"[^\W\d_]*[\u00e0-\u00ef\u00f2-\u00f6\u00f9-\u00fc][^\W\d_]*")


def emphasis_words(text: str) -> list[str]:
    """Folded forms of accented words whose plain form is a stopword ("dát" -> "dat")."""
    if text.isascii():
        return []
    out = []
    for m in _ACCENTED_WORD_RE.finditer(text.lower()):
        f = fold(m.group(0))
        if f in STOPWORDS:
            out.append(f)
    return out


def analyze(text: str, decompounder: Decompounder | None = None) -> list[str]:
    """Index terms of `text`: stems of content words, compound parts, legal and entity terms."""
    folded = fold(text)
    terms: list[str] = emphasis_words(text)
    for w in words(folded):
        if w in STOPWORDS or (len(w) == 1 and not w.isdigit()):
            continue
        terms.append(stem(w))
        if decompounder is not None:
            terms.extend(stem(p) for p in decompounder.split(w))
    terms.extend(legal_terms(folded))
    terms.extend(entity_terms(text, folded))
    return terms


def content_words(text: str) -> list[str]:
    """Distinct stemmed content words of a query (no special terms), for relevance checks."""
    seen: dict[str, None] = {}
    for w in words(fold(text)):
        if w in STOPWORDS or len(w) < 2:
            continue
        seen.setdefault(stem(w), None)
    return list(seen)


# ---------------------------------------------------------------- sentences and list structure
# (used by the composer, the citation highlight, the guard, the router and the chunker; self-
# contained so the lexical analyser above is unaffected)

# Dutch abbreviations after which a full stop does not end a sentence ("art. 16", "bijv. de").
SENTENCE_ABBREVIATIONS = frozenset(
    """art artt jo lid nr nrs bijv bv o.a e.d e.a i.v.m m.b.t t.a.v t.b.v z.s.m c.q resp vgl zgn
    evt incl excl max min ca d.w.z m.a.w o.m a.s n.a.v p dhr mevr mr dr drs ir ing prof st stb stcrt
    kamerstukken nl ex sub hfd par""".split()
)
_LIST_ITEM_RE = re.compile(r"^\s*(?:[-•*–·▪]|\(?\d{1,2}[a-z]?[.)]|\(?[a-z][.)])\s+")
# Where a sentence may end, per `breaks` of `sentence_spans`:
_SENTENCE_BREAKS = {
    # running Dutch text: a stop, then a capital, digit or opening quote/bracket (abbreviations are
    # checked in sentence_spans)
    "dutch": re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9ÀÉÈËÏÖÜ])"),
    # every stop followed by white space, whatever comes next
    "every_stop": re.compile(r"(?<=[.!?])\s+"),
    # the chunker's cut points: a semicolon ends a clause long enough to cut at, a bullet may follow
    "chunk": re.compile(r"(?<=[.!?;])\s+(?=[A-Z‘“(•\-0-9])"),
}


def list_marker(line: str) -> str:
    """The list marker a line opens with ('- ', '1. ', 'a) '), or ''."""
    m = _LIST_ITEM_RE.match(line)
    return m.group(0) if m else ""


def sentence_spans(text: str, start: int = 0, end: int | None = None, *, breaks: str = "dutch") -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of text[start:end], the one sentence splitter.

    `breaks` says where a sentence may end, because the callers read different text:
    - "dutch" (composer, citation highlight): running text of the handvatten; never after an
      abbreviation ("art. 16 Wpg", "o.a. de politie") or inside a reference like "lid 1. De".
    - "every_stop" (guard, router): a draft or a folded question, where capitals are not to be
      trusted (a model writes "ja. u mag ..."; folded text has none); each stop ends a claim, so
      removing one claim never takes a neighbour with it.
    - "chunk" (ingest chunker): where a too-long paragraph may be cut; a semicolon counts too.
    Spans are not stripped, and a span of white space only is dropped."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    for m in _SENTENCE_BREAKS[breaks].finditer(text, start, end):
        if breaks == "dutch":
            last = text[pos:m.start()].rsplit(" ", 1)[-1].rstrip(".").lower().lstrip("(")
            if last in SENTENCE_ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(a, b) for a, b in out if text[a:b].strip()]


def split_sentences_nl(text: str, *, breaks: str = "dutch") -> list[str]:
    """The sentences of one paragraph (see `sentence_spans`). "dutch" joins line breaks first and
    strips each sentence; the other kinds return the pieces as written (a guard keeps a line's
    indentation)."""
    if breaks == "dutch":
        text = collapse_ws(text)
        return [text[a:b].strip() for a, b in sentence_spans(text)]
    return [text[a:b] for a, b in sentence_spans(text, breaks=breaks)]


def paragraphs_with_lists(text: str) -> list[list[tuple[str, str]]]:
    """Blocks of a passage (split at blank lines); each block a list of (kind, text) with kind
    'p' (running text, hard line wraps joined) or 'item' (one list item, wraps joined)."""
    blocks: list[list[tuple[str, str]]] = []
    for raw in re.split(r"\n\s*\n", text):
        parts: list[list[str]] = []  # [kind, text]
        for line in raw.split("\n"):
            if not line.strip():
                continue
            marker = list_marker(line)
            if marker:
                parts.append(["item", line[len(marker):].strip()])
            elif parts and (parts[-1][0] == "p" or not re.search(r"[.;:!?]\s*$", parts[-1][1])):
                parts[-1][1] += " " + line.strip()
            else:
                parts.append(["p", line.strip()])
        if parts:
            blocks.append([(k, collapse_ws(t)) for k, t in parts])
    return blocks


def passage_sentences(text: str) -> list[tuple[str, bool]]:
    """A passage cut as the composer cuts it (paragraphs and list items of `paragraphs_with_lists`,
    paragraphs into `split_sentences_nl` sentences): (sentence, opens a line). A list item keeps a
    "- " marker. The citation highlight uses this, so what the answer quotes is one unit here."""
    out: list[tuple[str, bool]] = []
    for block in paragraphs_with_lists(text):
        for kind, body in block:
            if kind == "item":
                out.append(("- " + body, True))
            else:
                out.extend((s, i == 0) for i, s in enumerate(split_sentences_nl(body)))
    return out
