"""Normalise user facts and refuse garbage (unknown names, invalid values, contradictions).

What counts as a contradiction (docs/rules.md, "How a verdict is computed"):
* a user-asserted derived fact whose derivation from the *other user-asserted* facts
  (defaults left out) is already settled and says the opposite, e.g. `rol: bevoegde_autoriteit`
  with `werkt_bij_bevoegde_autoriteit: false`, or `toestemming_vrij: false` with
  `toestemming_geldig: true`. The spec lets a user value win over an *open* derivation, so the
  chat layer may ask the summary question instead of the sub-questions; it never lets the
  user overrule facts they gave themselves;
* a value the plan fixes (`beroepsgeheim` is always true in plan zorg);
* a value that does not exist in the chosen plan (`strafbaar_feit: geconstateerd` in zorg);
* `plan` in the facts differing from the plan asked for.
"""

from __future__ import annotations

import difflib
from typing import Any

from .logic import UNKNOWN, Tri, eval_expr, same
from .model import FactError, RuleSet

TRUE_WORDS = {"ja", "j", "true", "waar", "yes", "y", "1"}
FALSE_WORDS = {"nee", "n", "false", "onwaar", "no", "0"}
UNKNOWN_WORDS = {"", "onbekend", "weet niet", "weet ik niet", "?", "unknown", "null", "none"}
DECLINED_VALUE = "onbekend"  # a fact answered "weet ik niet": kept in the facts so the interview moves on


def declined_facts(facts: dict[str, Any]) -> frozenset[str]:
    """The facts given as an explicit "onbekend" answer (a string, not a cleared None): they stay
    unknown, and the engine asks another open fact first when there is one."""
    return frozenset(str(k) for k, v in facts.items()
                     if isinstance(v, str) and v.strip().lower() in UNKNOWN_WORDS and k != "plan")


def _norm_enum(value: Any, allowed: tuple[Any, ...]) -> Any:
    for a in allowed:
        if isinstance(a, int) and not isinstance(a, bool):
            if not isinstance(value, bool) and str(value).strip() == str(a):
                return a
        elif isinstance(value, str):
            v = value.strip().lower().replace(" ", "_").replace("-", "_")
            if v == str(a).lower():
                return a
    raise KeyError(value)


def normalise_value(ruleset: RuleSet, name: str, value: Any, plan: str | None = None) -> Any:
    """One fact value -> canonical value, UNKNOWN for "onbekend"; raises FactError."""
    spec = ruleset.facts.get(name)
    if spec is None:
        raise FactError([_unknown_name(ruleset, name)])
    if value is None or (isinstance(value, str) and value.strip().lower() in UNKNOWN_WORDS):
        return UNKNOWN
    if spec.type == "bool":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise FactError([f"{name}: {value!r} is geen ja/nee-waarde (geldig: ja, nee, true, false)"])
    if spec.type == "int":
        try:
            if isinstance(value, bool):
                raise ValueError
            number = int(str(value).strip())
        except ValueError:
            raise FactError([f"{name}: {value!r} is geen geheel getal"]) from None
        if (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum
        ):
            raise FactError([f"{name}: {number} ligt niet tussen {spec.minimum} en {spec.maximum}"])
        return number
    allowed = spec.plan_values.get(plan, spec.values) if plan else spec.values
    try:
        return _norm_enum(value, allowed)
    except KeyError:
        where = f" in stappenplan {plan}" if plan and plan in spec.plan_values else ""
        raise FactError(
            [f"{name}: {value!r} is geen geldige waarde{where}; geldig: {', '.join(map(str, allowed))}"]
        ) from None


def _unknown_name(ruleset: RuleSet, name: str) -> str:
    close = difflib.get_close_matches(str(name), list(ruleset.facts), n=3, cutoff=0.6)
    hint = f" Bedoelt u: {', '.join(close)}?" if close else ""
    return (
        f"onbekend feit {name!r}.{hint} Geldige feiten: {', '.join(sorted(ruleset.facts))}"
    )


def _plan_of(ruleset: RuleSet, facts: dict[str, Any], plan: str | None) -> str | None:
    if plan:
        return plan
    if isinstance(facts.get("plan"), str):
        return facts["plan"]
    rol = facts.get("rol")
    if rol is None:
        return None
    from .logic import eval_when

    for route in ruleset.routing:
        if route.plan is None:
            continue
        t = eval_when(route.when, lambda n: Tri(facts.get(n, UNKNOWN), n), ruleset.groups)
        if t.known and t.value:
            return route.plan
    return None


def validate_facts(ruleset: RuleSet, facts: dict[str, Any], plan: str | None = None) -> dict[str, Any]:
    """Return the facts normalised (unknown values dropped) or raise FactError listing every problem."""
    if not isinstance(facts, dict):
        raise FactError([f"feiten moeten een mapping naam -> waarde zijn, niet {type(facts).__name__}"])
    problems: list[str] = []
    if plan is not None and plan not in ruleset.plans:
        problems.append(f"onbekend stappenplan {plan!r}; geldig: {', '.join(ruleset.plans)}")
        raise FactError(problems)
    # First pass without plan-specific values, to learn the plan.
    out: dict[str, Any] = {}
    for name, value in facts.items():
        try:
            v = normalise_value(ruleset, str(name), value)
        except FactError as exc:
            problems.extend(exc.problems)
            continue
        if v is not UNKNOWN:
            out[str(name)] = v
    if problems:
        raise FactError(problems)
    if plan and out.get("plan") not in (None, plan):
        raise FactError([f"plan {out['plan']!r} in de feiten spreekt het gevraagde stappenplan {plan!r} tegen"])
    active = _plan_of(ruleset, out, plan)
    if active is None:
        return out
    p = ruleset.plans[active]
    for name, value in list(out.items()):
        try:
            out[name] = normalise_value(ruleset, name, value, active)
        except FactError as exc:
            problems.extend(exc.problems)
    for name, fixed in p.fixed.items():
        if name in out and not same(out[name], fixed):
            problems.append(
                f"{name}: in stappenplan {active} is deze waarde altijd {fixed!r} (u gaf {out[name]!r})"
            )
    problems.extend(_contradictions(ruleset, active, out))
    if problems:
        raise FactError(problems)
    return out


def _contradictions(ruleset: RuleSet, plan_id: str, facts: dict[str, Any]) -> list[str]:
    plan = ruleset.plans[plan_id]
    problems = []
    for name, spec in plan.derived.items():
        if name not in facts or spec.fallback:
            # `fallback`: the derivation only answers a route-specific question from the
            # general one; a value the user gives for the specific question simply wins.
            continue
        others = {k: v for k, v in facts.items() if k != name}

        def lookup(n: str, _seen: tuple[str, ...] = (name,)) -> Tri:
            if n in others:
                return Tri(others[n])
            if n in plan.fixed:
                return Tri(plan.fixed[n])
            sub = plan.derived.get(n)
            if sub is not None and n not in _seen:
                return eval_expr(sub.expr, lambda m: lookup(m, _seen + (n,)), ruleset.groups, n)
            return Tri(UNKNOWN, n)

        t = eval_expr(spec.expr, lookup, ruleset.groups, name)
        if t.known and not same(t.value, facts[name]):
            problems.append(
                f"{name}: u gaf {facts[name]!r}, maar uit uw andere antwoorden volgt {t.value!r}; "
                "pas een van beide aan"
            )
    return problems
