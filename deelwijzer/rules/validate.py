"""Static checks behind `deelwijzer rules validate`.

* schema: every file against rules/schema.yaml (jsonschema);
* references: steps, overlays, post-conditions, voorwaarden, ambiguities, facts, enum values,
  groups and context variables all resolve;
* reachability: every step is reachable from its plan's start;
* termination: the step graph has no cycle and every step is exhaustive (for every
  combination of values of the facts it reads some rule fires or asks a question), so every
  path ends in an outcome;
* citations: every heading and anchor is found verbatim in the source document (whitespace
  normalised; read by the injected SourceReader, with ingest's: .txt, .pdf or .docx); a cited
  heading must be a heading the reader finds or a whole line (not a table-of-contents entry); a miss is
  reported as "review needed" with the file, step and the closest heading of the text.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from .engine import step_is_exhaustive_for
from .logic import expr_facts
from .model import Condition, Reference, RuleError, RuleSet, Step, Then

MAX_COMBINATIONS = 50_000


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)  # cited text not found in the corpus
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.review


# ---- walking the rules data ---------------------------------------------------------------
def _conditions(step: Step) -> Iterator[Condition]:
    for rule in step.rules:
        yield from rule.conditions()
    for ann in step.annotations:
        yield ann.when


def _step_facts(step: Step) -> list[str]:
    names: list[str] = list(step.requires)
    for rule in step.rules:
        names.extend((rule.when or {}).keys())
        names.extend(rule.when_any_false)
        for m in rule.any_of:
            names.extend(expr_facts(m.test))
        for then in [rule.then] + [m.then for m in rule.any_of]:
            for case in then.outcome_if:
                names.extend(case.when.keys())
    return list(dict.fromkeys(names))


def branch_ids(ruleset: RuleSet) -> list[str]:
    """Every branch a case can exercise: each rule, each any_of member and its failure, and
    each outcome of each post-condition. Same ids as `evaluate_with_branches` reports."""
    out: list[str] = []
    for plan in ruleset.plans.values():
        for step_id, step in plan.steps.items():
            for i, rule in enumerate(step.rules):
                if rule.is_any_of:
                    out.extend(f"{step_id}#{i}:{m.id}" for m in rule.any_of)
                    out.append(f"{step_id}#{i}:fail")
                else:
                    out.append(f"{step_id}#{i}")
        for i, c in enumerate(plan.compose):
            # "unknown" cannot happen when the plan itself states a default for the condition.
            can_ask = any(f not in plan.defaults for f in c.when)
            out.extend(f"{plan.id}.compose#{i}:{b}" for b in ("true", "false", "unknown") if b != "unknown" or can_ask)
        for pc_id in plan.postconditions:
            pc = ruleset.postconditions[pc_id]
            if pc.always is not None:
                out.append(f"{pc_id}:always")
            else:
                out.extend(f"{pc_id}:{b}" for b in ("true", "false", "unknown"))
    return list(dict.fromkeys(out))


# ---- checks -------------------------------------------------------------------------------
def check_references(rs: RuleSet, report: Report) -> None:
    facts = rs.facts
    ann_v, ann_a = rs.voorwaarden, rs.ambiguities

    def check_when(cond: Condition, where: str, plan_id: str, set_vars: set[str]) -> None:
        for name, test in cond.items():
            if name.startswith("$"):
                if name[1:] not in set_vars:
                    report.errors.append(f"{where}: contextvariabele {name} wordt nergens gezet")
                continue
            spec = facts.get(name)
            if spec is None:
                report.errors.append(f"{where}: feit {name!r} staat niet in facts.yaml")
                continue
            values: list[Any] = []
            if isinstance(test, list):
                values = test
            elif isinstance(test, dict) and ("not_in" in test):
                values = test["not_in"]
            elif isinstance(test, dict) and ({"in_group", "not_in_group"} & test.keys()):
                group = test.get("in_group") or test.get("not_in_group")
                if group not in rs.groups:
                    report.errors.append(f"{where}: onbekende groep {group!r}")
            elif not isinstance(test, dict) and test != "*":
                values = [test]
            if spec.type == "enum":
                allowed = spec.plan_values.get(plan_id, spec.values)
                for v in values:
                    if v not in allowed:
                        report.errors.append(f"{where}: {name}={v!r} is geen geldige waarde")
            elif spec.type == "bool":
                for v in values:
                    if not isinstance(v, bool):
                        report.errors.append(f"{where}: {name} is ja/nee, niet {v!r}")

    def check_refs(refs: tuple[Reference, ...], where: str) -> None:
        for r in refs:
            if r.law not in rs.laws:
                report.errors.append(f"{where}: wet {r.law!r} (in {r.text!r}) staat niet in annotations.yaml laws")

    def check_then(then: Then, where: str, plan, set_vars: set[str]) -> None:
        if then.next is not None and then.next not in plan.steps:
            report.errors.append(f"{where}: volgende stap {then.next!r} bestaat niet")
        for o in then.overlays:
            if o not in plan.steps or not plan.steps[o].overlay:
                report.errors.append(f"{where}: overlay {o!r} bestaat niet of is geen overlay-stap")
        for v in then.voorwaarden:
            if v not in ann_v:
                report.errors.append(f"{where}: voorwaarde {v!r} staat niet in annotations.yaml")
        for a in then.ambiguity:
            if a not in ann_a:
                report.errors.append(f"{where}: onduidelijkheid {a!r} staat niet in annotations.yaml")
        if then.ask and then.ask not in facts:
            report.errors.append(f"{where}: te vragen feit {then.ask!r} staat niet in facts.yaml")
        for case in then.outcome_if:
            check_when(case.when, where, plan.id, set_vars)
        if then.outcome == "raadpleeg_functionaris" and not then.wie:
            report.errors.append(f"{where}: raadpleeg_functionaris zonder 'wie'")
        if then.outcome == "ander_stappenplan" and not then.verwijzing:
            report.errors.append(f"{where}: ander_stappenplan zonder 'verwijzing'")
        check_refs(then.basis, where)

    for pc in rs.postconditions.values():
        check_refs(pc.basis, f"postconditions.yaml {pc.id}")
        for t in (pc.if_false, pc.if_unknown, pc.always):
            if t is not None:
                check_refs(t.basis, f"postconditions.yaml {pc.id}")
    for plan in rs.plans.values():
        set_vars = {k for step in plan.steps.values() for t in step.thens() for k in t.set}
        for pc_id in plan.postconditions:
            if pc_id not in rs.postconditions:
                report.errors.append(f"{plan.file}: post-conditie {pc_id!r} bestaat niet")
            else:
                pc = rs.postconditions[pc_id]
                check_when(pc.applies_when, f"postconditions.yaml {pc_id}", plan.id, set_vars)
                if pc.step not in plan.steps:
                    report.errors.append(f"postconditions.yaml {pc_id}: stap {pc.step!r} niet in {plan.file}")
                if pc.requires and pc.requires not in facts:
                    report.errors.append(f"postconditions.yaml {pc_id}: feit {pc.requires!r} onbekend")
                for a in pc.ambiguity:
                    if a not in ann_a:
                        report.errors.append(f"postconditions.yaml {pc_id}: onduidelijkheid {a!r} onbekend")
        if plan.start not in plan.steps:
            report.errors.append(f"{plan.file}: startstap {plan.start!r} bestaat niet")
        for name in list(plan.derived) + list(plan.defaults) + list(plan.fixed):
            if name not in facts:
                report.errors.append(f"{plan.file}: feit {name!r} staat niet in facts.yaml")
        for name, spec in plan.derived.items():
            for f in expr_facts(spec.expr):
                if f.startswith("$"):  # context variable: must be set by some rule of the plan
                    if not any(f[1:] in t.set for st in plan.steps.values() for t in st.thens()):
                        report.errors.append(f"{plan.file}: afgeleid feit {name} leest {f}, die nergens wordt gezet")
                    continue
                if f not in facts:
                    report.errors.append(f"{plan.file}: afgeleid feit {name} gebruikt onbekend feit {f!r}")
            for case in spec.expr.get("cases", []) if isinstance(spec.expr, dict) else []:
                check_when(case["when"], f"{plan.file} afgeleid {name}", plan.id, set_vars)
                for a in case.get("ambiguity", []):
                    if a not in ann_a:
                        report.errors.append(f"{plan.file} afgeleid {name}: onduidelijkheid {a!r} onbekend")
        for step_id, step in plan.steps.items():
            where = f"{plan.file} stap {step_id}"
            for cond in _conditions(step):
                check_when(cond, where, plan.id, set_vars)
            for rule in step.rules:
                for f in rule.when_any_false:
                    if f not in facts:
                        report.errors.append(f"{where}: feit {f!r} staat niet in facts.yaml")
                for m in rule.any_of:
                    for f in expr_facts(m.test):
                        if f not in facts:
                            report.errors.append(f"{where}: feit {f!r} staat niet in facts.yaml")
            for then in step.thens():
                check_then(then, where, plan, set_vars)
            check_refs(step.basis, where)
            for ann in step.annotations:
                check_refs(ann.basis, where)
                for v in ann.voorwaarden:
                    if v not in ann_v:
                        report.errors.append(f"{where}: voorwaarde {v!r} onbekend")
                for a in ann.ambiguity:
                    if a not in ann_a:
                        report.errors.append(f"{where}: onduidelijkheid {a!r} onbekend")
            for f in step.requires:
                if f not in facts:
                    report.errors.append(f"{where}: vereist feit {f!r} staat niet in facts.yaml")
            for a in step.ambiguity:
                if a not in ann_a:
                    report.errors.append(f"{where}: onduidelijkheid {a!r} onbekend")
    for route in rs.routing:
        if route.plan is not None and route.plan not in rs.plans:
            report.errors.append(f"routing.yaml: onbekend stappenplan {route.plan!r}")


def check_graph(rs: RuleSet, report: Report) -> None:
    for plan in rs.plans.values():
        edges: dict[str, list[str]] = {}
        for step_id, step in plan.steps.items():
            targets = []
            for then in step.thens():
                if then.next is not None:
                    targets.append(then.next)
                targets.extend(then.overlays)
            edges[step_id] = targets
        seen: set[str] = set()
        stack = [plan.start]
        while stack:
            s = stack.pop()
            if s in seen or s not in edges:
                continue
            seen.add(s)
            stack.extend(edges[s])
        for step_id in plan.steps:
            if step_id not in seen:
                report.errors.append(f"{plan.file}: stap {step_id} is onbereikbaar vanaf {plan.start}")
        # cycle detection (DFS colouring)
        colour: dict[str, int] = {}

        def dfs(node: str, path: list[str]) -> None:
            colour[node] = 1
            for nxt in edges.get(node, []):
                if colour.get(nxt) == 1:
                    report.errors.append(f"{plan.file}: lus in de stappen: {' → '.join(path + [nxt])}")
                elif colour.get(nxt) is None:
                    dfs(nxt, path + [nxt])
            colour[node] = 2

        dfs(plan.start, [plan.start])
        report.stats[f"stappen_{plan.id}"] = len(plan.steps)


def check_domains(rs: RuleSet, report: Report) -> None:
    """A step's `domain` (values a fact can have when the step is reached) must be implied by
    every rule that leads into it."""
    for plan in rs.plans.values():
        for step_id, step in plan.steps.items():
            for name, allowed in step.domain.items():
                for pred_id, pred in plan.steps.items():
                    for rule in pred.rules:
                        thens = [rule.then] + [m.then for m in rule.any_of]
                        if not any(t.next == step_id for t in thens):
                            continue
                        test = (rule.when or {}).get(name)
                        if isinstance(test, dict) and "in_group" in test:
                            values = set(rs.groups.get(test["in_group"], ()))
                        elif isinstance(test, list):
                            values = set(test)
                        elif test is not None and not isinstance(test, dict) and test != "*":
                            values = {test}
                        else:
                            values = set(pred.domain.get(name, [None]))
                        if not values <= set(allowed):
                            report.errors.append(
                                f"{plan.file} stap {step_id}: domein van {name} niet gewaarborgd door {pred_id}"
                            )


def _domain(rs: RuleSet, plan, name: str, step: Step, var_values: dict[str, list]) -> list[Any]:
    override = step.domain.get(name)
    if override is not None:
        return list(override)
    if name.startswith("$"):
        return var_values.get(name[1:], [None])
    spec = rs.facts[name]
    if spec.type == "bool":
        return [True, False]
    if spec.type == "enum":
        return list(spec.plan_values.get(plan.id, spec.values))
    numbers = {spec.minimum or 0, spec.maximum or 120}
    for cond in _conditions(step):
        test = cond.get(name)
        if isinstance(test, dict):
            for arg in test.values():
                for n in arg if isinstance(arg, list) else [arg]:
                    if isinstance(n, int):
                        numbers.update({n - 1, n, n + 1})
        elif isinstance(test, int) and not isinstance(test, bool):
            numbers.update({test - 1, test, test + 1})
    return sorted(numbers)


def check_exhaustive(rs: RuleSet, report: Report) -> None:
    """For every combination of the values a step reads, some rule must fire (or ask)."""
    facts_key = _facts_key(rs)
    for plan in rs.plans.values():
        var_values: dict[str, list] = {}
        for step in plan.steps.values():
            for then in step.thens():
                for k, v in then.set.items():
                    var_values.setdefault(k, [])
                    if v not in var_values[k]:
                        var_values[k].append(v)
        checked = 0
        for step_id, step in plan.steps.items():
            key = json.dumps([plan.id, step, var_values, facts_key], sort_keys=True, default=str)
            if key in _EXHAUSTIVE_CACHE:  # same step, same dictionary: same answer
                err, n = _EXHAUSTIVE_CACHE[key]
                if err:
                    report.errors.append(err)
                checked += n
                continue
            before, n_before = len(report.errors), checked
            names = _step_facts(step)
            domains = [_domain(rs, plan, n, step, var_values) for n in names]
            total = 1
            for d in domains:
                total *= len(d)
            if total > MAX_COMBINATIONS:
                report.warnings.append(f"{plan.file} stap {step_id}: {total} combinaties, niet volledig getoetst")
                continue
            gaps: list[dict[str, Any]] = []
            for combo in itertools.product(*domains):
                assignment = dict(zip(names, combo))
                facts = {k: v for k, v in assignment.items() if not k.startswith("$")}
                context = {k[1:]: v for k, v in assignment.items() if k.startswith("$")}
                if not step_is_exhaustive_for(rs, plan, step, facts, context):
                    gaps.append(assignment)
                checked += 1
            if gaps:
                report.errors.append(
                    f"{plan.file} stap {step_id}: geen regel van toepassing voor {len(gaps)} combinatie(s), "
                    f"bijv. {gaps[0]} (een pad eindigt niet in een oordeel)"
                )
            _EXHAUSTIVE_CACHE[key] = (report.errors[-1] if len(report.errors) > before else None, checked - n_before)
        report.stats[f"combinaties_{plan.id}"] = checked


_EXHAUSTIVE_CACHE: dict[str, tuple[str | None, int]] = {}


def _facts_key(rs: RuleSet) -> str:
    facts = sorted((n, f.type, f.values, tuple(sorted(f.plan_values.items()))) for n, f in rs.facts.items())
    return repr((facts, sorted((g, sorted(v)) for g, v in rs.groups.items())))


# ---- citations ------------------------------------------------------------------------------
def normalise_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def citations(rs: RuleSet) -> Iterator[tuple[str, str, str, str]]:
    """(file, where, kind, text) for every heading and anchor the rules cite."""
    for plan in rs.plans.values():
        for step_id, step in plan.steps.items():
            yield plan.file, step_id, "heading", step.heading
            if step.anchor:
                yield plan.file, step_id, "anchor", step.anchor
            for i, then in enumerate(step.thens()):
                if then.heading:
                    yield plan.file, f"{step_id} (regel {i})", "heading", then.heading
                if then.anchor:
                    yield plan.file, f"{step_id} (regel {i})", "anchor", then.anchor
    for pc in rs.postconditions.values():
        yield "postconditions.yaml", pc.id, "heading", pc.heading
        if pc.anchor:
            yield "postconditions.yaml", pc.id, "anchor", pc.anchor
    for i, route in enumerate(rs.routing):
        yield "routing.yaml", f"routing {i}", "heading", route.heading
        if route.anchor:
            yield "routing.yaml", f"routing {i}", "anchor", route.anchor


def source_path(rs: RuleSet, corpus_dir: Path) -> Path:
    manifest_path = corpus_dir / "manifest.yaml"
    try:
        manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RuleError(f"{manifest_path} ontbreekt: geef de corpusmap met manifest.yaml op "
                        "(DEELWIJZER_CORPUS_DIR of --corpus-dir)") from exc
    doc_id = rs.source["doc_id"]
    for doc in (manifest or {}).get("documents") or []:
        if doc.get("id") == doc_id:
            return corpus_dir / doc["source_file"]
    raise RuleError(f"document {doc_id!r} staat niet in {manifest_path}")


@dataclass(frozen=True)
class SourceReader:
    """How the rules' source document is read. The caller injects the ingest reader
    (ingest/source_reader.py: .txt, .pdf, .docx, cleaned and cut as for the index), so the rules
    package imports no ingest code. The default reads plain text and knows no sections."""

    read: Callable[[Path], str] = lambda path: path.read_text(encoding="utf-8")
    sections: Callable[[str, str], list[tuple[tuple[str, ...], str]]] | None = None  # (text, doc_id)
    clean: Callable[[str, str], str] | None = None  # (text, doc_id) -> the cleaner's output


PLAIN_TEXT = SourceReader()


def source_text(rs: RuleSet, corpus_dir: Path, reader: SourceReader = PLAIN_TEXT) -> str:
    """The raw text of the rules' source document, read by `reader` (raises OSError/RuleError)."""
    return reader.read(source_path(rs, corpus_dir))


