"""The interactive loop the chat panel and `deelwijzer check --interactive` share.

The caller keeps a dict of facts; after each answer it calls `questions_for` again. The
engine is pure, so the state is only that dict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deelwijzer.models import Question, Verdict

from .engine import evaluate
from .facts import DECLINED_VALUE, declined_facts, normalise_value
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
    declined = {k: DECLINED_VALUE for k in declined_facts(facts)}  # "weet ik niet": ask another fact first
    verdict = evaluate(ruleset, {**known, **declined}, plan)
    return QuestionState(verdict=verdict, vraag=verdict.vraag, known=known)


def answer(
    ruleset: RuleSet, facts: dict[str, Any], fact: str, value: Any, plan: str | None = None
) -> dict[str, Any]:
    """Facts with one answer added (normalised). Raises FactError on an invalid value.
    "onbekend" ("weet ik niet") keeps the fact unknown but marks it, so the engine asks the next
    open fact first (a later ground of the same step) and never decides on it."""
    v = normalise_value(ruleset, fact, value, plan or facts.get("plan"))
    out = dict(facts)
    out[fact] = DECLINED_VALUE if v is UNKNOWN else v
    return out


def derived_inputs(ruleset: RuleSet, plan: str | None = None) -> dict[str, set[str]]:
    """Per derived fact (of `plan`, or of every plan), the facts its expression reads."""
    names = set(ruleset.facts)
    out: dict[str, set[str]] = {}

    def walk(node: Any, found: set[str]) -> None:
        if isinstance(node, str):
            if node in names:
                found.add(node)
        elif isinstance(node, dict):
            for k, v in node.items():
                if k in names:
                    found.add(k)
                walk(v, found)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v, found)

    plans = [ruleset.plans[plan]] if plan in ruleset.plans else list(ruleset.plans.values())
    for p in plans:
        for name, spec in (p.derived or {}).items():
            found: set[str] = set()
            walk(getattr(spec, "expr", spec), found)  # a typed Derived holds its expression
            found.discard(name)
            out.setdefault(name, set()).update(found)
    return out


def summary_facts(ruleset: RuleSet, fact: str, plan: str | None, known: dict[str, Any] | None = None) -> list[str]:
    """Derived facts of the plan that `fact` feeds and that can be answered directly (a yes/no in
    the fact dictionary), so a user who knows the whole answer ("geen conflict van plichten") need
    not answer every sub-question. Not the ones already known."""
    known = known or {}
    return [d for d, inputs in derived_inputs(ruleset, plan).items()
            if fact in inputs and d in ruleset.facts and ruleset.facts[d].type == "bool" and d not in known]
