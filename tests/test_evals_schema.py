"""Suite validation: good suites load, bad ones fail with a message that names the problem."""

import pytest

from evals.schema import RunConfig, SuiteError, load_suite, parse_config, parse_suite

GOOD = {
    "name": "mini",
    "config": {"retrieval_mode": "bm25", "top_k": 5},
    "thresholds": {"recall_at_k": 0.5, "latency_p95_ms": 2000, "verdict_accuracy": {"min": 0.9}},
    "cases": [
        {"kind": "retrieval", "id": "r1", "question": "Wat is drang?", "doc": "veiligheidshuizen", "key_phrases": ["drang"]},
        {"kind": "answer", "id": "r1", "question": "Wat is drang?", "must_not_contain": ["x"]},
        {"kind": "verdict", "id": "v1", "facts": {"rol": "om"}, "expected_outcome": "mag_delen"},
        {"kind": "verdict", "id": "v2", "question": "Mag ik delen?", "expected_outcome": "ander_stappenplan"},
        {"kind": "refusal", "id": "o1", "question": "Wat kost een fiets?"},
    ],
}


def test_good_suite_loads_with_shorthand_thresholds():
    suite = parse_suite(GOOD, "mini.yaml")
    assert [c.kind for c in suite.cases] == ["retrieval", "answer", "verdict", "verdict", "refusal"]
    assert suite.thresholds["recall_at_k"].min == 0.5
    assert suite.thresholds["latency_p95_ms"].max == 2000  # latency shorthand is a maximum
    assert suite.config.top_k == 5


def test_bad_yaml_reports_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("name: x\ncases:\n  - kind: refusal\n    question: [niet gesloten\n", encoding="utf-8")
    with pytest.raises(SuiteError, match=r"bad.yaml: geen geldige YAML \(regel \d+"):
        load_suite(p)


def test_unknown_field_names_the_case():
    raw = {**GOOD, "cases": [{"kind": "refusal", "id": "o1", "question": "Wat kost een fiets?", "qeustion": "typo"}]}
    with pytest.raises(SuiteError) as err:
        parse_suite(raw, "s.yaml")
    assert "id='o1'" in str(err.value) and "qeustion" in str(err.value)


@pytest.mark.parametrize(
    "case, fragment",
    [
        ({"kind": "verdict", "id": "v", "expected_outcome": "mag_delen"}, "facts` or `question"),
        ({"kind": "verdict", "id": "v", "facts": {}, "expected_outcome": "misschien"}, "expected_outcome"),
        ({"kind": "retrieval", "id": "r", "question": "Wat?", "doc": "d", "key_phrases": []}, "key_phrases"),
        ({"kind": "onbekend", "id": "x"}, "kind"),
    ],
)
def test_invalid_cases_are_rejected(case, fragment):
    with pytest.raises(SuiteError, match="ongeldige suite") as err:
        parse_suite({"name": "s", "cases": [case]}, "s.yaml")
    assert fragment in str(err.value)


def test_duplicate_ids_and_unknown_metrics_are_rejected():
    dup = {"name": "s", "cases": [GOOD["cases"][4], GOOD["cases"][4]]}
    with pytest.raises(SuiteError, match="duplicate case id refusal:o1"):
        parse_suite(dup, "s.yaml")
    with pytest.raises(SuiteError, match="unknown metric"):
        parse_suite({**GOOD, "thresholds": {"recal": 0.5}}, "s.yaml")
    with pytest.raises(SuiteError, match="mapping"):
        parse_suite(["not", "a", "mapping"], "s.yaml")


def test_parse_config_inline_and_file(tmp_path):
    cfg = parse_config("retrieval_mode=dense,top_k=3")
    assert cfg.retrieval_mode == "dense" and cfg.top_k == 3
    f = tmp_path / "b.yaml"
    f.write_text("retrieval_mode: bm25\n", encoding="utf-8")
    assert parse_config(str(f)) == RunConfig(name="b", retrieval_mode="bm25")
    with pytest.raises(SuiteError, match="geldige sleutels"):
        parse_config("retrieval_mod=dense")
    with pytest.raises(SuiteError, match="key=value"):
        parse_config("dense")


def test_config_merge_prefers_override():
    base = RunConfig(retrieval_mode="hybrid", top_k=8)
    merged = base.merged(RunConfig(retrieval_mode="dense"))
    assert merged.retrieval_mode == "dense" and merged.top_k == 8
    assert merged.label() == "retrieval_mode=dense,top_k=8"
