"""Runner, thresholds, exit code, reports and --compare, wired against a named fake backend
(the real backend is exercised in tests/test_evals_real.py)."""

from __future__ import annotations

import argparse
import json

import pytest

from deelwijzer.models import Answer, Chunk, Citation, LLMInfo, Passage, Verdict
from evals import report
from evals.command import configure, main
from evals.compare import Comparison
from evals.runner import run_suite
from evals.schema import RunConfig, parse_suite


def chunk(cid: str, doc: str, text: str, heading: tuple[str, ...] = ("Kop",)) -> Chunk:
    return Chunk(cid, doc, "T", "1", "avg", f"{doc}.txt", heading, 0, text, 0, len(text), "h")


CHUNKS = [
    chunk("a1", "docA", "Drang is een indringende, soms\nconfronterende aanpak.", ("2.5 Drang en dwang",)),
    chunk("a2", "docA", "Iets anders over convenanten."),
    chunk("a3", "docA", "Nogmaals: indringende, soms confronterende aanpak hier."),
    chunk("b1", "docB", "Drang komt ook hier voor: indringende, soms confronterende aanpak."),
]
BY_ID = {c.id: c for c in CHUNKS}


class FakeBackend:
    """A fake with canned rankings, answers and verdicts; only for wiring tests."""

    llm_configured = False

    def __init__(self, rankings=None, answers=None, verdicts=None):
        self.rankings = rankings or {}
        self.answers = answers or {}
        self.verdicts = verdicts or {}
        self.calls: list[tuple] = []

    def search(self, query, k, mode):
        self.calls.append(("search", query, k, mode))
        return [Passage(BY_ID[i], 1.0 / (n + 1), n + 1) for n, i in enumerate(self.rankings[query][:k])]

    def all_chunks(self):
        return CHUNKS

    def ask(self, question, facts=None, history=None):
        self.calls.append(("ask", question) if history is None else ("ask", question, tuple(history)))
        return self.answers[question]

    def evaluate(self, facts, plan=None):
        return self.verdicts[facts["key"]]

    def doc_aliases(self):
        return {"a.txt": "docA"}


def verdict(outcome, step, basis=()):
    return Verdict(outcome, step, tuple(basis), (), None, (), (), None, "test")


def answer(text, refused=False, citations=(), passages=(), v=None):
    return Answer(text, refused, tuple(citations), v, None, {}, LLMInfo("none"), "v1", tuple(passages))


def cite(n, c, text):
    return Citation(n, c.id, c.source_file, c.title, c.version, c.heading_path_str, text)


def suite(cases, thresholds=None, config=None):
    return parse_suite({"name": "t", "cases": cases, "thresholds": thresholds or {}, "config": config or {}}, "t.yaml")


RET = {"kind": "retrieval", "id": "r", "question": "vraag1", "doc": "a.txt", "heading": "X > 2.5 Drang en dwang",
       "key_phrases": ["indringende, soms confronterende aanpak", "niet aanwezig in index"]}


def test_retrieval_scores_against_the_whole_index():
    fake = FakeBackend(rankings={"vraag1": ["b1", "a2", "a1", "a3"]})
    res = run_suite(suite([RET]), fake, RunConfig(top_k=3), progress=False)
    case = res.cases[0]
    # relevance per rank: b1 is the wrong document -> 0; a2 -> 0; a1 -> 1 of 2 phrases = 0.5; a3 -> 0.5
    assert case.scores["recall_at_k"] == 0.5
    assert case.scores["mrr"] == pytest.approx(1 / 3)
    import math
    dcg = 0.5 / math.log2(4) + 0.5 / math.log2(5)
    idcg = 0.5 + 0.5 / math.log2(3)  # a1 and a3 are the only chunks with a phrase
    assert case.scores["ndcg_at_10"] == pytest.approx(dcg / idcg)
    assert case.scores["heading_hit_rate"] == 1.0  # a1 (rank 3) carries the heading
    assert not case.passed
    assert any("geen enkele chunk" in r and "niet aanwezig" in r for r in case.reasons)
    assert fake.calls[0] == ("search", "vraag1", 10, None)  # fetches 10 for nDCG@10


