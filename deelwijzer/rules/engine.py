"""The decision engine: a pure function of (rule set, facts) -> Verdict.

It walks one stappenplan step by step. In a step the rules are tried in order; the first rule
whose condition is definitively true fires (three-valued logic, see logic.py). A rule whose
condition is still open stops the walk with `meer_informatie_nodig` and names the first unknown
fact as the next question. A positive end verdict then passes the plan's overlays (AVG plans)
and post-conditions (Wpg/Wjsg plans); both can only make the verdict stricter.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

from deelwijzer.models import TraceStep, Verdict

from .facts import declined_facts, normalise_value, validate_facts
from .logic import DECLINED, UNKNOWN, Tri, conj, eval_any_false, eval_expr, eval_when, expr_facts, first_missing
from .model import NO_THEN, Compose, FactError, Plan, Reference, Rule, RuleError, RuleSet, Step, Then, dedup_refs

POSITIVE = ("mag_delen", "verplicht_delen")
# How permissive an outcome is, for composing two plans (the most restrictive wins).
PERMISSIVENESS = {
    "mag_niet_delen": 0,
    "ander_stappenplan": 1,
    "meer_informatie_nodig": 1,
    "raadpleeg_functionaris": 2,
    "mag_delen": 3,
    "verplicht_delen": 4,
}
MAX_STEPS = 200  # far above the longest path; a loop in the rules is a RuleError, not a hang


@dataclass
class _StepResult:
    kind: str  # next | outcome | keep | unknown
    then: Then = NO_THEN
    missing: str | None = None
    heading: str = ""
    anchor: str = ""


@dataclass
class _Run:
    ruleset: RuleSet
    plan: Plan
    facts: dict[str, Any]
    vars: dict[str, Any] = field(default_factory=dict)
    used: dict[str, Any] = field(default_factory=dict)
    trace: list[TraceStep] = field(default_factory=list)
    basis: list[Reference] = field(default_factory=list)
    voorwaarden: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    branches: list[str] = field(default_factory=list)
    _derived: dict[str, Tri] = field(default_factory=dict)

    # ---- fact lookup -------------------------------------------------------------------
    def lookup(self, name: str) -> Tri:
        if name.startswith("$"):
            return Tri(self.vars.get(name[1:]))
        if name in self.facts:
            self.used[name] = self.facts[name]
            return Tri(self.facts[name])
        if name in self.plan.fixed:
            self.used[name] = self.plan.fixed[name]
            return Tri(self.plan.fixed[name])
        spec = self.plan.derived.get(name)
        if spec is not None:
            t = self._derived.get(name)
            if t is None:
                self._derived[name] = Tri(UNKNOWN, name)  # cycle guard
                t = eval_expr(spec.expr, self.lookup, self.ruleset.groups, name)
                if not t.known and spec.ask_self:
                    inputs = [f for f in expr_facts(spec.expr) if not f.startswith("$")]
                    if not any(f in self.facts for f in inputs):
                        t = Tri(UNKNOWN, name, t.notes)
                self._derived[name] = t
            if t.known:
                self.used[name] = t.value
            return Tri(t.value, t.missing, list(t.notes))
        if name in self.plan.defaults:
            self.used[name] = self.plan.defaults[name]
            # A default the source itself states: the verdict names the assumption.
            note = self.plan.default_notes.get(name)
            if note:
                self.notes.append(note)
            return Tri(self.plan.defaults[name], None, [note] if note else [])
        fact = self.ruleset.facts.get(name)
        if fact is not None and fact.default is not None:
            self.used[name] = fact.default
            return Tri(fact.default)
        return Tri(UNKNOWN, name)

    def when(self, cond: Any) -> Tri:
        return eval_when(cond, self.lookup, self.ruleset.groups)

    # ---- one step ----------------------------------------------------------------------
    def rule_match(self, rule: Rule) -> Tri:
        if rule.otherwise:
            return Tri(True)
        parts = []
        if rule.when is not None:
            parts.append(self.when(rule.when))
        if rule.when_any_false:
            parts.append(eval_any_false(list(rule.when_any_false), self.lookup))
        return conj(parts)

    def any_of(self, members: tuple[Any, ...]) -> tuple[Tri, int | None]:
        results = [eval_expr(m.test, self.lookup, self.ruleset.groups) for m in members]
        for i, r in enumerate(results):
            if r.known and r.value is True:
                # The first true member in document order sets the route; an earlier member
                # that is still open and would take another route must be asked first.
                earlier = [j for j in range(i) if not results[j].known and members[j].route != members[i].route]
                if earlier:
                    return Tri(UNKNOWN, self._next_ground(members, results, earlier)), None
                self.notes.extend(r.notes)
                return Tri(True), i
        open_ = [j for j, r in enumerate(results) if not r.known]
        if open_:
            # A ground the user does not know ("weet ik niet") stays open; the next ground is asked
            # first, since a later ground with the same route may decide it.
            return Tri(UNKNOWN, self._next_ground(members, results, open_)), None
        for r in results:
            self.notes.extend(r.notes)
        return Tri(False), None

    def _next_ground(self, members: tuple[Any, ...], results: list[Tri], open_: list[int]) -> str | None:
        """The next question among open grounds: first the grounds the user declined no part of
        (after "weet ik niet" on consent, the next ground rather than the facets of consent), then
        the others. Only the order of the questions changes, never a truth value."""
        fresh = [j for j in open_ if not self._touches_declined(members[j].test)]
        return first_missing(results[j].missing for j in (fresh or open_))

    def _touches_declined(self, test: Any) -> bool:
        """Whether an expression reads a declined fact, directly or through the plan's derived facts."""
        declined = DECLINED.get()
        if not declined:
            return False
        seen: set[str] = set()
        stack = list(expr_facts(test))
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in declined:
                return True
            spec = self.plan.derived.get(name)
            if spec is not None:
                stack.extend(expr_facts(spec.expr))
        return False

    def eval_step(self, step: Step) -> _StepResult:
        heading, anchor = step.heading, step.anchor
        # facts the step needs before any rule applies
        needed = [name for name in step.requires if not self.lookup(name).known]
        if needed:
            return _StepResult("unknown", missing=first_missing(needed), heading=heading, anchor=anchor)
        for i, rule in enumerate(step.rules):
            if rule.is_any_of:
                t, member = self.any_of(rule.any_of)
                if not t.known:
                    return _StepResult("unknown", missing=t.missing, heading=heading, anchor=anchor)
                if member is None:
                    then, branch = rule.on_fail or NO_THEN, f"{step.id}#{i}:fail"
                else:
                    m = rule.any_of[member]
                    then, branch = m.then, f"{step.id}#{i}:{m.id}"
            else:
                t = self.rule_match(rule)
                if not t.known:
                    return _StepResult("unknown", missing=t.missing, heading=heading, anchor=anchor)
                if not t.value:
                    continue
                self.notes.extend(t.notes)
                then, branch = rule.then, f"{step.id}#{i}"
            self.branches.append(branch)
            heading = then.heading if then.heading is not None else heading
            anchor = then.anchor if then.anchor is not None else anchor
            self.vars.update(then.set)
            self.notes.extend(then.ambiguity)
            if not then.fallthrough:
                self.basis.extend(then.basis)
            self.voorwaarden.extend(then.voorwaarden)
            if then.continue_:
                continue
            if then.keep:
                return _StepResult("keep", then, heading=heading, anchor=anchor)
            if then.next is not None:
                return _StepResult("next", then, heading=heading, anchor=anchor)
            return _StepResult("outcome", then, heading=heading, anchor=anchor)
        raise RuleError(f"stap {step.id}: geen enkele regel is van toepassing (gat in de regels)")

    def annotate(self, step: Step, result: _StepResult) -> None:
        """Step-level notes: always-on ambiguities/articles and conditional annotations.
        Annotations never ask a question: only a definitively true condition adds them."""
        self.notes.extend(step.ambiguity)
        # A step the path only passed through on a NEE-branch ("fallthrough") is not a basis.
        cites = result.kind != "unknown" and not result.then.fallthrough
        if cites:
            self.basis.extend(step.basis)
        for ann in step.annotations:
            t = eval_when(ann.when, self._peek, self.ruleset.groups)
            if t.known and t.value:
                self.voorwaarden.extend(ann.voorwaarden)
                self.notes.extend(ann.ambiguity)
                if cites:
                    self.basis.extend(ann.basis)

    def _peek(self, name: str) -> Tri:
        """Lookup that does not mark the fact as used (annotations are not decisions)."""
        used = dict(self.used)
        t = self.lookup(name)
        self.used = used
        return t

    def outcome_of(self, then: Then) -> str:
        for case in then.outcome_if:
            t = self.when(case.when)
            if t.known and t.value:
                return case.outcome
        if then.outcome is None:
            raise RuleError("regel zonder uitkomst")
        return then.outcome

    def record(self, step: Step, res: _StepResult, result_text: str) -> None:
        self.trace.append(
            TraceStep(
                step=step.id,
                title=step.title,
                heading=res.heading,
                facts_used=dict(self.used),
                result=result_text,
                basis=_texts(step.basis + res.then.basis),
                note=res.then.reason or step.note,
                anchor=res.anchor,
            )
        )
        self.used = {}


