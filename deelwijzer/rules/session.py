"""The interactive loop the chat panel and `deelwijzer check --interactive` share.

The caller keeps a dict of facts; after each answer it calls `questions_for` again. The
engine is pure, so the state is only that dict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deelwijzer.models import Question, Verdict

from .engine import evaluate
from .facts import normalise_value
from .logic import UNKNOWN
from .model import RuleSet


@dataclass(frozen=True)
class QuestionState:
    verdict: Verdict
    vraag: Question | None  # None: the verdict is final (or the handreiking gives no answer)
    known: dict[str, Any]  # the normalised facts the user gave

    @property
    def done(self) -> bool:
        return self.vraag is None


def questions_for(ruleset: RuleSet, facts: dict[str, Any], plan: str | None = None) -> QuestionState:
    from .facts import validate_facts

    known = validate_facts(ruleset, facts, plan)
    verdict = evaluate(ruleset, known, plan)
    return QuestionState(verdict=verdict, vraag=verdict.vraag, known=known)


def answer(
    ruleset: RuleSet, facts: dict[str, Any], fact: str, value: Any, plan: str | None = None
) -> dict[str, Any]:
    """Facts with one answer added (normalised). Raises FactError on an invalid value;
    "onbekend" removes the fact again."""
    v = normalise_value(ruleset, fact, value, plan or facts.get("plan"))
    out = dict(facts)
    if v is UNKNOWN:
        out.pop(fact, None)
    else:
        out[fact] = v
    return out
