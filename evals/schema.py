"""The suite file format: one YAML file, four kinds of case, an optional run configuration and
thresholds. Validation is strict (unknown keys are errors) so a typo in a suite never silently
turns a check off."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from deelwijzer.models import Outcome

OUTCOMES: tuple[str, ...] = get_args(Outcome)  # the engine's outcomes, one definition


class SuiteError(ValueError):
    """A suite file that cannot be used; the message names the file and the offending field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Case(_Strict):
    id: str = Field(min_length=1)
    tags: tuple[str, ...] = ()
    note: str = ""


class RetrievalCase(_Case):
    kind: Literal["retrieval"] = "retrieval"
    question: str = Field(min_length=3)
    # Expected document: a manifest doc_id, a corpus source_file or a delivered original_file.
    doc: str = Field(min_length=1)
    heading: str = ""
    key_phrases: tuple[str, ...] = Field(min_length=1)


class AnswerCase(_Case):
    kind: Literal["answer"] = "answer"
    question: str = Field(min_length=3)
    reference_answer: str = ""
    must_cite_doc: str | None = None
    must_cite_heading: str | None = None
    must_not_contain: tuple[str, ...] = ()
    facts: dict[str, Any] | None = None
    # The passage that answers (issue 13): its document, nearest heading and verbatim key phrases.
    # With them the runner scores `key_phrase_in_answer` and `first_bullet_from_section`.
    doc: str | None = None
    heading: str = ""
    key_phrases: tuple[str, ...] = ()
    # Earlier user turns of the conversation (a follow-up such as "En als de leerling 17 is?").
    history: tuple[str, ...] = ()


class VerdictCase(_Case):
    kind: Literal["verdict"] = "verdict"
    plan: str | None = None
    facts: dict[str, Any] | None = None
    question: str | None = None
    expected_outcome: Outcome
    expected_step: str | None = None
    expected_basis: tuple[str, ...] = ()
    source: str = ""  # where the case comes from (e.g. "spec case TC-22", a Voorbeeld)
    # With both `question` and `facts` the case runs as a dialogue (evals/runner.py): the facts the
    # question itself states or implies (never to be asked again), and those it leaves open.
    stated_facts: tuple[str, ...] = ()
    unstated_facts: tuple[str, ...] = ()
    # How the case's facts were written originally (e.g. a frozen set's natural-language facts),
    # kept beside the engine's fact names they were translated to.
    facts_source: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _facts_or_question(self) -> "VerdictCase":
        if self.facts is None and not self.question:
            raise ValueError("a verdict case needs `facts` or `question`")
        return self


class RefusalCase(_Case):
    kind: Literal["refusal"] = "refusal"
    question: str = Field(min_length=3)


Case = Annotated[
    Union[RetrievalCase, AnswerCase, VerdictCase, RefusalCase], Field(discriminator="kind")
]

CONFIG_KEYS = ("embedder", "retrieval_mode", "top_k", "llm_provider", "llm_model", "prompt_version")


class RunConfig(_Strict):
    """The knobs a suite (or a --compare side) may set; everything else comes from Settings."""

    name: str = ""
    embedder: str | None = None
    retrieval_mode: Literal["hybrid", "dense", "bm25"] | None = None
    top_k: int | None = Field(default=None, ge=1, le=100)
    llm_provider: Literal["none", "openai", "local"] | None = None
    llm_model: str | None = None
    prompt_version: str | None = None

    def merged(self, other: "RunConfig | None") -> "RunConfig":
        """`other` wins wherever it sets a value."""
        if other is None:
            return self
        data = self.model_dump()
        data.update({k: v for k, v in other.model_dump().items() if v not in (None, "")})
        return RunConfig(**data)

    def settings_update(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in CONFIG_KEYS if getattr(self, k) is not None}

    def label(self) -> str:
        if self.name:
            return self.name
        parts = [f"{k}={v}" for k, v in self.settings_update().items()]
        return ",".join(parts) or "standaard"


class Bound(_Strict):
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> "Bound":
        if self.min is None and self.max is None:
            raise ValueError("a threshold needs `min` or `max`")
        return self


