"""Run a suite's cases against a Backend, score each case, aggregate metrics, check thresholds."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from deelwijzer.rules.facts import DECLINED_VALUE as DECLINED  # the simulated user's "weet ik niet" (--facts)
from evals import metrics as M
from evals.backend import Backend
from evals.schema import (
    LOWER_IS_BETTER,
    OUTCOMES,
    AnswerCase,
    RefusalCase,
    RetrievalCase,
    RunConfig,
    Suite,
    VerdictCase,
)

NO_VERDICT = "geen_oordeel"
NDCG_K = 10
# A dialogue that has not ended after this many questions counts as failed (a loop).
DIALOGUE_LIMIT = 30
UNKNOWN_ANSWER = "weet ik niet"


@dataclass
class CaseResult:
    kind: str
    id: str
    question: str
    passed: bool
    reasons: list[str] = field(default_factory=list)
    scores: dict[str, float | None] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    latency_ms: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class ThresholdResult:
    metric: str
    min: float | None
    max: float | None
    value: float | None
    ok: bool


@dataclass
class SuiteResult:
    suite: str
    path: str
    config: dict[str, Any]
    k: int
    cases: list[CaseResult]
    metrics: dict[str, float | None]
    confusion: dict[str, dict[str, int]]
    thresholds: list[ThresholdResult]
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(t.ok for t in self.thresholds)

    def failures(self) -> list[CaseResult]:
        return [c for c in self.cases if not c.passed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "path": self.path,
            "config": self.config,
            "k": self.k,
            "passed": self.passed,
            "metrics": self.metrics,
            "thresholds": [asdict(t) for t in self.thresholds],
            "confusion": self.confusion,
            "notes": self.notes,
            "cases": [{**asdict(c), "key": c.key} for c in self.cases],
        }


# --- helpers -------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return M.collapse(text).casefold()


def _heading_tail(heading: str) -> str:
    """Seed headings give parents as 'A > B'; the chunk's heading path must hold the last part."""
    return _norm(heading.split(" > ")[-1])


_ART = re.compile(r"\bartikel\b|\bartikelen\b|\bart\b\.?")


def _norm_basis(text: str) -> str:
    text = _ART.sub("art", text.casefold())
    return re.sub(r"[\s.]+", "", text)


def _basis_matches(expected: str, got: tuple[str, ...] | list[str]) -> bool:
    want = _norm_basis(expected)
    return any(want in _norm_basis(g) or _norm_basis(g) in want for g in got if g)


def _step_matches(expected: str, got: str | None) -> bool:
    # "justitie.3" accepts "justitie.3.j": the expectation may name the step, the engine the variant.
    return bool(got) and (got == expected or got.startswith(expected + "."))


class _ChunkIndex:
    """Collapsed chunk texts per document, computed once per run (for ideal nDCG and diagnostics)."""

    def __init__(self, chunks: list[Any]):
        self.by_doc: dict[str, list[str]] = {}
        for c in chunks:
            self.by_doc.setdefault(c.doc_id, []).append(M.collapse(c.text))

    def gains(self, doc_id: str, phrases: list[str]) -> tuple[list[float], list[str]]:
        """Gain of every chunk of the document, and the phrases no chunk contains at all."""
        texts = self.by_doc.get(doc_id, [])
        gains = [sum(p in t for p in phrases) / len(phrases) for t in texts]
        missing = [p for p in phrases if not any(p in t for t in texts)]
        return [g for g in gains if g > 0], missing


# --- per-kind scoring ---------------------------------------------------------------------------


