"""The loaded rule set: plain data built once from rules/*.yaml, never mutated afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

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


# A condition ("when"): fact name (or $context variable) -> test, the expression language of
# logic.py. An expression ("test", "expr") is likewise kept as logic.py reads it.
Condition = Mapping[str, Any]


@dataclass(frozen=True)
class Reference:
    """A legal reference: article (with lid/sub) of a law, optionally its wetten.overheid.nl BWB id.
    `text` is the reference as written in the rules; two references to the same article of the same
    law are the same reference (`key`), whatever the spacing."""

    text: str
    article: str
    law: str
    bwb: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (" ".join(self.article.split()), self.law)

    def __str__(self) -> str:
        return self.text


def dedup_refs(refs: Iterable[Reference]) -> tuple[Reference, ...]:
    """References de-duplicated by article (first occurrence wins, order kept)."""
    out: dict[tuple[str, str], Reference] = {}
    for r in refs:
        out.setdefault(r.key, r)
    return tuple(out.values())


@dataclass(frozen=True)
class OutcomeCase:
    when: Condition
    outcome: str


@dataclass(frozen=True)
class Then:
    """What a rule does when it fires: go to a step, give an outcome, keep the verdict (overlay)
    or continue with the next rule; plus what it adds to the verdict."""

    next: str | None = None
    outcome: str | None = None
    outcome_if: tuple[OutcomeCase, ...] = ()
    keep: bool = False
    continue_: bool = False
    fallthrough: bool = False  # a NEE-branch the path only passes through: not a basis
    set: Mapping[str, Any] = field(default_factory=dict)
    basis: tuple[Reference, ...] = ()
    voorwaarden: tuple[str, ...] = ()
    wie: tuple[str, ...] = ()
    verwijzing: str | None = None
    overlays: tuple[str, ...] = ()
    heading: str | None = None
    anchor: str | None = None
    reason: str = ""
    ambiguity: tuple[str, ...] = ()
    ask: str | None = None


NO_THEN = Then()


@dataclass(frozen=True)
class Member:
    """One alternative of an any_of rule (e.g. the grounds A-D of zorg stap 2)."""

    id: str
    test: Any  # expression (logic.py)
    then: Then
    route: str | None = None


@dataclass(frozen=True)
class Rule:
    """A rule of a step: either a condition (when / when_any_false / else) with a `then`, or a
    list of alternatives (`any_of`) with `on_fail`."""

    then: Then = NO_THEN
    when: Condition | None = None
    when_any_false: tuple[str, ...] = ()
    otherwise: bool = False  # `else: true`
    any_of: tuple[Member, ...] = ()
    on_fail: Then | None = None

    @property
    def is_any_of(self) -> bool:
        return bool(self.any_of)

    def thens(self) -> tuple[Then, ...]:
        """Every `then` this rule can take (members, then on_fail)."""
        if self.any_of:
            return tuple(m.then for m in self.any_of) + ((self.on_fail,) if self.on_fail else ())
        return (self.then,)

    def conditions(self) -> tuple[Condition, ...]:
        """Every condition the rule reads (its `when` and those of its outcome_if cases)."""
        out: list[Condition] = [self.when] if self.when is not None else []
        for t in self.thens():
            out.extend(c.when for c in t.outcome_if)
        return tuple(out)


@dataclass(frozen=True)
class Annotation:
    """Adds conditions/ambiguities/basis when its condition is definitively true; never asks."""

    when: Condition
    voorwaarden: tuple[str, ...] = ()
    basis: tuple[Reference, ...] = ()
    ambiguity: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """A step of a stappenplan: its rules are tried in order (engine.py); it cites its heading and
    anchor in the handreiking and the articles (`basis`) it rests on."""

    id: str
    title: str
    heading: str
    rules: tuple[Rule, ...]
    anchor: str = ""
    basis: tuple[Reference, ...] = ()
    note: str = ""
    overlay: bool = False
    domain: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    ambiguity: tuple[str, ...] = ()
    annotations: tuple[Annotation, ...] = ()

    def thens(self) -> Iterator[Then]:
        for rule in self.rules:
            yield from rule.thens()


@dataclass(frozen=True)
class Derived:
    """A fact the plan derives from others (expression in logic.py)."""

    expr: Any
    ask_self: bool = False  # `ask: self`: asked itself when none of its inputs is known
    fallback: bool = False


@dataclass(frozen=True)
class Compose:
    """Composition with another plan: when `when` holds, the most restrictive verdict wins."""

    when: Condition
    plan: str
    heading: str
    anchor: str
    ambiguity: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    """One routing rule (routing.yaml): to a plan, or a question first."""

    when: Condition
    heading: str
    plan: str | None = None
    outcome: str | None = None
    ask: str | None = None
    anchor: str = ""
    reason: str = ""


@dataclass(frozen=True)
class PostCondition:
    id: str
    step: str  # the step that defines it (becomes beslissende_stap when it changes the verdict)
    heading: str
    anchor: str
    applies_when: Condition
    requires: str | None
    if_false: Then
    if_unknown: Then
    always: Then | None
    basis: tuple[Reference, ...] = ()
    ambiguity: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    source: dict[str, str]
    rules_version: str
    valid_from: str
    start: str
    steps: dict[str, Step]  # id -> step (document order kept)
    derived: dict[str, Derived]
    defaults: dict[str, Any]
    fixed: dict[str, Any]
    postconditions: tuple[str, ...]
    file: str
    # Plan defaults the source itself states: fact -> ambiguity/assumption key named in the verdict.
    default_notes: dict[str, str] = field(default_factory=dict)
    # Composition with another plan (most restrictive verdict wins), e.g. a professional with a
    # beroepsgeheim inside a bevoegde autoriteit: [{when: {...}, plan: zorg, ...}].
    compose: tuple[Compose, ...] = ()


@dataclass(frozen=True)
class Texts:
    """Every user-facing text of the rules (annotations.yaml): one home, rendered by render.py."""

    outcome_sentences: dict[str, str]  # the verdict as a sentence (annotations.yaml `outcomes`)
    outcome_labels: dict[str, str]  # the verdict as a short label (card, copied text)
    outcome_titles: dict[str, str]  # the verdict as a title (CLI)
    outcome_short: dict[str, str]  # the outcome at the end of a one-line trace
    plan_labels: dict[str, str]  # plan id -> "Zorg- en hulpverleners"
    plan_headings: dict[str, str]  # plan id -> first words of the plan's heading in the handreiking
    disclaimers: dict[str, str]  # chat | cli | advice


@dataclass(frozen=True)
class RuleSet:
    version: str
    valid_from: str
    source: dict[str, str]
    facts: dict[str, FactSpec]
    plans: dict[str, Plan]
    routing: tuple[Route, ...]
    postconditions: dict[str, PostCondition]
    voorwaarden: dict[str, str]
    ambiguities: dict[str, str]
    texts: Texts
    groups: dict[str, frozenset]
    rules_dir: Path
    laws: dict[str, str | None] = field(default_factory=dict)  # law -> BWB id (annotations.yaml)

    def question(self, fact: str, plan: str | None = None) -> Question:
        return self.facts[fact].as_question(plan)
