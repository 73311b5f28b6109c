"""Test cases as data (rules/cases/*.yaml): load, check one case, and compute branch coverage.

A case file has optional `bases` (named fact sets) and `cases`; a case has `id`, `facts`,
optional `base`, optional `plan` (evaluate's plan argument) and `expect`:
outcome, beslissende_stap, vraag (fact name or null), heading (must be cited by the verdict or
a trace step), basis / voorwaarden / wie (subsets), verwijzing_contains, voorlopig,
ambiguities (keys such as "Z4").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from deelwijzer.models import Verdict

from .engine import evaluate_with_branches
from .model import RuleSet
from .validate import branch_ids


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    facts: dict[str, Any]
    plan: str | None
    expect: dict[str, Any]


def load_cases(cases_dir: Path) -> list[Case]:
    out: list[Case] = []
    for path in sorted(Path(cases_dir).glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        bases = doc.get("bases") or {}
        for c in doc.get("cases") or []:
            facts = dict(bases[c["base"]]) if c.get("base") else {}
            facts.update(c.get("facts") or {})
            out.append(Case(c["id"], path.name, facts, c.get("plan"), c["expect"]))
    ids = [c.id for c in out]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"dubbele case-id's: {sorted(dupes)}")
    return out


def check_case(verdict: Verdict, expect: dict[str, Any]) -> list[str]:
    """Differences between a verdict and a case's expectations (empty = pass)."""
    bad: list[str] = []
    if verdict.outcome != expect["outcome"]:
        bad.append(f"outcome {verdict.outcome!r} != {expect['outcome']!r}")
    if "beslissende_stap" in expect and verdict.beslissende_stap != expect["beslissende_stap"]:
        bad.append(f"beslissende_stap {verdict.beslissende_stap!r} != {expect['beslissende_stap']!r}")
    if "vraag" in expect:
        got = verdict.vraag.fact if verdict.vraag else None
        if got != expect["vraag"]:
            bad.append(f"vraag {got!r} != {expect['vraag']!r}")
    if "heading" in expect:
        cited = {verdict.heading} | {t.heading for t in verdict.trace}
        if expect["heading"] not in cited:
            bad.append(f"kop {expect['heading']!r} niet geciteerd (wel: {sorted(h for h in cited if h)})")
    for key in ("basis", "voorwaarden", "wie"):
        have = getattr(verdict, key)
        for item in expect.get(key, []):
            if item not in have:
                bad.append(f"{key}: {item!r} ontbreekt (wel: {list(have)})")
    if "verwijzing_contains" in expect and expect["verwijzing_contains"] not in (verdict.verwijzing or ""):
        bad.append(f"verwijzing {verdict.verwijzing!r} bevat niet {expect['verwijzing_contains']!r}")
    if "voorlopig" in expect and verdict.voorlopig != expect["voorlopig"]:
        bad.append(f"voorlopig {verdict.voorlopig!r} != {expect['voorlopig']!r}")
    keys = {a.split(":", 1)[0] for a in verdict.ambiguities}
    for key in expect.get("ambiguities", []):
        if key not in keys:
            bad.append(f"onduidelijkheid {key} niet gemeld (wel: {sorted(keys)})")
    return bad


@dataclass(frozen=True)
class Coverage:
    total: int
    hit: frozenset[str]
    missed: tuple[str, ...]

    @property
    def percent(self) -> float:
        return 100.0 * (self.total - len(self.missed)) / self.total if self.total else 100.0

    def per_plan(self, ruleset: RuleSet) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for b in branch_ids(ruleset):
            plan = _plan_of_branch(ruleset, b)
            hit, total = out.get(plan, (0, 0))
            out[plan] = (hit + (b in self.hit), total + 1)
        return out

    def report(self, ruleset: RuleSet) -> str:
        lines = [f"Takdekking regels: {self.total - len(self.missed)}/{self.total} ({self.percent:.1f}%)"]
        for plan, (hit, total) in self.per_plan(ruleset).items():
            lines.append(f"  {plan:10s} {hit}/{total}")
        if self.missed:
            lines.append("Nooit doorlopen:")
            lines.extend(f"  - {b}" for b in self.missed)
        return "\n".join(lines)


def _plan_of_branch(ruleset: RuleSet, branch: str) -> str:
    if branch.startswith("PC_"):
        pc = ruleset.postconditions[branch.split(":")[0]]
        return pc.step.split(".")[0]
    return branch.split(".")[0]


def run_cases(ruleset: RuleSet, cases: list[Case]) -> tuple[dict[str, list[str]], Coverage]:
    """Evaluate every case: failures per case id, and branch coverage over all cases."""
    failures: dict[str, list[str]] = {}
    hit: set[str] = set()
    for case in cases:
        verdict, branches = evaluate_with_branches(ruleset, case.facts, case.plan)
        hit.update(branches)
        bad = check_case(verdict, case.expect)
        if bad:
            failures[case.id] = bad
    all_branches = branch_ids(ruleset)
    missed = tuple(b for b in all_branches if b not in hit)
    return failures, Coverage(len(all_branches), frozenset(hit & set(all_branches)), missed)