class Suite(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    config: RunConfig = RunConfig()
    thresholds: dict[str, Bound] = {}
    cases: tuple[Case, ...] = Field(min_length=1)
    # "frozen": a held-out test split; measure on it, never tune on it. "dev": a tuning split written by an
    # outsider in the same way as a frozen one (figures on it are tuning figures, like "tune"). "fresh": written
    # the same way, measured only before and after one round of work, never tuned on (not frozen for later rounds).
    split: Literal["tune", "dev", "fresh", "frozen"] = "tune"
    path: str = ""

    @model_validator(mode="before")
    @classmethod
    def _shorthand_thresholds(cls, data: Any) -> Any:
        # `recall_at_k: 0.8` means a minimum; latency metrics (`*_ms`) and `false_refusal_rate` a maximum.
        if isinstance(data, dict) and isinstance(data.get("thresholds"), dict):
            fixed = {}
            for metric, bound in data["thresholds"].items():
                if isinstance(bound, (int, float)) and not isinstance(bound, bool):
                    key = "max" if metric in LOWER_IS_BETTER or metric.endswith("_ms") else "min"
                    bound = {key: bound}
                fixed[metric] = bound
            data = {**data, "thresholds": fixed}
        return data

    @model_validator(mode="after")
    def _unique_ids(self) -> "Suite":
        seen: set[tuple[str, str]] = set()
        for case in self.cases:
            key = (case.kind, case.id)
            if key in seen:
                raise ValueError(f"duplicate case id {case.kind}:{case.id}")
            seen.add(key)
        unknown = sorted(set(self.thresholds) - set(KNOWN_METRICS))
        if unknown:
            raise ValueError(f"unknown metric(s) in thresholds: {unknown}; known: {sorted(KNOWN_METRICS)}")
        return self

    def of_kind(self, kind: str) -> list:
        return [c for c in self.cases if c.kind == kind]


# Metrics a suite may put a threshold on (see evals.metrics / evals.runner).
KNOWN_METRICS = (
    "recall_at_k",
    "hit_at_k",
    "mrr",
    "ndcg_at_10",
    "heading_hit_rate",
    "verdict_accuracy",
    "deciding_step_accuracy",
    "basis_accuracy",
    "refusal_rate",
    "false_refusal_rate",
    "citation_validity",
    "must_cite_rate",
    "must_not_contain_rate",
    "key_fact_overlap",
    "key_phrase_in_answer",
    "first_bullet_from_section",
    "answer_pass_rate",
    "faithfulness_model_judged",
    "case_pass_rate",
    "dialogue_verdict_accuracy",
    "dialogue_expected_agreement",
    "engine_expected_agreement",
    "oneshot_verdict_accuracy",
    "questions_asked_median",
    "questions_asked_max",
    "stated_facts_reasked",
    "extracted_fact_errors",
    "dialogue_past_case_by_assumption",
    "latency_p50_ms",
    "latency_p95_ms",
)
LOWER_IS_BETTER = frozenset({
    "false_refusal_rate", "latency_p50_ms", "latency_p95_ms",
    "questions_asked_median", "questions_asked_max", "stated_facts_reasked", "extracted_fact_errors",
})

_CASE_ADAPTER = TypeAdapter(Case)


def _format_error(path: Path, err: ValidationError, raw: Any) -> str:
    lines = [f"{path}: ongeldige suite ({err.error_count()} fout(en))"]
    for e in err.errors()[:20]:
        loc = list(e["loc"])
        where = ".".join(str(p) for p in loc)
        # Name the case by its id, not only by its index, so the author finds it.
        if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
            try:
                where = f"cases[{loc[1]}] (id={raw['cases'][loc[1]].get('id')!r})." + ".".join(
                    str(p) for p in loc[2:]
                )
            except (KeyError, IndexError, TypeError, AttributeError):
                pass
        lines.append(f"  - {where}: {e['msg']}")
    return "\n".join(lines)


def parse_suite(raw: Any, path: Path | str = "<suite>") -> Suite:
    path = Path(path)
    if not isinstance(raw, dict):
        raise SuiteError(f"{path}: een suite is een YAML-mapping met `name` en `cases`")
    raw = {"name": path.stem, **raw, "path": str(path)}
    try:
        return Suite.model_validate(raw)
    except ValidationError as err:
        raise SuiteError(_format_error(path, err, raw)) from None


def load_suite(path: Path | str) -> Suite:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise SuiteError(f"{path}: kan het bestand niet lezen ({err.strerror})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (regel {mark.line + 1}, kolom {mark.column + 1})" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise SuiteError(f"{path}: geen geldige YAML{where}: {problem}") from None
    return parse_suite(raw, path)


def parse_config(spec: str) -> RunConfig:
    """A --compare side: a YAML file path, or inline `key=value,key=value`."""
    p = Path(spec)
    if p.suffix in (".yaml", ".yml") or p.is_file():
        try:
            raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise SuiteError(f"{spec}: kan de configuratie niet lezen: {err}") from None
        raw.setdefault("name", p.stem)
    else:
        raw = {}
        for part in filter(None, (s.strip() for s in spec.split(","))):
            if "=" not in part:
                raise SuiteError(f"configuratie {spec!r}: verwacht key=value, kreeg {part!r}")
            key, value = (s.strip() for s in part.split("=", 1))
            raw[key] = value
        raw.setdefault("name", spec)
    try:
        return RunConfig.model_validate(raw)
    except ValidationError as err:
        msgs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        raise SuiteError(f"configuratie {spec!r}: {msgs} (geldige sleutels: {', '.join(CONFIG_KEYS)})") from None
