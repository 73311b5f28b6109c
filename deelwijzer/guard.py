"""The guard: reconciles a draft (from a language model or the extractive composer) with the
retrieved passages and the rules engine, so that

- every [n] in the text resolves to a retrieved passage (others are dropped);
- a yes/no claim in the draft that the engine's outcome does not support is removed, and the
  engine's verdict with its trace and basis is shown instead;
- with facts missing, no yes/no is given and the text carries one line with the plan's next question
  (its options stay in the panel); under a question about the rules in general, not the asker's own
  decision, one line points to the stappenplan instead: its next question would answer nothing asked;
- when nothing relevant was retrieved, the answer is an honest refusal;
- passages from pre-AVG (Wbp) documents are marked as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from deelwijzer.models import Citation, Passage, Verdict
from deelwijzer.rules.render import verdict_block, verdict_invitation  # the chat block (also Answer.verdict_text)
from deelwijzer.textnorm import fold, split_sentences_nl

REFUSAL_TEXT = (
    "Dit staat niet in de handvatten. Ik kan deze vraag daarom niet beantwoorden; ik geef geen antwoord "
    "uit algemene kennis. Raadpleeg de privacyfunctionaris of de FG van uw organisatie."
)
# A sharing question about an asker, recipient or act none of the stappenplannen deals with (issue 14
# item 3): say so plainly, and what the handvatten do cover (the roles of the five stappenplannen).
SCOPE_REFUSAL_TEXT = (
    "De handvatten gaan niet over deze situatie. Ze beschrijven wanneer zorg- en hulpverleners (ook "
    "wijkteams), scholen, de politie en boa's, het Openbaar Ministerie en de gemeente (openbare orde, "
    "sociaal domein) persoonsgegevens mogen delen met partijen als Veilig Thuis, de politie, de gemeente, "
    "de school of een zorgpartner. Ik geef geen antwoord uit algemene kennis; raadpleeg de "
    "privacyfunctionaris of de FG van uw organisatie. Deelt u de gegevens toch in een van deze rollen, "
    "noem dan uw rol en de ontvanger in uw vraag."
)
CLAIM_REMOVED_NOTE = (
    "(Een uitspraak in het concept die afweek van het oordeel van het stappenplan is weggelaten.)"
)
PRE_AVG_NOTE = "Let op: {refs} {verb} gebaseerd op de Wbp, vóór de AVG."

# ------------------------------------------------------------------ citations

_CITE_GROUP = re.compile(r"\[(\s*\d+\s*(?:[,;]\s*\d+\s*)*)\]")


def _renumber(text: str, valid: set[int]) -> tuple[str, list[int], list[int]]:
    """Drop [n] markers that point at no passage. Returns (text, used in order, dropped)."""
    used: list[int] = []
    dropped: list[int] = []

    def repl(m: re.Match[str]) -> str:
        nums = [int(x) for x in re.split(r"[,;]", m.group(1))]
        keep = [n for n in nums if n in valid]
        dropped.extend(n for n in nums if n not in valid)
        for n in keep:
            if n not in used:
                used.append(n)
        return "".join(f"[{n}]" for n in keep)

    text = _CITE_GROUP.sub(repl, text)
    text = re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", text))
    return text, used, dropped


def make_citation(n: int, passage: Passage) -> Citation:
    c = passage.chunk
    return Citation(
        n=n,
        chunk_id=c.id,
        source_file=c.source_file,
        title=c.title,
        version=c.version,
        heading_path=c.heading_path_str,
        text=c.text,
        pre_avg=c.pre_avg,
    )


# ------------------------------------------------------------------ verdict claims

_VERB = r"(delen|verstrekken|melden|doorgeven|door te geven|geven|doorsturen|informeren|uitwisselen|bespreken|vertellen)"
_NEGATIVE = [
    rf"\b(u|je|jij|ik|men|we|wij) (mag|mogen|kunt|kan|kun) .{{0,80}}\b(niet|geen)\b.{{0,60}}\b{_VERB}\b",
    rf"\b(mag|mogen|kunt|kan) (u|je|jij|ik|we|wij) .{{0,60}}\b(niet|geen)\b.{{0,60}}\b{_VERB}\b",
    r"\bdat mag niet\b", r"\b(is|zijn) (dus )?niet toegestaan\b", r"\bis verboden\b", r"^\W*nee\b",
]
_OBLIGATION = [
    r"\b(u|je|jij|ik|we|wij) (bent|ben|zijn|is) (dus )?verplicht\b",
    rf"\b(u|je|jij|ik|we|wij) (moet|moeten) .{{0,60}}\b{_VERB}\b",
    r"\bverplicht (om )?(te )?" + _VERB,
]
_POSITIVE = [
    rf"\b(u|je|jij|ik|we|wij) (mag|mogen) .{{0,80}}\b{_VERB}\b",
    rf"\b(mag|mogen) (u|je|jij|ik|we|wij) .{{0,80}}\b{_VERB}\b",
    r"^\W*ja\b", r"\bdat mag\b(?! niet)", r"\b(is|zijn) (dus |wel )?toegestaan\b",
]
_ALLOWED_CLAIMS = {
    "mag_delen": {"positive"},
    "verplicht_delen": {"positive", "obligation"},
    "mag_niet_delen": {"negative"},
}


def classify_claim(sentence: str) -> str | None:
    """'negative' | 'obligation' | 'positive' | None: does this sentence tell the asker yes/no?"""
    s = fold(sentence, single_spaces=True).strip()
    s = re.sub(r"^[-*•]\s*", "", s)
    if any(re.search(p, s) for p in _NEGATIVE):
        return "negative"
    if any(re.search(p, s) for p in _OBLIGATION):
        return "obligation"
    if any(re.search(p, s) for p in _POSITIVE):
        return "positive"
    return None


_SPLIT = re.compile(r"(?<=[.!?])\s+|\n")
_MARKERS_ONLY = re.compile(r"^\s*(\[\d+\]\s*)+$")
_QUOTE_PREFIX = re.compile(r"^\s*(?:[-*•]\s*)?(?:kort antwoord:\s*|ouder handvat \([^)]*\):\s*)?", re.IGNORECASE)
# An engine verdict: every outcome but "more information needed". Only these can be contradicted.
DECIDED = frozenset({"mag_delen", "mag_niet_delen", "verplicht_delen", "raadpleeg_functionaris", "ander_stappenplan"})
UNDECIDED_CLAIM_NOTE = (
    "(Een ja/nee-uitspraak van het taalmodel is weggelaten: alleen het stappenplan geeft een oordeel.)"
)
# A question about the rules in general gets no "next question" of the stappenplan in its text
# (it answers nothing asked); one line says where the stappenplan is (issue 13).
PANEL_POINTER = (
    "Wilt u weten of u in uw eigen situatie gegevens mag delen? Doorloop dan het stappenplan{plan} "
    "(paneel Stappenplan); daar verschijnt het oordeel."
)
QUOTE_DIFFERS_NOTE = (
    "Let op: de geciteerde passage geeft de algemene regel uit de handvatten. Voor de feiten die u opgaf "
    "komt het stappenplan tot een ander oordeel; dat oordeel geldt voor uw situatie (zie hieronder)."
)


def _sentences(line: str) -> list[str]:
    """Sentences of one line; a trailing citation ("… delen. [3]") stays with its sentence."""
    out: list[str] = []
    for piece in split_sentences_nl(line, breaks="every_stop"):
        if out and _MARKERS_ONLY.match(piece):
            out[-1] = out[-1] + " " + piece.strip()
        else:
            out.append(piece)
    return out


draft_sentences = _sentences  # public: the model-draft support check (deelwijzer.faithful) splits alike


def _collapse(text: str) -> str:
    return " ".join(text.split()).casefold()


def is_quote(sentence: str, sources: Sequence[str]) -> bool:
    """Is this sentence (markers, bullet and answer labels removed) verbatim in a source passage?"""
    body = _QUOTE_PREFIX.sub("", _CITE_GROUP.sub("", sentence)).strip()
    body = _collapse(body)
    if len(body) < 20:
        return False
    return any(body in src or body.rstrip(".;:") in src for src in sources)


def strip_unsupported_claims(
    draft: str, verdict: Verdict | None, sources: Sequence[str] = ()
) -> tuple[str, int, int]:
    """Remove the sentences whose yes/no claim the engine's outcome does not support.

    With `sources` (the extractive composer's draft: every line a verbatim, cited sentence it chose
    itself), a verbatim quote of a retrieved passage (the section's own rule) is never removed:
    against a decided verdict that differs it is kept and counted, so the caller can say that the
    verdict for the user's facts takes precedence over the general rule. A language model's draft is
    passed without sources: a model can be steered into repeating a planted sentence, so its yes/no
    claims are filtered whether quoted or not. Returns (text, removed, differing quotes)."""
    allowed = _ALLOWED_CLAIMS.get(verdict.outcome, set()) if verdict else set()
    decided = verdict is not None and verdict.outcome in DECIDED
    collapsed_sources = [_collapse(s) for s in sources]
    removed = differing = 0
    out_lines = []
    for line in draft.split("\n"):
        kept = []
        for sentence in _sentences(line):
            kind = classify_claim(sentence)
            if kind is not None and kind not in allowed:
                if is_quote(sentence, collapsed_sources):
                    differing += decided
                else:
                    removed += 1
                    continue
            kept.append(sentence)
        new_line = " ".join(kept).rstrip()
        if new_line.strip() in ("", "-", "*", "•") and line.strip():
            continue  # the whole line was a removed claim
        out_lines.append(new_line)
    return "\n".join(out_lines).strip(), removed, differing


# ------------------------------------------------------------------ the guard


@dataclass(frozen=True)
class Guarded:
    text: str
    citations: tuple[Citation, ...]
    refused: bool
    removed_claims: int = 0
    dropped_citations: tuple[int, ...] = ()
    verdict_text: str = ""  # the engine's block inside `text` (a UI that shows the verdict itself folds it)


def refusal(text: str = REFUSAL_TEXT) -> Guarded:
    return Guarded(text=text, citations=(), refused=True)


def guard(
    draft: str,
    passages: Sequence[Passage],
    verdict: Verdict | None,
    *,
    relevant: bool = True,
    notes: Sequence[str] = (),
    step_n: int | None = None,
    protect_quotes: bool = False,
    about_rules: bool = False,
    role_unknown: bool = False,
) -> Guarded:
    """The final answer text and its citations; see the module docstring for the rules.
    `protect_quotes`: the draft is the extractive composer's (verbatim quotes it selected); their
    rule sentences are kept (see `strip_unsupported_claims`).
    `about_rules`: the question asks about the rules in general, not the asker's own decision; with
    no verdict yet the engine's block (its next question) is replaced by one pointer line.
    `role_unknown`: the question names a role the stappenplannen do not map; the line says so."""
    if not relevant or not passages:
        return refusal()
    valid = set(range(1, len(passages) + 1))
    sources = [p.chunk.text for p in passages] if protect_quotes else []
    body, removed, differing = strip_unsupported_claims(draft, verdict, sources)
    body, used, dropped = _renumber(body, valid)
    if not used:
        # A draft without any (valid) citation still gets its sources: the top passages it came from.
        used = [n for n in (1, 2) if n in valid]
        body = (body + "\n" if body else "") + "Relevante passages: " + " ".join(f"[{n}]" for n in used)
    parts = [body]
    if removed:
        decided = verdict is not None and verdict.outcome in DECIDED
        parts.append(CLAIM_REMOVED_NOTE if decided else UNDECIDED_CLAIM_NOTE)
    if differing:
        parts.append(QUOTE_DIFFERS_NOTE)
    block = ""
    if verdict is not None and about_rules and verdict.outcome not in DECIDED:
        parts.append(PANEL_POINTER.format(plan=f" {verdict.plan}" if verdict.plan else ""))
    elif verdict is not None and verdict.outcome not in DECIDED:
        # No verdict yet: the full block (options, step, disclaimer) diluted the answer and repeated
        # the panel (blind grade, round 2); one line invites the interview.
        block = verdict_invitation(verdict, role_unknown)
        parts.append(block)
    elif verdict is not None:
        cite_step = step_n is not None and step_n in valid
        block = verdict_block(verdict, f" [{step_n}]" if cite_step else "")
        parts.append(block)
        if cite_step and step_n not in used:
            used.append(step_n)
    citations = tuple(make_citation(n, passages[n - 1]) for n in used)
    old = [f"[{c.n}]" for c in citations if c.pre_avg]
    if old:
        parts.append(PRE_AVG_NOTE.format(refs=", ".join(old), verb="is" if len(old) == 1 else "zijn"))
    parts.extend(notes)
    return Guarded(
        text="\n\n".join(p for p in parts if p),
        citations=citations,
        refused=False,
        removed_claims=removed,
        dropped_citations=tuple(dropped),
        verdict_text=block,
    )