def test_answer_checks_citations_must_cite_and_must_not_contain():
    a1, a2, b1 = BY_ID["a1"], BY_ID["a2"], BY_ID["b1"]
    good = answer(
        "Drang is een indringende aanpak. Ja, dat mag.",
        citations=[cite(1, a1, "indringende, soms confronterende"), cite(2, a2, "staat er niet in"), cite(3, b1, "Drang")],
        passages=[Passage(a1, 1.0), Passage(a2, 0.5)],
    )
    fake = FakeBackend(answers={"vraag": good, "weiger": answer("Dat staat niet in de handvatten.", refused=True)})
    cases = [
        {"kind": "answer", "id": "a", "question": "vraag", "reference_answer": "Drang is een indringende aanpak",
         "must_cite_doc": "a.txt", "must_cite_heading": "2.5 Drang en dwang", "must_not_contain": ["ja, dat mag"]},
        {"kind": "answer", "id": "b", "question": "weiger", "must_cite_doc": "docA"},
        {"kind": "refusal", "id": "c", "question": "weiger"},
    ]
    res = run_suite(suite(cases), fake, RunConfig(), progress=False)
    a, b, c = res.cases
    assert any("niet in chunk a2" in r for r in a.reasons)
    assert any("b1 is niet opgehaald" in r for r in a.reasons)
    assert any("bevat wat niet mag" in r for r in a.reasons)
    assert a.scores["must_cite"] == 1.0 and a.scores["key_fact_overlap"] == 1.0
    assert res.metrics["citation_validity"] == pytest.approx(1 / 3)
    assert b.scores["false_refusal"] == 1.0 and "ten onrechte geweigerd" in b.reasons[0]
    assert c.passed and res.metrics["refusal_rate"] == 1.0
    assert res.metrics["false_refusal_rate"] == 0.5
    assert [x for x in fake.calls if x[0] == "ask"].count(("ask", "weiger")) == 1  # answer shared per question


def test_verdict_accuracy_step_basis_and_confusion():
    fake = FakeBackend(
        verdicts={
            1: verdict("mag_delen", "justitie.3.j", ["artikel 161 Sv"]),
            2: verdict("mag_niet_delen", "zorg.2"),
        },
        answers={"vraag?": answer("...", v=None)},
    )
    cases = [
        {"kind": "verdict", "id": "v1", "facts": {"key": 1}, "expected_outcome": "mag_delen",
         "expected_step": "justitie.3", "expected_basis": ["art. 161 Sv"]},
        {"kind": "verdict", "id": "v2", "facts": {"key": 2}, "expected_outcome": "mag_delen", "expected_step": "zorg.2"},
        {"kind": "verdict", "id": "v3", "question": "vraag?", "expected_outcome": "ander_stappenplan"},
    ]
    res = run_suite(suite(cases), fake, RunConfig(), progress=False)
    v1, v2, v3 = res.cases
    assert v1.passed and v1.scores["basis_accuracy"] == 1.0
    assert not v2.passed and "uitkomst mag_niet_delen, verwacht mag_delen" in v2.reasons
    assert v3.details["predicted"] == "geen_oordeel"
    assert res.metrics["verdict_accuracy"] == pytest.approx(1 / 3)
    assert res.metrics["deciding_step_accuracy"] == 1.0
    assert res.confusion["mag_delen"]["mag_niet_delen"] == 1
    assert res.confusion["ander_stappenplan"]["geen_oordeel"] == 1


def test_a_crashing_backend_fails_the_case_with_its_reason():
    class Broken(FakeBackend):
        def search(self, query, k, mode):
            raise RuntimeError("index weg")

    res = run_suite(suite([RET]), Broken(), RunConfig(), progress=False)
    assert not res.cases[0].passed and "RuntimeError: index weg" in res.cases[0].reasons[0]


