"""`deelwijzer rules validate` on the real rules and corpus, and that it catches broken rules
(a renamed heading, a dangling reference, an unreachable step, a gap in a step, a schema error)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from deelwijzer.rules.loader import PROJECT_ROOT, default_rules_dir
from deelwijzer.rules.validate import validate_rules
from ingest.source_reader import INGEST_READER

CORPUS = PROJECT_ROOT / "corpus"


def test_real_rules_validate_clean():
    report = validate_rules(default_rules_dir(), CORPUS, INGEST_READER)
    assert report.errors == []
    assert report.review == []
    assert report.stats["takken"] >= 150
    assert report.stats["citaten"] >= 150


@pytest.fixture
def rules_copy(tmp_path) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), dst)
    return dst


def _edit(path: Path, fn) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _step(doc, step_id):
    return next(s for s in doc["steps"] if s["id"] == step_id)


def test_renamed_heading_is_reported_for_review(rules_copy):
    _edit(rules_copy / "politie.yaml", lambda d: _step(d, "politie.8").update(heading="Stap 8: Juist en volledig"))
    report = validate_rules(rules_copy, CORPUS, INGEST_READER)
    assert not report.ok
    assert any("politie.yaml politie.8" in r and "Stap 8: Juist en volledig" in r for r in report.review)


def test_heading_missing_from_a_new_corpus_version(rules_copy, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    src = corpus / "handreiking-gegevensdeling-excessief-geweld-justitie-2023.txt"
    src.write_text(src.read_text(encoding="utf-8").replace("Stap 9: Vastlegging", "Stap 9: Documentatie"), encoding="utf-8")
    report = validate_rules(rules_copy, corpus, INGEST_READER)
    assert any("justitie.9" in r for r in report.review)


def test_dangling_next_and_unknown_fact(rules_copy):
    def break_it(d):
        _step(d, "zorg.3")["rules"][0]["then"] = {"next": "zorg.99"}
        _step(d, "zorg.1")["rules"][0]["when"]["bestaat_niet"] = True

    _edit(rules_copy / "zorg.yaml", break_it)
    errors = validate_rules(rules_copy, CORPUS, INGEST_READER).errors
    assert any("zorg.99" in e for e in errors)
    assert any("bestaat_niet" in e for e in errors)


def test_unreachable_step(rules_copy):
    def add(d):
        d["steps"].append({"id": "onderwijs.extra", "title": "Extra", "heading": "Stap 1: Is er een grondslag?",
                           "rules": [{"else": True, "then": {"outcome": "mag_delen"}}]})

    _edit(rules_copy / "onderwijs.yaml", add)
    assert any("onderwijs.extra is onbereikbaar" in e for e in validate_rules(rules_copy, CORPUS, INGEST_READER).errors)


def test_gap_in_a_step_is_a_path_without_outcome(rules_copy):
    _edit(rules_copy / "politie.yaml", lambda d: _step(d, "politie.8")["rules"].pop(1))
    errors = validate_rules(rules_copy, CORPUS, INGEST_READER).errors
    assert any("politie.8" in e and "geen regel van toepassing" in e for e in errors)


def test_schema_error(rules_copy):
    _edit(rules_copy / "gemeenten.yaml", lambda d: _step(d, "gemeenten.1")["rules"][0]["then"].update(outcome="misschien"))
    errors = validate_rules(rules_copy, CORPUS, INGEST_READER).errors
    assert any(e.startswith("gemeenten.yaml") for e in errors)


def test_cycle_is_reported(rules_copy):
    _edit(rules_copy / "justitie.yaml", lambda d: _step(d, "justitie.9")["rules"][0].update(then={"next": "justitie.1"}))
    assert any("lus" in e for e in validate_rules(rules_copy, CORPUS, INGEST_READER).errors)
