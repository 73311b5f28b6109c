"""Words broken at a line end with a hyphen.

Two policies, chosen per document: `keep` (the Veiligheidshuizen handvat: mostly real compound
hyphens such as "Wbp-verantwoordelijke") and `drop_known` (the pettenvraagstuk brochure:
narrow-column hyphenation such as "petten-vraagstuk", dropped only when both sides are lower
case and the joined word occurs elsewhere in the document). A hyphen before a conjunction
("kind- en gezinsbescherming") is always kept with its space."""

from __future__ import annotations

import re
from collections import Counter

_LINE_END_HYPHEN = re.compile(r"(\w)-[ \t]*$")
_CONJUNCTION = re.compile(r"^(?:en|of|tot|en/of|naar)\b")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def vocabulary(text: str) -> Counter[str]:
    """Word counts of the document, leaving out the halves of words broken at a line end."""
    whole = re.sub(r"\w+-[ \t]*\n[ \t]*\w+", " ", text)
    return Counter(w.lower() for w in _WORD.findall(whole))


def join_line_hyphens(lines: list[str], policy: str, vocab: Counter[str]) -> list[str]:
    lines = list(lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        m = _LINE_END_HYPHEN.search(line)
        right = nxt.lstrip()
        if not m or not right[:1].isalpha() or right.startswith("•"):
            out.append(line)
            i += 1
            continue
        head = line[: m.end(1)]
        if _CONJUNCTION.match(right):
            lines[i + 1] = head + "- " + right
        elif policy == "drop_known" and _joinable(head, right, vocab):
            lines[i + 1] = head + right
        else:
            lines[i + 1] = head + "-" + right
        i += 1
    return out


def _joinable(head: str, right: str, vocab: Counter[str]) -> bool:
    left_word = _WORD.findall(head)[-1] if _WORD.findall(head) else ""
    right_word = _WORD.match(right)
    if not left_word or not right_word:
        return False
    rw = right_word.group(0)
    if not rw[:1].islower() or not (left_word[-1:].islower()):
        return False
    joined = (left_word + rw).lower()
    if vocab[joined] > 0:
        return True
    # "verant-⏎woordelijkheden": the left part is no word of its own and the document uses words
    # that start like the joined one ("verantwoordelijk"), so this was a broken word.
    return (len(joined) >= 12 and vocab[left_word.lower()] == 0
            and any(w.startswith(joined[:10]) for w in vocab if len(w) >= 10))


def join_inline_hyphens(text: str, vocab: Counter[str]) -> str:
    """"geheim-houding" -> "geheimhouding" when the joined word occurs elsewhere (both sides lower case)."""

    def repl(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        return left + right if vocab[(left + right).lower()] > 0 else m.group(0)

    return re.sub(r"\b([a-zà-ÿ]{3,})-([a-zà-ÿ]{3,})\b", repl, text)