def _args(tmp_path, *suites, **kw):
    parser = argparse.ArgumentParser()
    configure(parser)
    argv = [str(s) for s in suites]
    if kw.get("report"):
        argv += ["--report", str(tmp_path / "out")]
    if kw.get("json"):
        argv.append("--json")
    if kw.get("compare"):
        argv += ["--compare", *kw["compare"]]
    return parser.parse_args(argv + ["--no-progress"])


def _write(tmp_path, name, cases, thresholds):
    import yaml

    p = tmp_path / f"{name}.yaml"
    p.write_text(yaml.safe_dump({"name": name, "cases": cases, "thresholds": thresholds}), encoding="utf-8")
    return p


def test_exit_code_follows_thresholds_and_reports_are_written(tmp_path, capsys):
    fake = FakeBackend(rankings={"vraag1": ["a1", "a3", "a2"]})
    ret = {**RET, "key_phrases": ["indringende, soms confronterende aanpak"]}
    ok = _write(tmp_path, "ok", [ret], {"recall_at_k": 1.0, "mrr": 1.0})
    bad = _write(tmp_path, "bad", [ret], {"ndcg_at_10": {"min": 0.9999, "max": 1.0}, "latency_p95_ms": 0.0})
    factory = lambda cfg: (fake, 8)  # noqa: E731
    assert main(_args(tmp_path, ok), backend_factory=factory) == 0
    assert "| Recall@k" in capsys.readouterr().out  # the summary table on stdout
    assert main(_args(tmp_path, ok, bad, report=True, json=True), backend_factory=factory) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False
    thr = {t["metric"]: t["ok"] for t in data["suites"][1]["thresholds"]}
    assert thr["latency_p95_ms"] is False
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "DREMPELS NIET GEHAALD" in md and "| Recall@k" in md
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<script" not in html and "http" not in html.split("</style>")[0]
    assert 'class="bar"' in html
    # A suite that does not validate is exit code 2.
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\ncases: []\n", encoding="utf-8")
    assert main(_args(tmp_path, broken), backend_factory=factory) == 2


def test_report_puts_failures_first_with_reasons():
    fake = FakeBackend(rankings={"vraag1": ["a2"], "vraag2": ["a1"]})
    s = suite([{**RET, "id": "zz-faalt"}, {**RET, "id": "aa-slaagt", "question": "vraag2",
                                            "key_phrases": ["indringende, soms confronterende aanpak"]}])
    res = run_suite(s, fake, RunConfig(), progress=False)
    html = report.to_html([res])
    assert html.index("retrieval:zz-faalt") < html.index("Metrieken") < html.index("retrieval:aa-slaagt")
    assert "sleutelzin niet in top-8" in html
    md = report.to_markdown([res], command="deelwijzer eval t.yaml")
    assert md.index("Mislukte cases (1)") < md.index("Geslaagde cases (1)")
    assert "`deelwijzer eval t.yaml`" in md


def test_compare_runs_both_configs_on_the_same_cases(tmp_path, capsys):
    fakes = {
        "dense": FakeBackend(rankings={"vraag1": ["a2", "a1"]}),
        "bm25": FakeBackend(rankings={"vraag1": ["a1", "a2"]}),
    }
    ret = {**RET, "key_phrases": ["indringende, soms confronterende aanpak"]}
    p = _write(tmp_path, "s", [ret], {})
    factory = lambda cfg: (fakes[cfg.retrieval_mode], 8)  # noqa: E731
    code = main(_args(tmp_path, p, report=True, compare=["retrieval_mode=dense", "retrieval_mode=bm25"]),
                backend_factory=factory)
    assert code == 0
    out = capsys.readouterr().out
    assert "| s | MRR | 0.500 | 1.000 | +0.500 |" in out
    assert (tmp_path / "out" / "compare.html").is_file()
    assert fakes["dense"].calls[0][3] == "dense" and fakes["bm25"].calls[0][3] == "bm25"