def step_is_exhaustive_for(ruleset: RuleSet, plan: Plan, step: Step, facts: dict[str, Any],
                            context: dict[str, Any]) -> bool:
    """Whether some rule of `step` fires (or asks a question) for exactly these facts and context
    variables, reading no derived facts, defaults or fixed facts of the plan. False: a gap."""
    run = _Run(ruleset, replace(plan, derived={}, defaults={}, fixed={}), facts, vars=dict(context))
    try:
        run.eval_step(step)
    except RuleError:
        return False
    return True


def _dedup(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _texts(refs: Any) -> tuple[str, ...]:
    """A basis as the verdict shows it: each article once, as written in the rules."""
    return tuple(r.text for r in dedup_refs(refs))


def evaluate(ruleset: RuleSet, facts: dict[str, Any], plan: str | None = None) -> Verdict:
    """The verdict of the stappenplan for these facts. Raises FactError on invalid facts."""
    return evaluate_with_branches(ruleset, facts, plan)[0]


def evaluate_with_branches(
    ruleset: RuleSet, facts: dict[str, Any], plan: str | None = None
) -> tuple[Verdict, list[str]]:
    """As `evaluate`, plus the ids of the rule branches taken (for coverage reports).

    A fact given as "onbekend" (the user answered "weet ik niet") stays unknown; the engine then
    names another open fact as the next question when there is one (logic.DECLINED)."""
    declined = declined_facts(facts)
    if not declined:
        return _evaluate(ruleset, facts, plan)
    token = DECLINED.set(DECLINED.get() | declined)
    try:
        return _evaluate(ruleset, facts, plan)
    finally:
        DECLINED.reset(token)


def _evaluate(ruleset: RuleSet, facts: dict[str, Any], plan: str | None) -> tuple[Verdict, list[str]]:
    facts = validate_facts(ruleset, facts, plan)
    plan_id = plan or facts.get("plan")
    pre_trace: list[TraceStep] = []
    if plan_id is None:
        routed = _route(ruleset, facts)
        if isinstance(routed, Verdict):
            return routed, []
        plan_id, step = routed
        pre_trace.append(step)
    run = _Run(ruleset, ruleset.plans[plan_id], facts)
    run.trace.extend(pre_trace)
    verdict = _compose(run, _walk(run))
    if verdict.outcome == "meer_informatie_nodig" and verdict.vraag is not None and not _settling.get():
        settled = _settled(ruleset, facts, plan, verdict)
        if settled is not None:
            return settled, run.branches
        if verdict.vraag.fact in DECLINED.get():
            # Every open question of this step was answered "weet ik niet": ask what a later check that
            # can only forbid (an overlay: bijzondere gegevens, geheimhouding) still needs, since its
            # answer may settle the verdict whatever the declined facts are. Only the question changes.
            other = _open_overlay_fact(ruleset, facts, run.plan)
            if other is not None:
                verdict = replace(verdict, vraag=ruleset.question(other, run.plan.id))
    return verdict, run.branches


def _open_overlay_fact(ruleset: RuleSet, facts: dict[str, Any], plan: Plan) -> str | None:
    """The first open fact, not declined, that an overlay step of the plan needs, in document order;
    only for an overlay the known facts already engage (its opening question is answered, e.g. "het gaat
    om bijzondere persoonsgegevens"), so a user who cannot go on is not walked through every check."""
    declined = DECLINED.get()
    for st in plan.steps.values():
        if not st.overlay:
            continue
        res = _Run(ruleset, plan, dict(facts)).eval_step(st)
        if res.kind != "unknown" or not res.missing or res.missing in declined:
            continue
        token = DECLINED.set(frozenset())
        try:
            opening = _Run(ruleset, plan, {}).eval_step(st).missing
        finally:
            DECLINED.reset(token)
        if res.missing != opening:
            return res.missing
    return None


# ---- questions whose answer cannot change the verdict ---------------------------------------
# The stappenplannen are walked in their printed order, so the walk can stop on a question whose
# answer does not matter: e.g. after a technisch sepot without zwaarwegend belang the verstrekking
# is not allowed whatever Stap 4 would say. Before asking, the engine tries every answer to the
# open questions (a bounded search); when every answer leads to the same verdict (for "mag niet
# delen": the same outcome, whichever step says so), that is the verdict, and it names the
# questions that did not matter. This never
# makes a verdict more permissive: the verdict is the one every possible answer leads to.
SETTLE_BUDGET = 400  # evaluations per verdict (~0.2 ms each); beyond it the question is simply asked
INT_PROBES = (0, 11, 12, 15, 16, 17, 22, 23, 120)
_settling: ContextVar[bool] = ContextVar("_settling", default=False)
OPEN = "(elk antwoord: maakt voor dit oordeel niet uit)"


class _Exhausted(Exception):
    pass


def _answers(ruleset: RuleSet, fact: str, plan_id: str | None) -> list[Any] | None:
    spec = ruleset.facts.get(fact)
    if spec is None:
        return None
    if spec.type == "int":  # one value on each side of every threshold the rules use (age)
        return [v for v in INT_PROBES if (spec.minimum is None or v >= spec.minimum) and (spec.maximum is None or v <= spec.maximum)]
    if spec.type == "bool":
        return [True, False]
    return list(spec.plan_values.get(plan_id, spec.values) if plan_id else spec.values)


def _settled(ruleset: RuleSet, facts: dict[str, Any], plan: str | None, first: Verdict) -> Verdict | None:
    plan_id = plan or first.plan
    token = _settling.set(True)
    try:
        leaves: list[tuple[Verdict, dict[str, Any]]] = []
        budget = [SETTLE_BUDGET]

        def step(known: dict[str, Any], fact: str, value: Any) -> tuple[dict[str, Any], Verdict] | None:
            budget[0] -= 1
            if budget[0] < 0:
                raise _Exhausted
            more = {**known, fact: value}
            try:
                return more, evaluate(ruleset, more, plan)
            except FactError:  # an answer that contradicts the other facts is not a possibility
                return None

        def leaf(known: dict[str, Any], v: Verdict) -> bool:
            if leaves and _shape(leaves[0][0]) != _shape(v):
                return False
            leaves.append((v, known))
            return True

        def probe(known: dict[str, Any], v: Verdict) -> bool:
            """Follow one answer per question down to a verdict: finds a differing verdict fast."""
            while v.outcome == "meer_informatie_nodig" and v.vraag is not None:
                values = _answers(ruleset, v.vraag.fact, plan_id)
                if not values or v.vraag.fact in known:
                    return False
                for value in values:
                    nxt = step(known, v.vraag.fact, value)
                    if nxt is not None:
                        known, v = nxt
                        break
                else:
                    return False
            return leaf(known, v)

        def explore(known: dict[str, Any], v: Verdict) -> bool:
            if v.outcome != "meer_informatie_nodig" or v.vraag is None:
                return leaf(known, v)
            values = _answers(ruleset, v.vraag.fact, plan_id)
            if values is None or v.vraag.fact in known:
                return False
            children = [c for c in (step(known, v.vraag.fact, value) for value in values) if c is not None]
            # First one cheap probe per answer, then the full search below each answer.
            return all(probe(*c) for c in children) and all(explore(*c) for c in children)

        try:
            if _prohibition_is_certain(ruleset, facts, plan_id):
                # Every way through the plan ends in the prohibition: one path shows it.
                complete = probe(dict(facts), first) and leaves[0][0].outcome == "mag_niet_delen"
            else:
                complete = explore(dict(facts), first)
        except _Exhausted:
            complete = False
        if not complete or not leaves:
            return None
        # Present the leaf that assumes the fewest "ja" answers: its basis and conditions rest on
        # the facts the user gave, not on a ground nobody established.
        verdict, assumed = min(leaves, key=lambda lv: _presentation_rank(lv[0], lv[1], facts))
        open_facts = [f for f in dict.fromkeys(f for _, a in leaves for f in a) if f not in facts]
    finally:
        _settling.reset(token)
    trace = tuple(
        replace(t, facts_used={k: (OPEN if k in open_facts else v) for k, v in t.facts_used.items()}) for t in verdict.trace
    )
    note = f"X2: {ruleset.ambiguities['X2']} " + " | ".join(
        ruleset.facts[f].question for f in open_facts if f in ruleset.facts
    )
    return replace(verdict, trace=trace, ambiguities=verdict.ambiguities + (note,))


def _presentation_rank(v: Verdict, assumed: dict[str, Any], given: dict[str, Any]) -> tuple[int, int]:
    """Prefer the path whose deciding step rests only on given facts (its reason is then true for
    the user's case), then the one that assumes the fewest "ja" answers."""
    deciding = [t for t in v.trace if t.step == v.beslissende_stap] or list(v.trace[-1:])
    rests_on_assumption = any(k not in given for t in deciding for k in t.facts_used)
    return (int(rests_on_assumption), sum(1 for k, val in assumed.items() if k not in given and val is True))


def _prohibition_is_certain(ruleset: RuleSet, facts: dict[str, Any], plan_id: str | None) -> bool:
    """A static shortcut for the search above: an overlay that already forbids the verstrekking
    (e.g. Wpg data without a duty or own task, bijzondere gegevens without an exception), while
    every end of the plan that does not pass that overlay is already ruled out by the known facts.
    Then every answer to the open questions leads to mag_niet_delen."""
    if plan_id is None or plan_id not in ruleset.plans:
        return False
    plan = ruleset.plans[plan_id]
    if plan.compose or plan.postconditions:
        return False
    run = _Run(ruleset, plan, dict(facts))
    blocking = set()
    for sid, st in plan.steps.items():
        if not st.overlay:
            continue
        # Blocking: some prohibiting rule certainly applies, and every earlier rule that would end
        # otherwise (keep, referral) certainly does not; earlier prohibitions only block as well.
        for rule in st.rules:
            t = run.rule_match(rule)
            prohibits = rule.then.outcome == "mag_niet_delen" and not rule.then.outcome_if
            if prohibits and t.known and t.value is True:
                blocking.add(sid)
                break
            if not prohibits and not (t.known and t.value is False):
                break
    if not blocking:
        return False

    def uses_vars(cond: Any) -> bool:
        return "$" in repr(cond)

    for st in plan.steps.values():
        if st.overlay:
            continue
        for rule in st.rules:
            ends: list[tuple[Then, Tri]] = []
            if rule.is_any_of:
                for m in rule.any_of:
                    if uses_vars(m.test):
                        return False
                    ends.append((m.then, eval_expr(m.test, run.lookup, ruleset.groups)))
                fail = [eval_expr(m.test, run.lookup, ruleset.groups) for m in rule.any_of]
                all_false = Tri(True) if all(t.known and t.value is False for t in fail) else (
                    Tri(False) if any(t.known and t.value is True for t in fail) else Tri(UNKNOWN))
                ends.append((rule.on_fail or NO_THEN, all_false))
            else:
                if uses_vars(rule.when) or uses_vars(list(rule.when_any_false)):
                    if rule.then.outcome is not None and rule.then.outcome != "mag_niet_delen":
                        return False
                    continue
                ends.append((rule.then, run.rule_match(rule)))
            for then, cond in ends:
                if then.outcome is None or then.outcome == "mag_niet_delen" or then.outcome_if:
                    if not then.outcome_if:
                        continue
                if blocking & set(then.overlays):
                    continue
                if not (cond.known and cond.value is False):
                    return False
    return True


def _shape(v: Verdict) -> tuple[Any, ...]:
    """What must be equal for every answer: the outcome, and (except for mag_niet_delen) the
    deciding step, the provisional verdict and whom to consult. Basis and conditions may differ per
    answer; the presented verdict is the one that assumes the fewest "ja" answers."""
    if v.outcome == "mag_niet_delen":  # every answer forbids it; which step says so may differ
        return (v.outcome,)
    if v.outcome in ("ander_stappenplan", "meer_informatie_nodig"):
        return (v.outcome, v.beslissende_stap, v.verwijzing)
    return (v.outcome, v.beslissende_stap, v.voorlopig, v.wie)


def _facts_for(ruleset: RuleSet, facts: dict[str, Any], plan_id: str) -> dict[str, Any]:
    """The facts that also mean something in another plan (values invalid there are dropped)."""
    out: dict[str, Any] = {}
    for name, value in facts.items():
        if name == "plan":
            continue
        try:
            normalise_value(ruleset, name, value, plan_id)
        except FactError:
            continue
        out[name] = value
    return out


def _compose(run: _Run, verdict: Verdict) -> Verdict:
    """A plan may require another plan as well (e.g. a medisch beroepsgeheim inside a bevoegde
    autoriteit, or a hulpverlener with beroepsgeheim at a school): the most restrictive verdict
    of the two wins. Only a (provisionally) positive verdict can be made stricter."""
    positive = verdict.outcome in POSITIVE or verdict.voorlopig in POSITIVE
    if not positive or not run.plan.compose:
        return verdict
    rs = run.ruleset
    for i, c in enumerate(run.plan.compose):
        run.used = {}
        t = run.when(c.when)
        step = TraceStep(
            step=f"{run.plan.id}.compose",
            title=f"Samenloop met stappenplan {rs.plans[c.plan].title}",
            heading=c.heading,
            facts_used=dict(run.used),
            result="",
            anchor=c.anchor,
        )
        if not t.known:
            run.branches.append(f"{run.plan.id}.compose#{i}:unknown")
            return replace(
                verdict,
                outcome="meer_informatie_nodig",
                beslissende_stap=f"{run.plan.id}.compose",
                trace=verdict.trace + (replace(step, result="meer_informatie_nodig"),),
                vraag=rs.question(t.missing, run.plan.id),
                voorwaarden=(),
                wie=(),
                heading=c.heading,
                voorlopig=verdict.outcome if verdict.outcome in POSITIVE else verdict.voorlopig,
                ambiguities=tuple(dict.fromkeys(verdict.ambiguities + tuple(_notes(rs, t.notes)))),
            )
        if not t.value:
            run.branches.append(f"{run.plan.id}.compose#{i}:false")
            if t.notes:  # an assumption the source states (plan default) is named in the verdict
                verdict = replace(verdict, ambiguities=tuple(dict.fromkeys(verdict.ambiguities + tuple(_notes(rs, t.notes)))))
            continue
        run.branches.append(f"{run.plan.id}.compose#{i}:true")
        other, branches = evaluate_with_branches(rs, _facts_for(rs, run.facts, c.plan), c.plan)
        run.branches.extend(branches)
        amb = tuple(dict.fromkeys(verdict.ambiguities + other.ambiguities + tuple(_notes(rs, list(c.ambiguity)))))
        if PERMISSIVENESS[other.outcome] < PERMISSIVENESS[verdict.outcome]:
            first = replace(step, result=f"{verdict.outcome} → strengste oordeel uit stappenplan {c.plan}")
            voorlopig = other.voorlopig
            if other.outcome in ("meer_informatie_nodig", "raadpleeg_functionaris") and voorlopig is None:
                voorlopig = verdict.outcome if verdict.outcome in POSITIVE else verdict.voorlopig
            if voorlopig is not None and verdict.outcome in POSITIVE:
                voorlopig = min(voorlopig, verdict.outcome, key=lambda o: PERMISSIVENESS[o])
            return replace(
                other,
                trace=verdict.trace + (first,) + other.trace,
                basis=tuple(dict.fromkeys(verdict.basis + other.basis)),
                voorwaarden=tuple(dict.fromkeys(other.voorwaarden + (("doorloop_ook_stappenplan_zorg",) if other.outcome in POSITIVE or voorlopig in POSITIVE else ()))),
                voorlopig=voorlopig,
                ambiguities=amb,
                plan=other.plan,
            )
        verdict = replace(
            verdict,
            trace=verdict.trace + (replace(step, result=f"{other.outcome} (stappenplan {c.plan}): {verdict.outcome} blijft"),) + other.trace,
            basis=tuple(dict.fromkeys(verdict.basis + other.basis)),
            voorwaarden=tuple(dict.fromkeys(verdict.voorwaarden + other.voorwaarden)),
            ambiguities=amb,
        )
    return verdict


def _notes(rs: RuleSet, keys: list[str]) -> list[str]:
    return [f"{k}: {rs.ambiguities[k]}" for k in dict.fromkeys(keys)]


def _route(ruleset: RuleSet, facts: dict[str, Any]) -> tuple[str, TraceStep] | Verdict:
    lookup = lambda n: Tri(facts[n]) if n in facts else Tri(UNKNOWN, n)  # noqa: E731
    for i, route in enumerate(ruleset.routing):
        t = eval_when(route.when, lookup, ruleset.groups)
        ask = None
        if not t.known:
            ask = t.missing
        elif t.value and route.plan is not None:
            step = TraceStep(
                step="routing",
                title="Keuze van het stappenplan",
                heading=route.heading,
                facts_used={"rol": facts.get("rol")},
                result=f"stappenplan {route.plan}",
                note=route.reason,
                anchor=route.anchor,
            )
            return route.plan, step
        elif t.value:
            ask = route.ask
        else:
            continue
        step = TraceStep(
            step="routing",
            title="Keuze van het stappenplan",
            heading=route.heading,
            facts_used={k: facts[k] for k in ("rol",) if k in facts},
            result="meer_informatie_nodig",
            note=route.reason,
            anchor=route.anchor,
        )
        return Verdict(
            outcome="meer_informatie_nodig",
            beslissende_stap="routing",
            basis=(),
            trace=(step,),
            vraag=ruleset.question(ask) if ask else None,
            voorwaarden=(),
            wie=(),
            verwijzing=None,
            rules_version=ruleset.version,
            plan=None,
            heading=route.heading,
        )
    raise RuleError("routing.yaml: geen enkele regel is van toepassing")


def _walk(run: _Run) -> Verdict:
    plan = run.plan
    step_id = plan.start
    for _ in range(MAX_STEPS):
        step = plan.steps[step_id]
        res = run.eval_step(step)
        run.annotate(step, res)
        if res.kind == "unknown":
            run.record(step, res, "meer_informatie_nodig")
            return _verdict(run, "meer_informatie_nodig", step_id, res, missing=res.missing)
        if res.kind == "next" and res.then.next is not None:
            run.record(step, res, f"→ {res.then.next}")
            step_id = res.then.next
            continue
        outcome = run.outcome_of(res.then)
        run.record(step, res, outcome)
        return _finish(run, outcome, step_id, res)
    raise RuleError(f"stappenplan {plan.id}: meer dan {MAX_STEPS} stappen (lus in de regels?)")


def _finish(run: _Run, outcome: str, step_id: str, res: _StepResult) -> Verdict:
    overlays = res.then.overlays
    if outcome not in POSITIVE and not (outcome == "raadpleeg_functionaris" and overlays):
        return _verdict(run, outcome, step_id, res, missing=res.then.ask)
    # Overlays (AVG plans): may only make the verdict stricter. A prohibition (mag_niet_delen)
    # wins over a referral; a referral ("raadpleeg", e.g. Stap 4 NEE: tref eerst maatregelen)
    # still passes the overlays, because measures cannot lift a prohibition.
    referral: tuple[str, _StepResult] | None = None
    for overlay_id in overlays:
        step = run.plan.steps[overlay_id]
        ores = run.eval_step(step)
        run.annotate(step, ores)
        if ores.kind == "unknown":
            run.record(step, ores, "meer_informatie_nodig")
            return _verdict(run, "meer_informatie_nodig", overlay_id, ores, missing=ores.missing,
                            voorlopig=outcome)
        if ores.kind == "keep":
            run.record(step, ores, f"{outcome} (blijft)")
            continue
        o = run.outcome_of(ores.then)
        if o not in ("mag_niet_delen", "meer_informatie_nodig", "raadpleeg_functionaris"):
            raise RuleError(f"overlay {overlay_id} mag het oordeel alleen verzwaren, niet {o}")
        run.record(step, ores, o)
        if o == "raadpleeg_functionaris":
            referral = referral or (overlay_id, ores)
            continue
        return _verdict(run, o, overlay_id, ores, missing=ores.then.ask,
                        voorlopig=outcome if o != "mag_niet_delen" else None)
    if outcome not in POSITIVE:
        return _verdict(run, outcome, step_id, res)
    if referral is not None:
        return _verdict(run, "raadpleeg_functionaris", referral[0], referral[1], voorlopig=outcome)
    return _postconditions(run, outcome, step_id, res)


def _postconditions(run: _Run, outcome: str, step_id: str, res: _StepResult) -> Verdict:
    effects: list[tuple[str, Then, Any]] = []
    for pc_id in run.plan.postconditions:
        pc = run.ruleset.postconditions[pc_id]
        applies = run.when(pc.applies_when)
        run.used = {}
        if not applies.known:
            # cannot happen with consistent rules: the path has settled these facts already
            raise RuleError(f"{pc_id}: toepasselijkheid hangt af van onbekend feit {applies.missing}")
        if not applies.value:
            continue
        effect: Then | None
        if pc.always is not None:
            effect, branch = pc.always, "always"
        elif pc.requires is None:
            raise RuleError(f"{pc_id}: geen 'requires' en geen 'always'")
        else:
            v = run.lookup(pc.requires)
            if v.known and v.value is True:
                effect, branch = None, "true"
            elif v.known:
                effect, branch = pc.if_false, "false"
            else:
                effect, branch = pc.if_unknown, "unknown"
        run.branches.append(f"{pc_id}:{branch}")
        run.notes.extend(pc.ambiguity)
        result = (effect.outcome or "") if effect else f"{outcome} (blijft)"
        run.trace.append(
            TraceStep(
                step=pc_id,
                title=f"Voorwaarde achteraf ({pc.step})",
                heading=pc.heading,
                facts_used=dict(run.used),
                result=result,
                basis=_texts(pc.basis),
                note=effect.reason if effect else "",
                anchor=pc.anchor,
            )
        )
        run.used = {}
        if effect:
            effects.append((pc_id, effect, pc))
    if not effects:
        return _verdict(run, outcome, step_id, res)
    blocking = [e for e in effects if e[1].outcome == "mag_niet_delen"]
    chosen = blocking or effects
    pc_id, effect, pc = chosen[0]
    final = effect.outcome or ""
    wie: list[str] = []
    if final == "raadpleeg_functionaris":
        for _, e, _ in effects:
            wie.extend(e.wie)
    pres = _StepResult("outcome", effect, heading=pc.heading, anchor=pc.anchor)
    return _verdict(
        run,
        final,
        pc.step,
        pres,
        voorlopig=outcome if final == "raadpleeg_functionaris" else None,
        wie=wie,
    )


def _verdict(
    run: _Run,
    outcome: str,
    step_id: str,
    res: _StepResult,
    missing: str | None = None,
    voorlopig: str | None = None,
    wie: list[str] | None = None,
) -> Verdict:
    rs = run.ruleset
    positive = outcome in POSITIVE or voorlopig in POSITIVE
    voorwaarden = _dedup(["afweging_vastleggen"] + run.voorwaarden) if positive else []
    notes = [f"{k}: {rs.ambiguities[k]}" for k in _dedup(run.notes)]
    vraag = rs.question(missing, run.plan.id) if missing and outcome == "meer_informatie_nodig" else None
    verwijzing = res.then.verwijzing if outcome == "ander_stappenplan" else None
    return Verdict(
        outcome=outcome,  # type: ignore[arg-type]
        beslissende_stap=step_id,
        basis=_texts(run.basis),
        trace=tuple(run.trace),
        vraag=vraag,
        voorwaarden=tuple(voorwaarden),
        wie=tuple(_dedup(wie if wie is not None else list(res.then.wie))),
        verwijzing=verwijzing,
        rules_version=rs.version,
        plan=run.plan.id,
        heading=res.heading,
        voorlopig=voorlopig,  # type: ignore[arg-type]
        ambiguities=tuple(notes),
    )
