"""Read rules/*.yaml, check them against rules/schema.yaml and build a RuleSet.

Cached per (directory, file names, mtimes): editing a rules file is picked up on the next
call without restarting the app.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from .model import (
    Annotation,
    Compose,
    Derived,
    FactSpec,
    Member,
    OutcomeCase,
    Plan,
    PostCondition,
    Reference,
    Route,
    Rule,
    RuleError,
    RuleSet,
    Step,
    Texts,
    Then,
)

SHARED_FILES = ("facts.yaml", "routing.yaml", "postconditions.yaml", "annotations.yaml")

_CACHE: dict[tuple, RuleSet] = {}


PROJECT_ROOT = Path(__file__).resolve().parents[2]  # not deelwijzer.config: pydantic costs ~1 s


def default_rules_dir() -> Path:
    return PROJECT_ROOT / "rules"


def plan_ids(rules_dir: Path | None = None) -> tuple[str, ...]:
    """The stappenplannen, in order: the keys of `plans` in annotations.yaml (one file per plan)."""
    path = Path(rules_dir or default_rules_dir()) / "annotations.yaml"
    key = (str(path), path.stat().st_mtime_ns if path.exists() else None)
    ids = _PLAN_IDS.get(key)
    if ids is None:
        ids = _PLAN_IDS[key] = tuple((_read(path) or {}).get("plans") or ())
    return ids


_PLAN_IDS: dict[tuple, tuple[str, ...]] = {}


def _files(rules_dir: Path) -> list[Path]:
    return [rules_dir / f for f in SHARED_FILES] + [rules_dir / f"{p}.yaml" for p in plan_ids(rules_dir)]


def _read(path: Path) -> Any:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster start
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe loader
    except FileNotFoundError as exc:
        raise RuleError(f"regelbestand ontbreekt: {path}") from exc
    except yaml.YAMLError as exc:
        raise RuleError(f"{path.name}: geen geldige YAML: {exc}") from exc


def schema_errors(rules_dir: Path) -> list[str]:
    """Validate every rules file against its schema (jsonschema). Empty list = valid."""
    import jsonschema

    schema_text = (rules_dir / "schema.yaml").read_bytes()
    schema = _read(rules_dir / "schema.yaml")
    errors: list[str] = []
    kinds = {
        "facts.yaml": "facts_file",
        "routing.yaml": "routing_file",
        "postconditions.yaml": "postconditions_file",
        "annotations.yaml": "annotations_file",
    }
    for path in _files(rules_dir):
        kind = kinds.get(path.name, "plan_file")
        key = hashlib.sha256(schema_text + b"\0" + kind.encode() + b"\0" + path.read_bytes()).hexdigest()
        if key not in _SCHEMA_CACHE:  # unchanged files are not re-checked (validation is slow)
            sub = {"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]}
            validator = jsonschema.Draft202012Validator(sub)
            found = []
            for err in sorted(validator.iter_errors(_read(path)), key=lambda e: list(e.path)):
                where = "/".join(str(p) for p in err.path) or "(root)"
                found.append(f"{path.name}: {where}: {err.message}")
            _SCHEMA_CACHE[key] = found
        errors.extend(_SCHEMA_CACHE[key])
    return errors


_SCHEMA_CACHE: dict[str, list[str]] = {}


def load_rules(rules_dir: Path | None = None) -> RuleSet:
    rules_dir = Path(rules_dir) if rules_dir else default_rules_dir()
    files = _files(rules_dir)
    key = (str(rules_dir.resolve()),) + tuple(
        (f.name, f.stat().st_mtime_ns if f.exists() else None) for f in files
    )
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    ruleset = _build(rules_dir, files)
    _CACHE.clear()
    _CACHE[key] = ruleset
    return ruleset


def _build(rules_dir: Path, files: list[Path]) -> RuleSet:
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes() if f.exists() else b"")

    facts_doc = _read(rules_dir / "facts.yaml")
    routing_doc = _read(rules_dir / "routing.yaml")
    pcs_doc = _read(rules_dir / "postconditions.yaml")
    ann_doc = _read(rules_dir / "annotations.yaml")

    groups: dict[str, frozenset] = {}
    facts: dict[str, FactSpec] = {}
    for name, spec in facts_doc["facts"].items():
        fact_groups = {g: frozenset(v) for g, v in (spec.get("groups") or {}).items()}
        groups.update(fact_groups)
        facts[name] = FactSpec(
            name=name,
            type=spec["type"],
            question=spec["question"],
            help=spec.get("help", ""),
            values=tuple(spec.get("values", ())),
            default=spec.get("default"),
            minimum=spec.get("min"),
            maximum=spec.get("max"),
            plan_values={p: tuple(v) for p, v in (spec.get("plan_values") or {}).items()},
            groups=fact_groups,
            plan_question=dict(spec.get("plan_question") or {}),
            plan_help=dict(spec.get("plan_help") or {}),
        )

    refs = _References(ann_doc.get("laws") or {})
    plans: dict[str, Plan] = {}
    for plan_id in plan_ids(rules_dir):
        doc = _read(rules_dir / f"{plan_id}.yaml")
        if doc.get("plan") != plan_id:
            raise RuleError(f"{plan_id}.yaml: veld 'plan' moet {plan_id!r} zijn")
        steps: dict[str, Step] = {}
        for step in doc["steps"]:
            if step["id"] in steps:
                raise RuleError(f"{plan_id}.yaml: stap {step['id']} staat er dubbel in")
            steps[step["id"]] = _step(step, refs)
        plans[plan_id] = Plan(
            id=plan_id,
            title=doc["title"],
            source=doc["source"],
            rules_version=str(doc["rules_version"]),
            valid_from=str(doc["valid_from"]),
            start=doc["start"],
            steps=steps,
            derived={
                k: Derived(expr=v["expr"], ask_self=v.get("ask") == "self", fallback=bool(v.get("fallback")))
                for k, v in (doc.get("derived") or {}).items()
            },
            defaults={k: (v["value"] if isinstance(v, dict) else v) for k, v in (doc.get("defaults") or {}).items()},
            default_notes={k: v["note"] for k, v in (doc.get("defaults") or {}).items() if isinstance(v, dict) and "note" in v},
            compose=tuple(
                Compose(when=c["when"], plan=c["plan"], heading=c["heading"], anchor=c["anchor"],
                        ambiguity=tuple(c.get("ambiguity", ())))
                for c in doc.get("compose") or ()
            ),
            fixed=doc.get("fixed") or {},
            postconditions=tuple(doc.get("postconditions") or ()),
            file=f"{plan_id}.yaml",
        )

    pcs: dict[str, PostCondition] = {}
    for pc in pcs_doc["postconditions"]:
        pcs[pc["id"]] = PostCondition(
            id=pc["id"],
            step=pc["step"],
            heading=pc["heading"],
            anchor=pc.get("anchor", ""),
            applies_when=pc.get("applies_when") or {},
            requires=pc.get("requires"),
            if_false=_then(pc.get("if_false") or {}, refs),
            if_unknown=_then(pc.get("if_unknown") or {}, refs),
            always=_then(pc["always"], refs) if pc.get("always") is not None else None,
            basis=refs.parse_all(pc.get("basis", ())),
            ambiguity=tuple(pc.get("ambiguity", ())),
        )

    version = f"{routing_doc['version']}+{digest.hexdigest()[:8]}"
    return RuleSet(
        version=version,
        valid_from=str(routing_doc["valid_from"]),
        source=routing_doc["source"],
        facts=facts,
        plans=plans,
        routing=tuple(
            Route(when=r["when"], heading=r["heading"], plan=r.get("plan"), outcome=r.get("outcome"),
                  ask=r.get("ask"), anchor=r.get("anchor", ""), reason=r.get("reason", ""))
            for r in routing_doc["routing"]
        ),
        postconditions=pcs,
        voorwaarden=ann_doc["voorwaarden"],
        ambiguities=ann_doc["ambiguities"],
        texts=Texts(
            outcome_sentences=dict(ann_doc["outcomes"]),
            outcome_labels=dict(ann_doc["outcome_labels"]),
            outcome_titles=dict(ann_doc["outcome_titles"]),
            outcome_short=dict(ann_doc["outcome_short"]),
            plan_labels={p: v["label"] for p, v in ann_doc["plans"].items()},
            plan_headings={p: v["heading"] for p, v in ann_doc["plans"].items()},
            disclaimers=dict(ann_doc["disclaimers"]),
        ),
        groups=groups,
        rules_dir=rules_dir,
        laws=dict(ann_doc.get("laws") or {}),
    )


# ---- the rule language: every keyword of a step, rule and `then` is read here, and only here ----
class _References:
    """Parses "art. 9 lid 2 sub a AVG" into a Reference. The laws (and their BWB ids) are listed in
    annotations.yaml `laws`; the longest law name the text ends with is the law."""

    def __init__(self, laws: dict[str, str | None]):
        self.laws = sorted(laws.items(), key=lambda kv: -len(kv[0]))
        self._cache: dict[str, Reference] = {}

    def parse(self, text: str) -> Reference:
        ref = self._cache.get(text)
        if ref is None:
            ref = self._cache[text] = self._parse(text)
        return ref

    def _parse(self, text: str) -> Reference:
        body = " ".join(text.split())
        for law, bwb in self.laws:
            if body.endswith(" " + law):
                head = body[: -len(law)].strip()
                break
        else:
            head, _, law = body.rpartition(" ")
            bwb = None
        for prefix in ("art. ", "artikel ", "paragraaf "):
            if head.startswith(prefix):
                article = head[len(prefix):] if prefix != "paragraaf " else head
                break
        else:
            article = head
        return Reference(text=text, article=article, law=law, bwb=bwb)

    def parse_all(self, texts: Any) -> tuple[Reference, ...]:
        return tuple(self.parse(t) for t in texts or ())


def _then(d: dict[str, Any], refs: _References) -> Then:
    return Then(
        next=d.get("next"),
        outcome=d.get("outcome"),
        outcome_if=tuple(OutcomeCase(when=c["when"], outcome=c["outcome"]) for c in d.get("outcome_if", ())),
        keep=bool(d.get("keep")),
        continue_=bool(d.get("continue")),
        fallthrough=bool(d.get("fallthrough")),
        set=dict(d.get("set") or {}),
        basis=refs.parse_all(d.get("basis")),
        voorwaarden=tuple(d.get("voorwaarden", ())),
        wie=tuple(d.get("wie", ())),
        verwijzing=d.get("verwijzing"),
        overlays=tuple(d.get("overlays", ())),
        heading=d.get("heading"),
        anchor=d.get("anchor"),
        reason=d.get("reason", ""),
        ambiguity=tuple(d.get("ambiguity", ())),
        ask=d.get("ask"),
    )


def _rule(d: dict[str, Any], refs: _References) -> Rule:
    if "any_of" in d:
        return Rule(
            any_of=tuple(
                Member(id=m["id"], test=m["test"], then=_then(m["then"], refs), route=m.get("route"))
                for m in d["any_of"]
            ),
            on_fail=_then(d["on_fail"], refs),
        )
    return Rule(
        then=_then(d["then"], refs),
        when=d.get("when"),
        when_any_false=tuple(d.get("when_any_false", ())),
        otherwise=bool(d.get("else")),
    )


def _step(d: dict[str, Any], refs: _References) -> Step:
    return Step(
        id=d["id"],
        title=d["title"],
        heading=d["heading"],
        rules=tuple(_rule(r, refs) for r in d["rules"]),
        anchor=d.get("anchor", ""),
        basis=refs.parse_all(d.get("basis")),
        note=d.get("note", ""),
        overlay=bool(d.get("overlay")),
        domain={k: tuple(v) for k, v in (d.get("domain") or {}).items()},
        requires=tuple(d.get("requires", ())),
        ambiguity=tuple(d.get("ambiguity", ())),
        annotations=tuple(
            Annotation(
                when=a["when"],
                voorwaarden=tuple(a.get("voorwaarden", ())),
                basis=refs.parse_all(a.get("basis")),
                ambiguity=tuple(a.get("ambiguity", ())),
            )
            for a in d.get("annotations", ())
        ),
    )
