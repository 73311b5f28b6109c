"""The shipped suites: they validate, and every key phrase occurs verbatim in the corpus
(after collapsing whitespace), in the document the case names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from deelwijzer.config import PROJECT_ROOT
from evals.backend import manifest_aliases
from evals.metrics import collapse
from evals.schema import load_suite

SUITES = sorted((PROJECT_ROOT / "evals" / "suites").glob("*.yaml"))
CORPUS = PROJECT_ROOT / "corpus"


def _corpus_texts() -> dict[str, str]:
    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
    return {
        d["id"]: collapse((CORPUS / d["source_file"]).read_text(encoding="utf-8"))
        for d in manifest["documents"]
    }


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.name)
def test_suite_validates(path: Path):
    assert load_suite(path).cases


def test_every_key_phrase_is_verbatim_in_its_document():
    aliases = manifest_aliases(CORPUS)
    texts = _corpus_texts()
    missing = []
    checked = 0
    for path in SUITES:
        for case in load_suite(path).cases:
            if case.kind != "retrieval":
                continue
            doc = aliases.get(case.doc)
            assert doc in texts, f"{path.name}:{case.id}: onbekend document {case.doc}"
            for phrase in case.key_phrases:
                checked += 1
                if collapse(phrase) not in texts[doc]:
                    missing.append(f"{path.name}:{case.id}: {phrase!r}")
    assert checked > 100
    assert not missing, "\n".join(missing)


def test_document_references_in_answer_cases_resolve():
    aliases = manifest_aliases(CORPUS)
    for path in SUITES:
        for case in load_suite(path).cases:
            if case.kind == "answer" and case.must_cite_doc:
                assert case.must_cite_doc in aliases, f"{path.name}:{case.id}"


def test_seed_suite_keeps_the_forty_seed_ids():
    suite = load_suite(PROJECT_ROOT / "evals" / "suites" / "seed.yaml")
    ids = {c.id for c in suite.cases}
    assert ids == {f"seed-{i:02d}" for i in range(1, 41)}
    by_kind = {k: len(suite.of_kind(k)) for k in ("retrieval", "answer", "refusal")}
    assert by_kind["retrieval"] == by_kind["answer"] and by_kind["refusal"] >= 1
    assert sum(by_kind.values()) == len(suite.cases)


def test_own_corpus_suite_has_at_least_forty_cases_incl_voorbeelden():
    suite = load_suite(PROJECT_ROOT / "evals" / "suites" / "corpus.yaml")
    assert len(suite.cases) >= 40
    voorbeelden = [c for c in suite.of_kind("verdict") if "voorbeeld" in c.tags]
    assert len(voorbeelden) >= 15
    assert all(c.facts for c in voorbeelden)
    assert {c.kind for c in suite.cases} == {"retrieval", "answer", "verdict", "refusal"}


def test_stappenplan_suites_cover_all_42_testcases():
    for name in ("stappenplannen.yaml", "stappenplannen-vragen.yaml"):
        suite = load_suite(PROJECT_ROOT / "evals" / "suites" / name)
        assert [c.id for c in suite.cases] == [f"TC-{i:02d}" for i in range(1, 43)]
        assert all(c.expected_step for c in suite.cases)


def test_verdict_facts_use_the_fact_dictionary():
    """Every fact in a verdict case is a known fact with a valid value (real rule set)."""
    from deelwijzer.rules import load_rules, validate_facts

    ruleset = load_rules(PROJECT_ROOT / "rules")
    checked = 0
    for path in SUITES:
        for case in load_suite(path).of_kind("verdict"):
            if case.facts is not None:
                validate_facts(ruleset, dict(case.facts), case.plan)  # raises FactError naming the fact
                checked += 1
    assert checked >= 60