def test_comparison_lists_cases_that_flip():
    fake_a = FakeBackend(rankings={"vraag1": ["a2"]})
    fake_b = FakeBackend(rankings={"vraag1": ["a1"]})
    s = suite([{**RET, "key_phrases": ["indringende, soms confronterende aanpak"]}])
    comp = Comparison("A", "B", [run_suite(s, fake_a, RunConfig(), progress=False)],
                      [run_suite(s, fake_b, RunConfig(), progress=False)])
    assert comp.changed_cases() == [("t", "retrieval:r", False, True)]
    assert comp.to_dict()["deltas"][0]["delta"] == 1.0


class FakeJudgeLLM:
    """Stands in for a chat model acting as judge; returns a fixed score."""

    def __init__(self, reply: str):
        self.reply = reply
        self.prompts = []

    def invoke(self, messages):
        from langchain_core.messages import AIMessage

        self.prompts.append(messages)
        return AIMessage(self.reply)


def test_model_judged_faithfulness_is_labelled_and_only_with_a_judge():
    a1 = BY_ID["a1"]
    fake = FakeBackend(answers={"vraag": answer("Drang is indringend.", passages=[Passage(a1, 1.0)])})
    case = [{"kind": "answer", "id": "a", "question": "vraag"}]
    res = run_suite(suite(case), fake, RunConfig(), progress=False)
    assert res.metrics["faithfulness_model_judged"] is None and not res.notes
    fake.judge = FakeJudgeLLM("Score: 0,75")
    res = run_suite(suite(case), fake, RunConfig(), progress=False)
    assert res.metrics["faithfulness_model_judged"] == 0.75
    assert "MODEL-BEOORDEELD" in res.notes[0]
    assert "MODEL-BEOORDEELD" in report.to_html([res])
    assert "confronterende aanpak" in fake.judge.prompts[0][1].content  # the passages were shown


def test_parse_score():
    from evals.judge import parse_score

    assert parse_score("0.8") == 0.8 and parse_score("score 1") == 1.0 and parse_score("geen") is None


def test_answer_scores_the_answering_passage_key_phrase_and_first_cited_line():
    """Issue 13: key phrase of the answering passage in the answer; first [n] from its section."""
    a1, a2 = BY_ID["a1"], BY_ID["a2"]
    right = answer("Kort antwoord: Drang is een Indringende, soms confronterende aanpak. [1]\n- Iets anders. [2]",
                   citations=[cite(1, a1, "x"), cite(2, a2, "y")], passages=[Passage(a1, 1.0), Passage(a2, 0.5)])
    wrong = answer("Kort antwoord: Iets anders over convenanten. [1]\n- Drang. [2]",
                   citations=[cite(1, a2, "x"), cite(2, a1, "y")], passages=[Passage(a2, 1.0), Passage(a1, 0.5)])
    refused = answer("Dit staat niet in de handvatten.", refused=True)
    fake = FakeBackend(answers={"goed": right, "fout": wrong, "weiger": refused})
    base = {"kind": "answer", "doc": "a.txt", "heading": "2.5 Drang en dwang",
            "key_phrases": ["indringende, soms confronterende aanpak"]}
    cases = [{**base, "id": "g", "question": "goed"}, {**base, "id": "f", "question": "fout"},
             {**base, "id": "w", "question": "weiger"},
             {**base, "id": "h", "question": "goed", "history": ["Een eerdere vraag?"]}]
    res = run_suite(suite(cases), fake, RunConfig(), progress=False)
    by = {c.id: c.scores for c in res.cases}
    assert by["g"]["key_phrase_in_answer"] == 1.0 and by["g"]["first_bullet_from_section"] == 1.0
    assert by["f"]["key_phrase_in_answer"] == 0.0 and by["f"]["first_bullet_from_section"] == 0.0
    assert by["w"]["key_phrase_in_answer"] == 0.0 and by["w"]["first_bullet_from_section"] == 0.0
    assert res.metrics["key_phrase_in_answer"] == pytest.approx(2 / 4)
    assert ("ask", "goed", ("Een eerdere vraag?",)) in fake.calls  # follow-up cases pass their history