def _line_set(text: str) -> set[str]:
    return {normalise_ws(re.sub(r"^[■•]\s*", "", line)) for line in text.splitlines() if line.strip()}


def pinned_heading_problems(rs: RuleSet, secs: list[tuple[tuple[str, ...], str]]) -> list[str]:
    """The step's anchor pins the occurrence of its heading ("Stap 6: Proportionaliteit" occurs once per
    route; a page header may repeat a heading): when the anchor sits under none of the cited heading's
    occurrences but under a heading much like it, that occurrence was renamed. The suggestion is the
    heading the anchor now sits under."""
    out = []
    for plan in rs.plans.values():
        for step_id, step in plan.steps.items():
            heading, anchor = normalise_ws(step.heading), normalise_ws(step.anchor)
            if not anchor:
                continue
            holders = [path for path, body in secs if anchor in normalise_ws(body)]
            if not holders or any(heading in (normalise_ws(h) for h in path) for path in holders):
                continue
            if any(heading in _line_set(body) for path, body in secs if path in holders):
                continue  # the heading is a line of the anchor's section (a heading ingest does not cut at)
            now = next((h for h in (closest_heading(step.heading, list(p)) for p in holders) if h), "")
            if now:
                out.append(f"review nodig: {plan.file} {step_id}: heading niet gevonden bij het anker "
                           f"{step.anchor!r}: {step.heading!r}; dichtstbijzijnde kop in de nieuwe tekst: {now!r}")
    return out


