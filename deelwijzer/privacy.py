"""Detect and redact personal data in free text (questions, log lines, feedback).

Two kinds, both deliberately narrow so that guidance text (article numbers, years, dates of laws,
phone numbers) does not trigger:

- "bsn": nine digits, optionally grouped 3-3-3 with one consistent separator (dot, space or
  hyphen) or written 4-2-3 with dots ("1234.56.782"), that pass the 11-proef
  (9*d1 + 8*d2 + ... + 2*d8 - 1*d9 divisible by 11). Digits glued to other digits, or written as
  part of a longer number ("7:457", "1.234.567.890"), are not a BSN.
- "naam_geboortedatum": a capitalised personal name (two or more name words, Dutch
  tussenvoegsels such as "van der" allowed between them; or one name word after a title like
  "mevrouw", or right before/after "geboren") within a short distance of a date that can be a date
  of birth (dd-mm-yyyy, dd/mm/yyyy, dd.mm.yyyy or "12 maart 1985", year 1900-2099).

Findings carry a description that is safe to show or log: it never repeats the matched text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Literal

FindingKind = Literal["bsn", "naam_geboortedatum"]


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    span: tuple[int, int]  # (start, end) in the input text; covers name through date
    description: str  # safe: never contains the personal data itself
    # The sub-spans that are personal data (the name and the date; for a BSN the number).
    parts: tuple[tuple[int, int], ...] = ()


# --- BSN --------------------------------------------------------------------------------------

# Not preceded by a digit or a digit-joining mark (so "7:457" or "1.234.567.890" never match);
# not followed by another digit group.
_BSN_RE = re.compile(
    r"(?<![\d:/,.\-])(?<![\d][ .])"
    r"(?:"
    r"(?P<a>\d{3})(?P<sep>[. \-]?)(?P<b>\d{3})(?P=sep)(?P<c>\d{3})"
    r"|(?P<d>\d{4})\.(?P<e>\d{2})\.(?P<f>\d{3})"
    r")"
    r"(?!\d)(?![.,:/\-]\d)(?! \d)"
)


def elfproef(digits: str) -> bool:
    """The BSN 11-proef on a string of exactly nine digits (all zeros is not a BSN)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def _find_bsns(text: str) -> list[Finding]:
    found = []
    for m in _BSN_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if elfproef(digits):
            found.append(Finding("bsn", m.span(), "burgerservicenummer (9 cijfers, voldoet aan de 11-proef)",
                                 (m.span(),)))
    return found


# --- name + date of birth ---------------------------------------------------------------------

