"""The rule checker: stappenplannen as YAML (rules/) and a deterministic engine over them.

Public API (docs/contracts.md):
    load_rules(rules_dir=None) -> RuleSet
    evaluate(ruleset, facts, plan=None) -> Verdict
    validate_facts(ruleset, facts, plan=None) -> dict   (raises FactError)
    questions_for(ruleset, facts, plan=None) -> QuestionState   (verdict, vraag, known facts)
    add_answer(ruleset, facts, fact, value, plan=None) -> dict (one answer added, normalised)

Imports nothing heavy: `deelwijzer check` starts instantly.
"""

from __future__ import annotations

from .engine import evaluate, evaluate_with_branches
from .facts import normalise_value, validate_facts
from .loader import load_rules
from .model import FactError, FactSpec, Plan, RuleError, RuleSet
from .session import QuestionState, questions_for
from .session import answer as add_answer

__all__ = [
    "FactError",
    "add_answer",
    "FactSpec",
    "Plan",
    "QuestionState",
    "RuleError",
    "RuleSet",
    "evaluate",
    "evaluate_with_branches",
    "load_rules",
    "normalise_value",
    "questions_for",
    "validate_facts",
]