def closest_heading(cited: str, candidates: list[str]) -> str:
    import difflib

    norm = {normalise_ws(c).lower(): c for c in candidates if c.strip()}
    best = difflib.get_close_matches(normalise_ws(cited).lower(), list(norm), n=1, cutoff=0.5)
    return norm[best[0]] if best else ""


def heading_problems(rs: RuleSet, text: str, headings: list[str] | None = None) -> list[str]:
    """Cited headings/anchors not found in `text` (whitespace-normalised).

    With `headings` (what ingest cuts the text along), a cited heading must be one of those
    headings or a whole line of the text: a table-of-contents entry ("Stap 8: … 52") or a mention in
    a sentence does not keep a renamed heading alive. A miss names the closest heading."""
    hay = normalise_ws(text)
    lines = _line_set(text) if headings is not None else set()
    heads = {normalise_ws(h) for h in headings or ()}
    out = []
    for file, where, kind, cited in citations(rs):
        needle = normalise_ws(cited)
        if headings is not None and kind == "heading":
            found = needle in lines or needle in heads
        else:
            found = needle in hay
        if found:
            continue
        problem = f"review nodig: {file} {where}: {kind} niet gevonden in de handreiking: {cited!r}"
        suggestion = closest_heading(cited, headings or []) if kind == "heading" else ""
        if suggestion:
            problem += f"; dichtstbijzijnde kop in de nieuwe tekst: {suggestion!r}"
        out.append(problem)
    return list(dict.fromkeys(out))