class Runner:
    def __init__(self, backend: Backend, config: RunConfig, default_k: int = 8):
        self.backend = backend
        self.config = config
        self.k = config.top_k or default_k
        self.mode = config.retrieval_mode
        self.aliases = backend.doc_aliases()
        self._index: _ChunkIndex | None = None
        self._answers: dict[tuple[str, str], Any] = {}

    @property
    def index(self) -> _ChunkIndex:
        if self._index is None:
            self._index = _ChunkIndex(self.backend.all_chunks())
        return self._index

    def doc_id(self, name: str | None) -> str | None:
        if not name:
            return None
        return self.aliases.get(name, name)

    def _ask(self, question: str, facts: dict | None, history: tuple[str, ...] = ()) -> tuple[Any, float]:
        # Answer and refusal cases on the same question share one call; latency is the first call's.
        key = (question, repr(sorted((facts or {}).items())), tuple(history))
        if key not in self._answers:
            t0 = time.perf_counter()
            if history:
                ans = self.backend.ask(question, facts=facts, history=list(history))
            else:
                ans = self.backend.ask(question, facts=facts)
            self._answers[key] = (ans, (time.perf_counter() - t0) * 1000)
        return self._answers[key]

    def run_case(self, case: Any) -> CaseResult:
        handler: Callable[[Any], CaseResult] = {
            "retrieval": self._retrieval,
            "answer": self._answer,
            "verdict": self._verdict,
            "refusal": self._refusal,
        }[case.kind]
        try:
            return handler(case)
        except Exception as err:  # a crash is a failed case with its reason, not a dead run
            return CaseResult(
                case.kind, case.id, getattr(case, "question", None) or "", False,
                [f"fout tijdens uitvoeren: {type(err).__name__}: {err}"],
            )

    def _retrieval(self, case: RetrievalCase) -> CaseResult:
        doc = self.doc_id(case.doc)
        phrases = [M.collapse(p) for p in case.key_phrases]
        t0 = time.perf_counter()
        passages = self.backend.search(case.question, max(self.k, NDCG_K), self.mode)
        latency = (time.perf_counter() - t0) * 1000
        texts = [M.collapse(p.chunk.text) for p in passages]
        same_doc = [p.chunk.doc_id == doc for p in passages]
        rels = [
            (sum(ph in t for ph in phrases) / len(phrases)) if ok else 0.0
            for t, ok in zip(texts, same_doc)
        ]
        top_k = range(min(self.k, len(passages)))
        found = {ph for i in top_k if same_doc[i] for ph in phrases if ph in texts[i]}
        recall = len(found) / len(phrases)
        ideal, unfindable = self.index.gains(doc, phrases)
        tail = _heading_tail(case.heading) if case.heading else ""
        heading_hit = (
            any(same_doc[i] and tail in _norm(passages[i].chunk.heading_path_str) for i in top_k)
            if tail
            else None
        )
        first = next((i + 1 for i, r in enumerate(rels) if r > 0), None)
        scores = {
            "recall_at_k": recall,
            "hit_at_k": 1.0 if any(rels[i] > 0 for i in top_k) else 0.0,
            "mrr": M.reciprocal_rank(rels[:NDCG_K]),
            "ndcg_at_10": M.ndcg_at_k(rels, ideal or [1.0], NDCG_K),
            "heading_hit_rate": None if heading_hit is None else float(heading_hit),
        }
        reasons = []
        for ph in phrases:
            if ph in unfindable:
                reasons.append(f"sleutelzin staat in geen enkele chunk van {doc} (knip/schoonmaak?): {ph!r}")
            elif ph not in found:
                reasons.append(f"sleutelzin niet in top-{self.k}: {ph!r}")
        if reasons:
            reasons.append(
                f"eerste relevante passage op rang {first}" if first else f"geen passage uit {doc} met een sleutelzin in de top-{NDCG_K}"
            )
        details = {
            "expected_doc": doc,
            "first_relevant_rank": first,
            "top": [
                {"rank": i + 1, "doc_id": p.chunk.doc_id, "heading": p.chunk.heading_path_str, "chunk_id": p.chunk.id}
                for i, p in enumerate(passages[: self.k])
            ],
        }
        return CaseResult("retrieval", case.id, case.question, recall == 1.0, reasons, scores, details, latency)

    def _citation_doc(self, citation: Any, by_id: dict[str, Any]) -> str | None:
        passage = by_id.get(citation.chunk_id)
        if passage is not None:
            return passage.chunk.doc_id
        return self.doc_id(citation.source_file)

    def _answer(self, case: AnswerCase) -> CaseResult:
        ans, latency = self._ask(case.question, case.facts, case.history)
        reasons: list[str] = []
        scores: dict[str, float | None] = {"false_refusal": 1.0 if ans.refused else 0.0}
        by_id = {p.chunk.id: p for p in ans.passages}
        if ans.refused:
            reasons.append("ten onrechte geweigerd: de vraag is te beantwoorden uit de handvatten")
        # Citation validity: every cited chunk was retrieved and contains the quoted text.
        valid = 0
        for c in ans.citations:
            p = by_id.get(c.chunk_id)
            if p is None:
                reasons.append(f"bron [{c.n}] {c.chunk_id} is niet opgehaald")
            elif c.text and not M.contains(p.chunk.text, c.text):
                reasons.append(f"bron [{c.n}]: geciteerde tekst staat niet in chunk {c.chunk_id}")
            else:
                valid += 1
        scores["citations_total"] = float(len(ans.citations))
        scores["citations_valid"] = float(valid)
        if case.must_cite_doc or case.must_cite_heading:
            want_doc = self.doc_id(case.must_cite_doc)
            cited = [c for c in ans.citations if want_doc is None or self._citation_doc(c, by_id) == want_doc]
            ok = bool(cited)
            if ok and case.must_cite_heading:
                tail = _heading_tail(case.must_cite_heading)
                ok = any(tail in _norm(c.heading_path) for c in cited)
            scores["must_cite"] = float(ok)
            if not ok:
                what = " › ".join(x for x in (want_doc, case.must_cite_heading) if x)
                reasons.append(f"bron ontbreekt: {what}")
        text_norm = _norm(ans.answer)
        bad = [s for s in case.must_not_contain if _norm(s) in text_norm]
        if case.must_not_contain:
            scores["must_not_contain"] = 0.0 if bad else 1.0
        for s in bad:
            reasons.append(f"antwoord bevat wat niet mag: {s!r}")
        if case.reference_answer and not ans.refused:
            scores["key_fact_overlap"] = M.key_fact_overlap(case.reference_answer, ans.answer)
        if case.key_phrases:
            self._score_answering_passage(case, ans, by_id, scores, reasons)
        judge = getattr(self.backend, "judge", None)
        if judge is not None and not ans.refused and ans.answer.strip():
            from evals.judge import judge_faithfulness

            scores["faithfulness_model_judged"] = judge_faithfulness(judge, ans.answer, ans.passages)
        details = {
            "answer": ans.answer[:600],
            "refused": ans.refused,
            "citations": [{"n": c.n, "chunk_id": c.chunk_id, "heading": c.heading_path} for c in ans.citations],
        }
        return CaseResult("answer", case.id, case.question, not reasons, reasons, scores, details, latency)

    def _dialogue(self, case: VerdictCase) -> CaseResult:
        """The case as a conversation: ask the question, then let a simulated user answer every
        fact the assistant asks from the case's facts (or "weet ik niet" when the case does not give
        it: that fact stays unknown and the engine asks the next open fact), until a verdict, a
        question only a declined fact could answer, a fact asked twice, or DIALOGUE_LIMIT questions.
        The reference is the engine's verdict on the case's full facts; agreement with the expected
        outcome is reported beside it."""
        full = self.backend.evaluate(dict(case.facts or {}), case.plan)
        t0 = time.perf_counter()
        one_shot, _ = self._ask(case.question or "", None)
        given: dict[str, Any] = {}
        facts = dict(case.facts or {})
        # `plan` in a case is the stappenplan the user picks in the panel's selector, from the start.
        if "plan" in facts:
            given["plan"] = facts["plan"]
            ans, _ = self._ask(case.question or "", dict(given))
        else:
            ans = one_shot
        asked: list[str] = []
        turns: list[dict[str, Any]] = []
        end = "oordeel"
        derived = self._derived()
        while True:
            verdict = ans.verdict
            if verdict is None:
                end = "geweigerd" if ans.refused else "geen stappenplan"
                break
            if verdict.outcome != "meer_informatie_nodig" or verdict.vraag is None:
                break
            fact = verdict.vraag.fact
            if given.get(fact) == DECLINED:
                # Every open question was answered "weet ik niet": the engine cannot go on (the
                # engine on the case's facts stops at the same open fact).
                end = f"{fact}: {UNKNOWN_ANSWER}"
                break
            asked.append(fact)
            if fact in given:
                end = f"lus: {fact} opnieuw gevraagd"
                break
            if fact in facts:
                given[fact] = facts[fact]
                turns.append({"vraag": fact, "antwoord": given[fact]})
            else:
                # The case may give the summary fact the asked one feeds (e.g. conflict_van_plichten
                # for gewetensnood): the user answers at that level, as the panel allows ("Weet u het
                # antwoord op de hele vraag?").
                summary = [d for d, inputs in derived.items()
                           if fact in inputs and d in facts and d not in given]
                # ... or, when the asked fact is itself computed from others, the parts the case gives
                summary += [i for i in sorted(derived.get(fact, ())) if i in facts and i not in given]
                if not summary:
                    # "weet ik niet": the fact stays unknown, the engine asks the next open fact (a
                    # later ground) when there is one and never decides on this one.
                    turns.append({"vraag": fact, "antwoord": UNKNOWN_ANSWER})
                    given[fact] = DECLINED
                else:
                    for d in summary:
                        given[d] = facts[d]
                    turns.append({"vraag": fact, "antwoord": {d: facts[d] for d in summary}})
            if len(asked) >= DIALOGUE_LIMIT:
                end = "limiet"
                break
            ans, _ = self._ask(case.question or "", dict(given))
        latency = (time.perf_counter() - t0) * 1000
        verdict = ans.verdict
        got = verdict.outcome if verdict else NO_VERDICT
        got_vraag = verdict.vraag.fact if verdict and verdict.vraag else None
        ref_vraag = full.vraag.fact if full.vraag else None
        same = got == full.outcome and (got != "meer_informatie_nodig" or got_vraag == ref_vraag)
        reasons: list[str] = []
        if not same:
            reasons.append(f"dialoog eindigt in {got}" + (f" (vraag {got_vraag})" if got_vraag else "")
                           + f", de engine op alle feiten geeft {full.outcome}"
                           + (f" (vraag {ref_vraag})" if ref_vraag else "") + f"; einde: {end}")
        stated = set(case.stated_facts)
        reasked = [f for f in asked if f in stated]
        if reasked:
            reasons.append(f"al in de vraag genoemd en toch gevraagd: {', '.join(reasked)}")
        if got == "meer_informatie_nodig" and got_vraag is None and verdict and verdict.plan is None:
            reasons.append("geen stappenplan en geen vraag naar de rol")
        # Facts the question gave (stated or assumed) that contradict the case's facts.
        extracted = dict(one_shot.facts or {})
        wrong = {k: v for k, v in extracted.items() if k in facts and facts[k] != v}
        if wrong:
            reasons.append("uit de vraag afgeleid maar anders in de case: "
                           + ", ".join(f"{k}={v!r} (case: {facts[k]!r})" for k, v in wrong.items()))
        # Diagnostic: the engine on the case's facts stops at a fact the case leaves implicit, which the
        # dialogue had as a shown assumption the case does not contradict (e.g. is_persoonsgegeven), so
        # the dialogue went further than the case's facts. Reported beside the gate, never counted as agreement.
        assumed = dict(getattr(ans, "assumed", None) or {})
        by_assumption = (not same and full.outcome == "meer_informatie_nodig" and ref_vraag in assumed
                         and ref_vraag not in facts)
        one = one_shot.verdict.outcome if one_shot.verdict else NO_VERDICT
        scores: dict[str, float | None] = {
            "verdict_accuracy": float(got == case.expected_outcome),
            "dialogue_verdict_accuracy": float(same),
            "dialogue_expected_agreement": float(got == case.expected_outcome),
            "engine_expected_agreement": float(full.outcome == case.expected_outcome),
            "oneshot_verdict_accuracy": float(one == case.expected_outcome),
            "questions_asked": float(len(asked)),
            "stated_facts_reasked": float(len(reasked)),
            "extracted_fact_errors": float(len(wrong)),
            "dialogue_past_case_by_assumption": float(by_assumption),
        }
        if case.expected_step and full.outcome == case.expected_outcome:
            step = verdict.beslissende_stap if verdict else None
            scores["deciding_step_accuracy"] = float(_step_matches(case.expected_step, step))
        if full.outcome != case.expected_outcome:
            reasons.append(f"NB: de engine op alle feiten geeft {full.outcome}, verwacht {case.expected_outcome} "
                           "(regelvraag, niet de dialoog)")
        details = {
            "route": "dialoog",
            "expected": case.expected_outcome,
            "predicted": got,
            "engine_full": full.outcome,
            "engine_full_step": full.beslissende_stap,
            "step": verdict.beslissende_stap if verdict else None,
            "vraag": got_vraag,
            "oneshot": one,
            "oneshot_vraag": one_shot.verdict.vraag.fact if one_shot.verdict and one_shot.verdict.vraag else None,
            "asked": asked,
            "turns": turns,
            "end": end,
            "stated_reasked": reasked,
            "extracted": {k: v for k, v in extracted.items()},
            "refused_first": bool(one_shot.refused),
        }
        passed = same and not reasked
        return CaseResult("verdict", case.id, case.question or "", passed, reasons, scores, details, latency)

    def _derived(self) -> dict[str, set[str]]:
        if not hasattr(self, "_derived_cache"):
            fn = getattr(self.backend, "derived_inputs", None)
            self._derived_cache = fn() if fn else {}
        return self._derived_cache

    def _score_answering_passage(self, case: AnswerCase, ans: Any, by_id: dict[str, Any],
                                 scores: dict[str, float | None], reasons: list[str]) -> None:
        """Issue 13: does the answer carry the answering passage's key phrase, and does its first
        cited line come from the answering section (document + heading)? Diagnostic, not a pass gate."""
        text = _norm(ans.answer)
        hit = any(_norm(p) in text for p in case.key_phrases)
        scores["key_phrase_in_answer"] = float(hit and not ans.refused)
        first = M.first_cited_number(ans.answer)
        cited = {c.n: c for c in ans.citations}
        ok = False
        if first is not None and first in cited and not ans.refused:
            c = cited[first]
            want_doc = self.doc_id(case.doc)
            same_doc = want_doc is None or self._citation_doc(c, by_id) == want_doc
            tail = _heading_tail(case.heading) if case.heading else ""
            ok = same_doc and (not tail or tail in _norm(c.heading_path))
        scores["first_bullet_from_section"] = float(ok)

    def _verdict(self, case: VerdictCase) -> CaseResult:
        if case.facts is not None and case.question:
            return self._dialogue(case)
        t0 = time.perf_counter()
        if case.facts is not None:
            verdict = self.backend.evaluate(dict(case.facts), case.plan)
            latency = (time.perf_counter() - t0) * 1000
            route = "feiten"
        else:
            ans, latency = self._ask(case.question or "", None)
            verdict = ans.verdict
            route = "vraag"
        got = verdict.outcome if verdict else NO_VERDICT
        step = verdict.beslissende_stap if verdict else None
        basis = tuple(verdict.basis) if verdict else ()
        reasons = []
        if got != case.expected_outcome:
            reasons.append(f"uitkomst {got}, verwacht {case.expected_outcome}")
        scores: dict[str, float | None] = {"verdict_accuracy": float(got == case.expected_outcome)}
        if case.expected_step:
            ok = _step_matches(case.expected_step, step)
            scores["deciding_step_accuracy"] = float(ok)
            if not ok:
                reasons.append(f"beslissende stap {step}, verwacht {case.expected_step}")
        if case.expected_basis:
            missing = [b for b in case.expected_basis if not _basis_matches(b, basis)]
            scores["basis_accuracy"] = float(not missing)
            if missing:
                reasons.append(f"grondslag ontbreekt: {', '.join(missing)} (kreeg: {', '.join(basis) or '-'})")
        details = {
            "route": route,
            "expected": case.expected_outcome,
            "predicted": got,
            "step": step,
            "basis": list(basis),
            "vraag": verdict.vraag.fact if verdict and verdict.vraag else None,
        }
        # Basis wording differs between sources; the case passes on outcome and deciding step.
        passed = got == case.expected_outcome and scores.get("deciding_step_accuracy", 1.0) == 1.0
        return CaseResult("verdict", case.id, case.question or "", passed, reasons, scores, details, latency)

    def _refusal(self, case: RefusalCase) -> CaseResult:
        ans, latency = self._ask(case.question, None)
        reasons = [] if ans.refused else ["niet geweigerd: de vraag valt buiten de handvatten"]
        details = {"answer": ans.answer[:400], "citations": len(ans.citations)}
        return CaseResult(
            "refusal", case.id, case.question, ans.refused, reasons,
            {"refused": float(ans.refused)}, details, latency,
        )