_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")
_MONTH_ABBR = ("jan", "feb", "mrt", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dec")

_DATE_RE = re.compile(
    r"(?<![\d:/.\-])"
    r"(?:"
    r"(?:0?[1-9]|[12]\d|3[01])(?P<s>[-/.])(?:0?[1-9]|1[0-2])(?P=s)(?:19|20)\d{2}"
    r"|(?:0?[1-9]|[12]\d|3[01])\s+(?:" + "|".join(_MONTHS + _MONTH_ABBR) + r")\.?\s+(?:19|20)\d{2}"
    r")(?!\d)",
    re.IGNORECASE,
)

_TUSSENVOEGSELS = ("van", "de", "der", "den", "het", "ter", "ten", "te", "in", "op", "'t", "la", "le",
                   "el", "al", "du", "da", "dos", "von", "zu", "bin", "ben")
# Words that are capitalised in guidance text or at the start of a sentence but are no names.
_NOT_NAMES = frozenset(w.lower() for w in """
    De Het Een Deze Dit Die Dat Daar Hier Er En Of Maar Want Als Dan Toen Nu Ook Wel Niet Geen Wat Wie
    Waar Wanneer Hoe Waarom Welke Welk Mag Mogen Moet Moeten Kan Kunnen Is Zijn Was Waren Wordt Worden
    Heeft Hebben Had Ik Je Jij U Uw We Wij Zij Ze Hij Haar Hem Mijn Onze Ons Zijn In Op Aan Bij Met Van
    Voor Na Naar Om Over Per Tot Uit Door Tegen Sinds Vanaf Volgens Sinds Tijdens Onder Boven Zonder
    Ja Nee Graag Beste Geachte Dag Hallo Goedemorgen Vraag Antwoord Cliënt Client Burger Betrokkene
    Wet Wetboek Artikel Art Besluit Verordening Richtlijn Algemene Uitvoeringswet Jeugdwet Wmo Wbp Avg
    Gemeente Gemeenten Politie Veiligheidshuis Veiligheidshuizen Raad Kinderbescherming Ministerie
    Justitie Veiligheid Openbaar Ministerie Zorg Jeugd Jeugdzorg Reclassering Nederland Nederlandse
    Rijksoverheid Kamer Staten Generaal Hoge Hof Rechtbank Stappenplan Handvat Handreiking Nota Bijlage
    Hoofdstuk Paragraaf Stap Tabel Figuur Januari Februari Maart April Mei Juni Juli Augustus
    September Oktober November December Maandag Dinsdag Woensdag Donderdag Vrijdag Zaterdag Zondag
    Geboren Geboortedatum Naam Adres Woonplaats Meneer Mevrouw Heer Dhr Mevr Mw Familie
    Veilig Thuis Wijkteam Wijkteams Toekomstscenario Sociaal Domein Huisarts Leerplicht
    Autoriteit Beleidsregels Samen Advies Meldpunt Wetsvoorstel Tijdelijke Maatregelen College
    Burgemeester Wethouders Officier Minister Staatssecretaris Inspectie Centrum Bureau Stichting
    Steunpunt Steunpunten Huiselijk Geweld Regio Provincie Noord Zuid Oost West Midden Europese Unie
""".split())
# Suffixes of institutional nouns ("Persoonsgegevens", "Jeugdwet", "Kindermishandeling"): a
# candidate containing such a word is an organisation or law, not a person.
_NOT_NAME_SUFFIXES = ("gegevens", "wet", "heid", "schap", "beleid", "zorg", "dienst", "recht", "mishandeling",
                      "bescherming", "regeling", "werking", "voering", "geving",
                      "huis", "huizen", "raad", "nederland", "centrum", "regels", "teams", "team", "lijk",
                      "punt", "punten")
_TITLES = ("meneer", "mevrouw", "mevr", "mw", "dhr", "de heer", "heer", "mr", "dr", "ir", "drs")

_NAME_WORD = r"(?:[A-ZÀ-Þ][a-zß-ÿ]+(?:-[A-ZÀ-Þ][a-zß-ÿ]+)?|[A-Z]\.(?:[A-Z]\.)*)"
_TV = r"(?:(?:" + "|".join(re.escape(t) for t in _TUSSENVOEGSELS) + r")[ \t]+)"
# Two or more name words with optional tussenvoegsels between them ("Jan van der Berg").
_FULL_NAME_RE = re.compile(rf"\b{_NAME_WORD}(?:[ \t]+{_TV}*{_NAME_WORD})+(?![\wÀ-ÿ])")
# A title followed by a (possibly single) surname ("mevrouw De Boer", "dhr. Jansen").
_TITLED_NAME_RE = re.compile(
    rf"\b(?:{'|'.join(re.escape(t) for t in _TITLES)})\.?[ \t]+{_TV}*(?:[A-Z][a-z]+[ \t]+)?{_NAME_WORD}(?![\wÀ-ÿ])",
    re.IGNORECASE,
)
_SINGLE_NAME_RE = re.compile(rf"\b{_NAME_WORD}(?![\wÀ-ÿ])")
_BIRTH_RE = re.compile(r"\b(?:geboren|geb\.|geboortedatum|geboortedag)", re.IGNORECASE)

_NEAR = 45  # max characters between the end of one and the start of the other
_BIRTH_NEAR = 25  # a single name word counts when this close to "geboren"


def _is_name(candidate: str) -> bool:
    """At least one word of the candidate is a name word that is not a known non-name, and no
    capitalised word is an institutional term."""
    words = re.findall(r"[A-Za-zÀ-ÿ]+", candidate)
    for w in words:
        if w[0].isupper() and (w.lower() in _NOT_NAMES or w.lower().endswith(_NOT_NAME_SUFFIXES)):
            return False
    name_words = [w for w in words if w[0].isupper() and w.lower() not in _NOT_NAMES
                  and w.lower() not in _TUSSENVOEGSELS]
    return bool(name_words)


def _trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading non-name words ("Mag", "De") from a full-name match; None when nothing is left
    that still has two words or ends in a real name word."""
    words = list(re.finditer(r"\S+", text[start:end]))
    while words and words[0].group(0).rstrip(".").lower() in _NOT_NAMES | set(_TUSSENVOEGSELS):
        words.pop(0)
    if len(words) < 2:
        return None
    s, e = start + words[0].start(), start + words[-1].end()
    if not _is_name(text[s:e]):
        return None
    return s, e


def _name_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _TITLED_NAME_RE.finditer(text):
        if _is_name(text[m.start():m.end()].split(None, 1)[-1]):
            spans.append(m.span())
    for m in _FULL_NAME_RE.finditer(text):
        trimmed = _trim_name(text, *m.span())
        if trimmed:
            spans.append(trimmed)
    # One name word right next to "geboren" ("Pietersen, geboren 3 maart 1980").
    for b in _BIRTH_RE.finditer(text):
        for m in _SINGLE_NAME_RE.finditer(text, max(0, b.start() - _BIRTH_NEAR), b.end() + _BIRTH_NEAR):
            if _is_name(m.group(0)) and not m.group(0).endswith("."):
                spans.append(m.span())
    # Keep the longest of overlapping spans.
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    merged: list[tuple[int, int]] = []
    for s in spans:
        if merged and s[0] < merged[-1][1]:
            if s[1] > merged[-1][1]:
                merged[-1] = (merged[-1][0], s[1])
            continue
        merged.append(s)
    return merged


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return b[0] - a[1] if a[1] <= b[0] else a[0] - b[1]


def _find_name_dob(text: str) -> list[Finding]:
    dates = [m.span() for m in _DATE_RE.finditer(text)]
    if not dates:
        return []
    names = _name_spans(text)
    found = []
    used_dates: set[tuple[int, int]] = set()
    starts = [d[0] for d in dates]
    for name in names:
        # Only dates starting in a window around the name can be near it (keeps this linear).
        lo = bisect.bisect_left(starts, name[0] - _NEAR - 40)
        hi = bisect.bisect_right(starts, name[1] + _NEAR)
        near = [d for d in dates[lo:hi] if d not in used_dates and 0 <= _gap(name, d) <= _NEAR
                and "\n\n" not in text[min(name[1], d[1]):max(name[0], d[0])]]
        if not near:
            continue
        date = min(near, key=lambda d: _gap(name, d))
        used_dates.add(date)
        span = (min(name[0], date[0]), max(name[1], date[1]))
        found.append(Finding("naam_geboortedatum", span, "naam met (geboorte)datum", (name, date)))
    return found


# --- public API ---------------------------------------------------------------------------------


def detect_personal_data(text: str) -> list[Finding]:
    """All findings in `text`, ordered by position."""
    if not text:
        return []
    return sorted(_find_bsns(text) + _find_name_dob(text), key=lambda f: f.span)


def contains_personal_data(text: str) -> bool:
    return bool(detect_personal_data(text))


_PLACEHOLDER = {"bsn": "[BSN]"}


def redact(text: str) -> str:
    """`text` with every BSN replaced by "[BSN]", names by "[NAAM]" and their dates by "[DATUM]"."""
    if not text:
        return text
    pieces: list[tuple[int, int, str]] = []
    for f in detect_personal_data(text):
        if f.kind == "bsn":
            pieces.append((*f.span, "[BSN]"))
        else:
            name, date = f.parts
            pieces.append((*name, "[NAAM]"))
            pieces.append((*date, "[DATUM]"))
    out, pos = [], 0
    for start, end, label in sorted(pieces):
        if start < pos:  # overlapping findings: the earlier replacement already covers it
            continue
        out.append(text[pos:start])
        out.append(label)
        pos = end
    out.append(text[pos:])
    return "".join(out)
