"""Three-valued evaluation of rule conditions and derived-fact expressions.

A value is either known or UNKNOWN. Every evaluation returns a `Tri`: `value` is True/False
(or, for derived enum facts, the derived value) or UNKNOWN, and `missing` names the first
fact in document order whose absence kept the result open (the next question to ask).

Semantics (docs/rules.md, "How a verdict is computed"):
* a conjunction is False as soon as any member is False, even if earlier members are
  unknown; True when all members are True; otherwise UNKNOWN with the first unknown member;
* a disjunction is True as soon as any member is True; False when all are False;
* `cases` take the first case whose condition is True; a case whose condition is UNKNOWN
  stops the search (a later case may only be chosen once the earlier ones are settled).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable


class _Unknown:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:  # guard against accidental truthiness tests
        raise TypeError("UNKNOWN has no truth value")


UNKNOWN: Any = _Unknown()

# Facts the user answered with "weet ik niet" in this evaluation (set by the engine). They stay
# unknown: they only change WHICH open fact is named as the next question, never a truth value, so
# a verdict can never become more permissive. When every open fact was declined, the first one is
# named, as without declined facts (the interview ends there).
DECLINED: ContextVar[frozenset[str]] = ContextVar("DECLINED", default=frozenset())


def first_missing(names: Iterable[str | None]) -> str | None:
    """The next question among open facts in document order: the first one the user did not
    decline, else the first one."""
    names = [n for n in names if n]
    if not names:
        return None
    declined = DECLINED.get()
    return next((n for n in names if n not in declined), names[0])


@dataclass
class Tri:
    value: Any
    missing: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN


def same(a: Any, b: Any) -> bool:
    """Equality that never confuses True with 1 or False with 0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def test_value(value: Any, test: Any, groups: dict[str, frozenset]) -> bool:
    """Does a known value satisfy one test of a `when` mapping?"""
    if test == "*":
        return True
    if isinstance(test, list):
        return any(same(value, t) for t in test)
    if isinstance(test, dict):
        (op, arg), = test.items()
        if op == "not_in":
            return not any(same(value, t) for t in arg)
        if op == "in_group":
            return value in groups[arg]
        if op == "not_in_group":
            return value not in groups[arg]
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if op == "lt":
            return value < arg
        if op == "lte":
            return value <= arg
        if op == "gt":
            return value > arg
        if op == "gte":
            return value >= arg
        if op == "between":
            return arg[0] <= value <= arg[1]
        raise ValueError(f"onbekende test {op!r}")
    return same(value, test)


Lookup = Callable[[str], Tri]


def eval_when(cond: dict[str, Any], lookup: Lookup, groups: dict[str, frozenset]) -> Tri:
    missing: list[str | None] = []
    notes: list[str] = []
    unknown = False
    for name, test in cond.items():
        t = lookup(name)
        notes.extend(t.notes)
        if not t.known:
            unknown = True
            missing.append(t.missing)
            continue
        if not test_value(t.value, test, groups):
            return Tri(False, None, notes)
    return Tri(UNKNOWN, first_missing(missing), notes) if unknown else Tri(True, None, notes)


def eval_any_false(names: list[str], lookup: Lookup) -> Tri:
    missing: list[str | None] = []
    notes: list[str] = []
    for name in names:
        t = lookup(name)
        notes.extend(t.notes)
        if t.known:
            if t.value is False:
                return Tri(True, None, notes)
        else:
            missing.append(t.missing)
    first = first_missing(missing)
    return Tri(UNKNOWN, first, notes) if first else Tri(False, None, notes)


def _kleene(parts: list[Tri], decisive: bool) -> Tri:
    """Three-valued AND (decisive=False) or OR (decisive=True): one known decisive part settles
    it; otherwise the first unknown part is what is missing; otherwise the non-decisive value."""
    notes = [n for p in parts for n in p.notes]
    if any(p.known and p.value is decisive for p in parts):
        return Tri(decisive, None, notes)
    unknown = [p for p in parts if not p.known]
    if unknown:
        missing = first_missing(p.missing for p in unknown) if DECLINED.get() else unknown[0].missing
        return Tri(UNKNOWN, missing, notes)
    return Tri(not decisive, None, notes)


def conj(parts: list[Tri]) -> Tri:
    return _kleene(parts, decisive=False)


def disj(parts: list[Tri]) -> Tri:
    return _kleene(parts, decisive=True)


def eval_expr(expr: Any, lookup: Lookup, groups: dict[str, frozenset], self_name: str = "") -> Tri:
    """Evaluate a derived-fact expression (see rules/schema.yaml, `expr`)."""
    if isinstance(expr, bool):
        return Tri(expr)
    if isinstance(expr, str):
        return lookup(expr)
    if not isinstance(expr, dict):
        raise ValueError(f"ongeldige expressie {expr!r}")
    if "all" in expr:
        return conj([eval_expr(e, lookup, groups) for e in expr["all"]])
    if "any" in expr:
        return disj([eval_expr(e, lookup, groups) for e in expr["any"]])
    if "not" in expr:
        t = eval_expr(expr["not"], lookup, groups)
        return Tri(not t.value, None, t.notes) if t.known else t
    if "match" in expr:
        return eval_when(expr["match"], lookup, groups)
    if "value" in expr:
        return Tri(expr["value"])
    if "cases" in expr:
        notes: list[str] = []
        for case in expr["cases"]:
            t = eval_when(case["when"], lookup, groups)
            notes.extend(t.notes)
            if not t.known:
                return Tri(UNKNOWN, t.missing, notes)
            if t.value:
                if case.get("ask"):
                    return Tri(UNKNOWN, self_name, notes)
                if "value" in case:
                    r = Tri(case["value"])
                else:
                    r = eval_expr(case["expr"], lookup, groups, self_name)
                r.notes = notes + list(case.get("ambiguity", [])) + r.notes
                return r
        default = expr.get("else", "ask")
        if default == "ask":
            return Tri(UNKNOWN, self_name, notes)
        r = eval_expr(default, lookup, groups, self_name)
        r.notes = notes + r.notes
        return r
    raise ValueError(f"ongeldige expressie {expr!r}")


def expr_facts(expr: Any) -> list[str]:
    """All fact names an expression reads, in order (for validation and `ask: self`)."""
    out: list[str] = []

    def walk(e: Any) -> None:
        if isinstance(e, str):
            out.append(e)
        elif isinstance(e, dict):
            for key in ("all", "any"):
                for sub in e.get(key, []):
                    walk(sub)
            if "not" in e:
                walk(e["not"])
            if "match" in e:
                out.extend(e["match"].keys())
            for case in e.get("cases", []):
                out.extend(case["when"].keys())
                if "expr" in case:
                    walk(case["expr"])
            if "else" in e and e["else"] != "ask":
                walk(e["else"])

    walk(expr)
    seen: dict[str, None] = {}
    for name in out:
        seen.setdefault(name, None)
    return list(seen)