# --- aggregation ----------------------------------------------------------------------------


def _mean_of(results: list[CaseResult], key: str) -> float | None:
    return M.mean(r.scores[key] for r in results if r.scores.get(key) is not None)


def aggregate(results: list[CaseResult]) -> tuple[dict[str, float | None], dict[str, dict[str, int]]]:
    by_kind: dict[str, list[CaseResult]] = {}
    for r in results:
        by_kind.setdefault(r.kind, []).append(r)
    ret, ans, ver, ref = (by_kind.get(k, []) for k in ("retrieval", "answer", "verdict", "refusal"))
    m: dict[str, float | None] = {}
    for key in ("recall_at_k", "hit_at_k", "mrr", "ndcg_at_10", "heading_hit_rate"):
        m[key] = _mean_of(ret, key)
    m["verdict_accuracy"] = _mean_of(ver, "verdict_accuracy")
    m["deciding_step_accuracy"] = _mean_of(ver, "deciding_step_accuracy")
    m["basis_accuracy"] = _mean_of(ver, "basis_accuracy")
    m["refusal_rate"] = _mean_of(ref, "refused")
    m["false_refusal_rate"] = _mean_of(ans, "false_refusal")
    total = sum(r.scores.get("citations_total") or 0 for r in ans)
    valid = sum(r.scores.get("citations_valid") or 0 for r in ans)
    m["citation_validity"] = valid / total if total else None
    m["must_cite_rate"] = _mean_of(ans, "must_cite")
    m["must_not_contain_rate"] = _mean_of(ans, "must_not_contain")
    m["key_fact_overlap"] = _mean_of(ans, "key_fact_overlap")
    m["key_phrase_in_answer"] = _mean_of(ans, "key_phrase_in_answer")
    m["first_bullet_from_section"] = _mean_of(ans, "first_bullet_from_section")
    m["answer_pass_rate"] = M.mean(float(r.passed) for r in ans)
    m["faithfulness_model_judged"] = _mean_of(ans, "faithfulness_model_judged")
    for key in ("dialogue_verdict_accuracy", "dialogue_expected_agreement", "engine_expected_agreement",
                "oneshot_verdict_accuracy"):
        m[key] = _mean_of(ver, key)
    past = [r.scores["dialogue_past_case_by_assumption"] for r in ver
            if r.scores.get("dialogue_past_case_by_assumption") is not None]
    m["dialogue_past_case_by_assumption"] = sum(past) if past else None
    asked = [r.scores["questions_asked"] for r in ver if r.scores.get("questions_asked") is not None]
    m["questions_asked_median"] = M.percentile(asked, 50) if asked else None
    m["questions_asked_max"] = max(asked) if asked else None
    reasked = [r.scores["stated_facts_reasked"] for r in ver if r.scores.get("stated_facts_reasked") is not None]
    m["stated_facts_reasked"] = sum(reasked) if reasked else None
    wrong = [r.scores["extracted_fact_errors"] for r in ver if r.scores.get("extracted_fact_errors") is not None]
    m["extracted_fact_errors"] = sum(wrong) if wrong else None
    m["case_pass_rate"] = M.mean(float(r.passed) for r in results)
    lat = [r.latency_ms for r in results]
    m["latency_p50_ms"] = M.percentile(lat, 50)
    m["latency_p95_ms"] = M.percentile(lat, 95)
    confusion = (
        # a case that crashed has no details: it is failed with its reason, not part of the matrix
        M.confusion_matrix(((r.details["expected"], r.details["predicted"]) for r in ver if "expected" in r.details),
                           OUTCOMES)
        if ver
        else {}
    )
    return m, confusion


