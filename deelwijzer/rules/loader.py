"""Read rules/*.yaml, check them against rules/schema.yaml and build a RuleSet.

Cached per (directory, file names, mtimes): editing a rules file is picked up on the next
call without restarting the app.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from .model import FactSpec, Plan, PostCondition, RuleError, RuleSet

PLAN_IDS = ("zorg", "politie", "justitie", "gemeenten", "onderwijs")
SHARED_FILES = ("facts.yaml", "routing.yaml", "postconditions.yaml", "annotations.yaml")

_CACHE: dict[tuple, RuleSet] = {}


PROJECT_ROOT = Path(__file__).resolve().parents[2]  # not deelwijzer.config: pydantic costs ~1 s


def default_rules_dir() -> Path:
    return PROJECT_ROOT / "rules"


def _files(rules_dir: Path) -> list[Path]:
    return [rules_dir / f for f in SHARED_FILES] + [rules_dir / f"{p}.yaml" for p in PLAN_IDS]


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

    plans: dict[str, Plan] = {}
    for plan_id in PLAN_IDS:
        doc = _read(rules_dir / f"{plan_id}.yaml")
        if doc.get("plan") != plan_id:
            raise RuleError(f"{plan_id}.yaml: veld 'plan' moet {plan_id!r} zijn")
        steps: dict[str, dict[str, Any]] = {}
        for step in doc["steps"]:
            if step["id"] in steps:
                raise RuleError(f"{plan_id}.yaml: stap {step['id']} staat er dubbel in")
            steps[step["id"]] = step
        plans[plan_id] = Plan(
            id=plan_id,
            title=doc["title"],
            source=doc["source"],
            rules_version=str(doc["rules_version"]),
            valid_from=str(doc["valid_from"]),
            start=doc["start"],
            steps=steps,
            derived=doc.get("derived") or {},
            defaults={k: (v["value"] if isinstance(v, dict) else v) for k, v in (doc.get("defaults") or {}).items()},
            default_notes={k: v["note"] for k, v in (doc.get("defaults") or {}).items() if isinstance(v, dict) and "note" in v},
            compose=tuple(doc.get("compose") or ()),
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
            if_false=pc.get("if_false") or {},
            if_unknown=pc.get("if_unknown") or {},
            always=pc.get("always"),
            basis=tuple(pc.get("basis", ())),
            ambiguity=tuple(pc.get("ambiguity", ())),
        )

    version = f"{routing_doc['version']}+{digest.hexdigest()[:8]}"
    return RuleSet(
        version=version,
        valid_from=str(routing_doc["valid_from"]),
        source=routing_doc["source"],
        facts=facts,
        plans=plans,
        routing=tuple(routing_doc["routing"]),
        postconditions=pcs,
        voorwaarden=ann_doc["voorwaarden"],
        ambiguities=ann_doc["ambiguities"],
        outcome_labels=ann_doc["outcomes"],
        groups=groups,
        rules_dir=rules_dir,
    )
