"""Property tests (hypothesis) over random fact sets for each plan: the engine terminates, is
deterministic, never gives a positive verdict when a ground the plan requires is false, and
adding facts to a meer_informatie_nodig result never skips a question the path needs (a final
verdict never depends on a fact that was left unanswered)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deelwijzer.rules import evaluate, load_rules
from deelwijzer.rules.logic import expr_facts
from deelwijzer.rules.validate import _step_facts

RULES = load_rules()
PLANS = list(RULES.plans)
POSITIVE = ("mag_delen", "verplicht_delen")
# Facts a post-condition treats "unknown" as "consult someone" (post-conditions, docs/rules.md): by design a final
# raadpleeg_functionaris depends on them, so they are not "skipped questions".
PC_FACTS = {pc.requires for pc in RULES.postconditions.values() if pc.requires}
PROPS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def plan_facts(plan_id: str) -> list[str]:
    plan = RULES.plans[plan_id]
    names: list[str] = []
    for step in plan.steps.values():
        names += _step_facts(step)
        for ann in step.annotations:
            names += list(ann.when)
    for spec in plan.derived.values():
        names += expr_facts(spec.expr)
    for pc_id in plan.postconditions:
        pc = RULES.postconditions[pc_id]
        names += list(pc.applies_when) + ([pc.requires] if pc.requires else [])
    names.append("rol")
    keep = [n for n in dict.fromkeys(names) if not n.startswith("$") and n not in plan.derived and n not in plan.fixed]
    return keep


def value_strategy(plan_id: str, name: str):
    spec = RULES.facts[name]
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "int":
        return st.integers(min_value=spec.minimum or 0, max_value=30)
    return st.sampled_from(list(spec.plan_values.get(plan_id, spec.values)))


def _case_facts() -> dict[str, list[dict]]:
    """Fact sets of the YAML cases per plan (derived facts left out, so they are computed):
    starting points that reach the deep steps random facts rarely reach."""
    from deelwijzer.rules.cases import load_cases
    from deelwijzer.rules.loader import default_rules_dir

    out: dict[str, list[dict]] = {p: [] for p in PLANS}
    for case in load_cases(default_rules_dir() / "cases"):
        plan_id = evaluate(RULES, case.facts, case.plan).plan
        if plan_id:
            derived = RULES.plans[plan_id].derived
            out[plan_id].append({k: v for k, v in case.facts.items() if k not in derived and k != "plan"})
    return out


CASE_FACTS = _case_facts()


def facts_strategy(plan_id: str):
    random_facts = st.fixed_dictionaries({}, optional={n: value_strategy(plan_id, n) for n in plan_facts(plan_id)})

    def thinned(base: dict):  # a case with a few facts forgotten
        if not base:
            return st.just(base)
        return st.sets(st.sampled_from(sorted(base)), max_size=3).map(
            lambda drop: {k: v for k, v in base.items() if k not in drop}
        )

    from_cases = st.sampled_from(CASE_FACTS[plan_id]).flatmap(thinned)
    return st.one_of(random_facts, from_cases)


def has_default(plan_id: str, name: str) -> bool:
    return name in RULES.plans[plan_id].defaults or RULES.facts[name].default is not None


def is_false(facts, name):
    return facts.get(name) is False


def required_ground_false(plan_id: str, facts: dict, verdict) -> str | None:
    """Oracle written from the spec (independent of the YAML): a reason why a positive verdict
    would be wrong for these facts, or None."""
    f = facts
    step = verdict.beslissende_stap or ""
    if plan_id == "politie":
        for name in ("bevoegd_te_verstrekken", "is_persoonsgegeven", "verwerkt_voor_politietaak", "gegevens_juist_actueel"):
            if is_false(f, name):
                return name
        if f.get("bewaartermijn_verstreken") is True:
            return "bewaartermijn_verstreken"
        if f.get("wpg_artikel") in (9, 10) and is_false(f, "toestemming_bevoegde_functionaris"):
            return "toestemming_bevoegde_functionaris"
    if plan_id == "justitie":
        if f.get("doel_binnen_strafrechtspleging") is True:
            return "doel_binnen_strafrechtspleging"
        for name in ("in_strafdossier_of_om_systeem", "bevoegd_te_verstrekken", "noodzakelijk_voor_om_taak",
                     "doel_verenigbaar", "zwaarwegend_algemeen_belang", "is_noodzakelijk", "is_proportioneel"):
            if is_false(f, name):
                return name
        if f.get("categorie_wjsg") in ("persoonsdossier", "gerechtelijk", "geen"):
            return "categorie_wjsg"
    if plan_id == "zorg" and step == "zorg.3":
        for name in ("gegevens_minimaal", "is_effectief", "is_proportioneel", "subsidiair"):
            if is_false(f, name):
                return name
        no_consent = is_false(f, "toestemming") or is_false(f, "toestemming_vrij") or is_false(f, "toestemming_geinformeerd")
        no_duty = f.get("meldplicht_calamiteit_geweld") is not True and (
            is_false(f, "ots_uitgesproken") or is_false(f, "verzoek_gi_onderbouwd")
            or f.get("ontvanger", "gecertificeerde_instelling") != "gecertificeerde_instelling")
        no_meldrecht = f.get("meldrecht") == "geen"
        no_cvp = any(is_false(f, n) for n in ("gewetensnood", "ernstige_schade_waarschijnlijk", "toestemming_gevraagd_of_onveilig",
                                               "gevaar_wordt_afgewend", "subsidiair", "is_proportioneel"))
        if no_consent and no_duty and no_meldrecht and no_cvp:
            return "geen grond om het beroepsgeheim te doorbreken"
    if plan_id in ("gemeenten", "onderwijs") and step.endswith(".4"):
        for name in ("is_noodzakelijk", "is_proportioneel", "subsidiair", "voldoet_avg_beginselen", "ontvanger_heeft_grondslag"):
            if is_false(f, name) and not (plan_id == "gemeenten" and name == "ontvanger_heeft_grondslag"
                                          and f.get("ontvanger") in ("politie", "openbaar_ministerie")):
                return name
        if f.get("bijzonder_persoonsgegeven") is True and f.get("uitzondering_bijzonder") == "geen":
            return "bijzonder_persoonsgegeven"
        if f.get("strafrechtelijk_persoonsgegeven") is True and f.get("uitzondering_strafrechtelijk") == "geen":
            return "strafrechtelijk_persoonsgegeven"
        if f.get("herkomst_gegevens") in ("wpg", "wjsg") and is_false(f, "wettelijke_plicht") and is_false(f, "noodzakelijk_voor_eigen_taak"):
            return "geheimhouding"
    return None


@pytest.mark.parametrize("plan_id", PLANS)
def test_terminates_deterministic_and_sound(plan_id):
    @PROPS
    @given(facts=facts_strategy(plan_id))
    def check(facts):
        v1 = evaluate(RULES, facts, plan_id)
        v2 = evaluate(RULES, dict(reversed(list(facts.items()))), plan_id)
        assert v1 == v2  # deterministic, independent of key order
        assert v1.trace, "every verdict has a trace"
        if v1.outcome in POSITIVE:
            assert v1.voorwaarden[0] == "afweging_vastleggen"
            reason = required_ground_false(plan_id, facts, v1)
            assert reason is None, f"positief oordeel terwijl {reason} ontbreekt"
        if v1.outcome != "meer_informatie_nodig":
            assert v1.vraag is None
        for t in v1.trace:  # a trace only records facts that were known
            assert all(v is not None for v in t.facts_used.values())

    check()


def settled(v) -> bool:
    """A verdict reached although questions were left open, because every answer leads to it (X2)."""
    return any(a.startswith("X2:") for a in v.ambiguities)


def same_verdict(a, b) -> bool:
    """Same outcome; and the same deciding step unless one of them was settled over open
    questions (then "mag niet delen" may be decided by a different step for different answers)."""
    if a.outcome != b.outcome:
        return False
    return settled(a) or settled(b) or a.beslissende_stap == b.beslissende_stap


@pytest.mark.parametrize("plan_id", PLANS)
def test_adding_facts_never_skips_a_needed_question(plan_id):
    names = plan_facts(plan_id)

    @PROPS
    @given(data=st.data(), facts=facts_strategy(plan_id))
    def check(data, facts):
        v = evaluate(RULES, facts, plan_id)
        if v.outcome != "meer_informatie_nodig" or v.vraag is None:
            return
        asked = v.vraag.fact
        free = [n for n in names if n not in facts and n != asked and n not in PC_FACTS and not has_default(plan_id, n)]
        extra = data.draw(st.fixed_dictionaries({}, optional={n: value_strategy(plan_id, n) for n in free}))
        later = evaluate(RULES, {**facts, **extra}, plan_id)
        if later.outcome == "meer_informatie_nodig" or asked not in RULES.facts or asked in RULES.plans[plan_id].derived:
            return
        # The path decided without `asked`: whatever the answer would have been, the verdict stands.
        spec = RULES.facts[asked]
        values = [True, False] if spec.type == "bool" else list(spec.plan_values.get(plan_id, spec.values))
        if spec.type == "int":
            values = [0, 11, 12, 16, 17, 22, 23, 30]
        for value in values:
            again = evaluate(RULES, {**facts, **extra, asked: value}, plan_id)
            assert same_verdict(again, later), f"{asked}={value!r} verandert het oordeel: de vraag was nodig"

    check()


@pytest.mark.parametrize("plan_id", PLANS)
def test_final_verdicts_are_stable_under_more_facts(plan_id):
    names = plan_facts(plan_id)

    @PROPS
    @given(data=st.data(), facts=facts_strategy(plan_id))
    def check(data, facts):
        v = evaluate(RULES, facts, plan_id)
        if v.outcome == "meer_informatie_nodig":
            return
        free = [n for n in names if n not in facts and n not in PC_FACTS and not has_default(plan_id, n)]
        extra = data.draw(st.fixed_dictionaries({}, optional={n: value_strategy(plan_id, n) for n in free}))
        later = evaluate(RULES, {**facts, **extra}, plan_id)
        assert same_verdict(later, v)

    check()
