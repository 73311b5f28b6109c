"""The loaded rule set: plain data built once from rules/*.yaml, never mutated afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deelwijzer.models import Question


class RuleError(Exception):
    """The rules themselves are broken (schema, references, a gap in a step)."""


class FactError(ValueError):
    """The facts given to the engine are invalid; the message lists the valid names/values."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Ongeldige feiten:\n- " + "\n- ".join(problems))


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: str  # bool | enum | int
    question: str
    help: str = ""
    values: tuple[Any, ...] = ()
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    plan_values: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    groups: dict[str, frozenset] = field(default_factory=dict)
    # Where a fact's meaning differs per stappenplan, the question and help are per plan.
    plan_question: dict[str, str] = field(default_factory=dict)
    plan_help: dict[str, str] = field(default_factory=dict)

    def options(self, plan: str | None = None) -> tuple[str, ...]:
        if self.type == "bool":
            return ("ja", "nee")
        values = self.plan_values.get(plan, self.values) if plan else self.values
        return tuple(str(v) for v in values)

    def as_question(self, plan: str | None = None) -> Question:
        return Question(
            fact=self.name,
            text=self.plan_question.get(plan or "", self.question),
            type=self.type,
            options=self.options(plan),
            help=self.plan_help.get(plan or "", self.help),
        )


@dataclass(frozen=True)
class PostCondition:
    id: str
    step: str  # the step that defines it (becomes beslissende_stap when it changes the verdict)
    heading: str
    anchor: str
    applies_when: dict[str, Any]
    requires: str | None
    if_false: dict[str, Any]
    if_unknown: dict[str, Any]
    always: dict[str, Any] | None
    basis: tuple[str, ...] = ()
    ambiguity: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    source: dict[str, str]
    rules_version: str
    valid_from: str
    start: str
    steps: dict[str, dict[str, Any]]  # id -> step mapping as in YAML (document order kept)
    derived: dict[str, dict[str, Any]]
    defaults: dict[str, Any]
    fixed: dict[str, Any]
    postconditions: tuple[str, ...]
    file: str
    # Plan defaults the source itself states: fact -> ambiguity/assumption key named in the verdict.
    default_notes: dict[str, str] = field(default_factory=dict)
    # Composition with another plan (most restrictive verdict wins), e.g. a professional with a
    # beroepsgeheim inside a bevoegde autoriteit: [{when: {...}, plan: zorg, ...}].
    compose: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class RuleSet:
    version: str
    valid_from: str
    source: dict[str, str]
    facts: dict[str, FactSpec]
    plans: dict[str, Plan]
    routing: tuple[dict[str, Any], ...]
    postconditions: dict[str, PostCondition]
    voorwaarden: dict[str, str]
    ambiguities: dict[str, str]
    outcome_labels: dict[str, str]
    groups: dict[str, frozenset]
    rules_dir: Path

    def question(self, fact: str, plan: str | None = None) -> Question:
        return self.facts[fact].as_question(plan)