def check_citations(rs: RuleSet, corpus_dir: Path, report: Report, reader: SourceReader = PLAIN_TEXT) -> None:
    try:
        text = source_text(rs, corpus_dir, reader)
    except (OSError, RuleError) as exc:
        report.errors.append(f"brontekst niet te lezen: {exc}")
        return
    doc_id = rs.source["doc_id"]
    secs = reader.sections(text, doc_id) if reader.sections else []
    headings = list(dict.fromkeys(h for path, _ in secs for h in path))
    report.review.extend(heading_problems(rs, text, headings or None))
    report.review.extend(pinned_heading_problems(rs, secs))
    report.stats["citaten"] = len(set(citations(rs)))
    # Also against the cleaner's output, when the reader has one: a heading the cleaner mangles
    # would not be found by retrieval either. Only a warning: the raw text is the authority.
    if reader.clean is None:
        return
    for problem in heading_problems(rs, reader.clean(text, doc_id)):
        report.warnings.append(problem.replace("review nodig", "na opschonen (ingest.clean)"))


def validate_rules(rules_dir: Path | None = None, corpus_dir: Path | None = None,
                   reader: SourceReader = PLAIN_TEXT) -> Report:
    from .loader import default_rules_dir, load_rules, schema_errors

    rules_dir = Path(rules_dir) if rules_dir else default_rules_dir()
    report = Report()
    report.errors.extend(schema_errors(rules_dir))
    if report.errors:
        return report
    try:
        rs = load_rules(rules_dir)
    except RuleError as exc:
        report.errors.append(str(exc))
        return report
    check_references(rs, report)
    check_graph(rs, report)
    check_domains(rs, report)
    if not report.errors:
        check_exhaustive(rs, report)
    if corpus_dir is None:  # the command passes the configured corpus (settings); this is for library use
        from .loader import PROJECT_ROOT

        corpus_dir = PROJECT_ROOT / "corpus"
    check_citations(rs, Path(corpus_dir), report, reader)
    report.stats["takken"] = len(branch_ids(rs))
    return report