def check_thresholds(suite: Suite, metrics: dict[str, float | None]) -> list[ThresholdResult]:
    out = []
    for metric, bound in suite.thresholds.items():
        value = metrics.get(metric)
        ok = value is not None
        if ok and bound.min is not None:
            ok = value >= bound.min - 1e-9
        if ok and bound.max is not None:
            ok = value <= bound.max + 1e-9
        out.append(ThresholdResult(metric, bound.min, bound.max, value, ok))
    return out


def run_suite(
    suite: Suite,
    backend: Backend,
    config: RunConfig,
    default_k: int = 8,
    progress: bool = True,
) -> SuiteResult:
    runner = Runner(backend, config, default_k)
    cases = list(suite.cases)
    iterator: Any = cases
    bar = None
    if progress:
        from tqdm import tqdm

        # `delay`: the bar only appears when a run takes longer than a couple of seconds.
        bar = tqdm(cases, desc=suite.name, unit="case", file=sys.stderr, delay=2.0, leave=False)
        iterator = bar
    results = [runner.run_case(c) for c in iterator]
    if bar is not None:
        bar.close()
    metrics, confusion = aggregate(results)
    notes = []
    if metrics.get("faithfulness_model_judged") is not None:
        notes.append(
            "‘Trouw aan bronnen’ is MODEL-BEOORDEELD: een taalmodel gaf per antwoord een score; "
            "dat is een oordeel van een model, geen meting."
        )
    return SuiteResult(
        suite=suite.name,
        path=suite.path,
        config={**config.settings_update(), "label": config.label(), "k": runner.k},
        k=runner.k,
        cases=results,
        metrics=metrics,
        confusion=confusion,
        thresholds=check_thresholds(suite, metrics),
        notes=notes,
    )


def is_lower_better(metric: str) -> bool:
    return metric in LOWER_IS_BETTER
