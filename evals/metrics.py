"""Pure metric math. No I/O, no knowledge of suites: lists in, numbers out."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

from deelwijzer.textnorm import NO_FACT_WORDS, STOPWORDS

_WS = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Whitespace (incl. line breaks) collapsed to single spaces, as the key phrases are matched."""
    return _WS.sub(" ", text).strip()


def contains(haystack: str, needle: str) -> bool:
    return collapse(needle) in collapse(haystack)


def reciprocal_rank(relevances: Sequence[float]) -> float:
    """1/rank of the first relevant item (relevance > 0), 0 when none is."""
    for i, rel in enumerate(relevances, start=1):
        if rel > 0:
            return 1.0 / i
    return 0.0


def dcg(gains: Iterable[float]) -> float:
    return sum(g / math.log2(i + 1) for i, g in enumerate(gains, start=1))


def ndcg_at_k(relevances: Sequence[float], ideal: Sequence[float], k: int = 10) -> float:
    """nDCG@k with graded gains. `ideal` holds the gains of every relevant item that exists
    (not only those retrieved), so missing a relevant item costs score."""
    best = dcg(sorted(ideal, reverse=True)[:k])
    if best <= 0:
        return 0.0
    return dcg(list(relevances)[:k]) / best


def mean(values: Iterable[float]) -> float | None:
    vals = [float(v) for v in values]
    return sum(vals) / len(vals) if vals else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), as numpy's default."""
    if not values:
        return None
    xs = sorted(values)
    if len(xs) == 1:
        return float(xs[0])
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def confusion_matrix(pairs: Iterable[tuple[str, str]], labels: Sequence[str]) -> dict[str, dict[str, int]]:
    """matrix[expected][predicted] = count. Labels outside `labels` are appended."""
    pairs = list(pairs)
    all_labels = list(labels) + sorted({x for p in pairs for x in p} - set(labels))
    matrix = {e: {p: 0 for p in all_labels} for e in all_labels}
    for expected, predicted in pairs:
        matrix[expected][predicted] += 1
    return matrix


# Words that say nothing about whether an answer has the right facts (deelwijzer.textnorm).
_STOPWORDS = STOPWORDS | NO_FACT_WORDS
_TOKEN = re.compile(r"[0-9a-zà-ÿ]+(?:[-'][0-9a-zà-ÿ]+)*")


def content_tokens(text: str) -> set[str]:
    text = unicodedata.normalize("NFC", text.lower())
    return {t for t in _TOKEN.findall(text) if t not in _STOPWORDS and (len(t) > 2 or t.isdigit())}


def key_fact_overlap(reference: str, answer: str) -> float | None:
    """Share of the reference answer's content words that the answer contains (token recall).
    A crude but deterministic proxy for "the key facts are there"; None without a reference."""
    ref = content_tokens(reference)
    if not ref:
        return None
    return len(ref & content_tokens(answer)) / len(ref)


_CITE = re.compile(r"\[(\d+)\]")


def first_cited_number(answer: str) -> int | None:
    """The passage number of the first [n] in the answer (the first cited line's source)."""
    m = _CITE.search(answer)
    return int(m.group(1)) if m else None
