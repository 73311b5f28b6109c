"""Follow-up questions read in the context of the conversation (issue 13).

"Ik ben leerkracht. Mag ik zonder toestemming gegevens van een leerling van 14 delen met de
jeugdarts?" followed by "En als de leerling 17 is?" is one question asked twice: the second turn
only changes the age. `contextualize` turns the earlier user turns plus the new one into

- `query`: a standalone question for retrieval and routing (the earlier question with the new
  value put in place of the old one where that is unambiguous, otherwise both texts joined);
- `previous`: the standalone earlier question, whose facts come first;
- `followup`: the new turn, whose facts replace the earlier ones (a new value replaces the old).

Only user turns count; assistant turns are ignored (they quote the handvatten, not the user's facts).
Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from deelwijzer.textnorm import fold

# How an elliptic follow-up opens ("En als …", "Wat als …", "Geldt dat ook …", "En met Veilig Thuis?").
_OPENERS = re.compile(
    r"^\s*(en|maar|of|ook|dus)\b|^\s*(wat|hoe) (als|nu als|dan als|zit het)\b|^\s*(stel dat|in het geval|"
    r"geldt (dat|dit|het)|is dat|is dit|mag dat|mag dit|kan dat|kan dit|dan|zelfde|hetzelfde|idem)\b"
)
MAX_FOLLOWUP_WORDS = 14
_AGE = re.compile(r"\b(\d{1,2})(\s*jaar|-jarige?)?\b")


@dataclass(frozen=True)
class Context:
    query: str  # standalone question for retrieval and routing
    previous: str = ""  # the earlier standalone question ("" when this is not a follow-up)
    followup: str = ""  # the new turn when it is a follow-up

    @property
    def is_followup(self) -> bool:
        return bool(self.previous)


def user_turns(history: Iterable[Any] | None) -> list[str]:
    """Earlier user questions from a history of strings or {"role", "content"} dicts."""
    turns: list[str] = []
    for turn in history or ():
        if isinstance(turn, str):
            text = turn
        elif isinstance(turn, Mapping):
            if turn.get("role", "user") != "user":
                continue
            text = str(turn.get("content") or "")
        else:
            role = getattr(turn, "role", "user")
            if role != "user":
                continue
            text = str(getattr(turn, "content", "") or "")
        if text.strip():
            turns.append(" ".join(text.split()))
    return turns


def is_followup(question: str) -> bool:
    """Short and elliptic: it leans on the question before it."""
    text = fold(question).strip()
    n_words = len(text.split())
    if n_words == 0 or n_words > MAX_FOLLOWUP_WORDS:
        return False
    return bool(_OPENERS.search(text))


def _replace_age(previous: str, followup: str) -> str | None:
    """The earlier question with the follow-up's age in place of its own, when each has exactly one."""
    new = [m for m in _AGE.finditer(followup)]
    old = [m for m in _AGE.finditer(previous)]
    if len(new) != 1 or len(old) != 1:
        return None
    m = old[0]
    return previous[: m.start(1)] + new[0].group(1) + previous[m.end(1):]


def merge(previous: str, followup: str) -> str:
    """One standalone question from an earlier question and an elliptic follow-up."""
    replaced = _replace_age(previous, followup)
    if replaced is not None:
        return replaced
    return f"{previous} {followup}"


def contextualize(question: str, history: Sequence[Any] | None) -> Context:
    """The question as it is meant, given the earlier user turns (see the module docstring)."""
    question = " ".join(str(question).split())
    turns = user_turns(history)
    if not turns or not is_followup(question):
        return Context(query=question)
    # The standing question: the last standalone turn with the follow-ups after it applied.
    standing = turns[0]
    for turn in turns[1:]:
        standing = merge(standing, turn) if is_followup(turn) else turn
    return Context(query=merge(standing, question), previous=standing, followup=question)


FOLLOWUP_NOTE = "Gelezen als vervolgvraag: “{query}”"


def restated_facts(question: str, history: Sequence[Any] | None,
                   extract: Callable[[str], dict[str, Any]]) -> set[str]:
    """Names of the facts the new question states itself, so that a caller holding facts from
    earlier turns (the chat's panel) lets the question's new value through: for a follow-up,
    the facts whose value differs between the standalone question and the earlier one, plus those
    the follow-up names with another value; for a standalone question, every fact it states."""
    context = contextualize(question, history)
    if not context.is_followup:
        return set(extract(question))
    before = extract(context.previous)
    after = extract(context.query)
    changed = {k for k, v in after.items() if before.get(k) != v}
    named = {k for k, v in extract(context.followup).items() if before.get(k) != v}
    return changed | named
