"""The shared resources of one process, in one object: index store, retriever (BM25 inside),
rule set, embedder and language model, for one Settings and one index generation.

`get_services(settings)` gives the CLI, `ask()` and the eval runner one Services per (settings,
index generation); the Streamlit app builds the same object with `build_services` under
`st.cache_resource`. Everything that answers a question reads its resources from here, so a test
double of this one object (a fake with the methods of `AnswerServices`) wires the whole pipeline,
with no code path switched off.

Caches that stay elsewhere, on purpose: the embedder model per spec (`embed.get_embedder`: ingest
needs it outside any Services, and a model is loaded once per process), Chroma clients per path
(`store`: Chroma allows one client per folder) and the rule loader's per-file cache (`deelwijzer
rules ...` reads rules without an index).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Protocol

from deelwijzer.config import Settings
from deelwijzer.embed import Embedder, get_embedder
from deelwijzer.llm import get_chat_model
from deelwijzer.models import Chunk, Passage, Verdict
from deelwijzer.retrieve import Retriever
from deelwijzer.store import ChunkStore, open_store


class RulesPort(Protocol):
    def facts_dictionary(self) -> dict[str, Any]: ...
    def validate(self, facts: dict[str, Any]) -> dict[str, Any]: ...
    def evaluate(self, facts: dict[str, Any], plan: str | None = None) -> Verdict: ...


@dataclass
class EngineRules:
    """The real rules engine (deelwijzer.rules) behind the RulesPort."""

    settings: Settings
    _ruleset: Any = field(default=None, init=False)

    @property
    def ruleset(self):
        if self._ruleset is None:
            from deelwijzer.rules import load_rules

            self._ruleset = load_rules(self.settings.rules_dir)
        return self._ruleset

    def facts_dictionary(self) -> dict[str, Any]:
        return dict(self.ruleset.facts)

    def validate(self, facts: dict[str, Any]) -> dict[str, Any]:
        from deelwijzer.rules import validate_facts

        return validate_facts(self.ruleset, facts)

    def evaluate(self, facts: dict[str, Any], plan: str | None = None) -> Verdict:
        from deelwijzer.rules import evaluate

        return evaluate(self.ruleset, facts, plan=plan)


@dataclass(frozen=True)
class Retrieved:
    passages: list[Passage]
    relevant: bool
    reason: str = ""
    score: float | None = None  # the refusal model's score (None when not assessed, e.g. a tiny index)
    outside_party: str | None = None  # asker or giver the handvatten never name (refusal.outside_party)


class AnswerServices(Protocol):
    """What the answer pipeline reads from the services (a test fake implements exactly this)."""

    rules: RulesPort

    @property
    def llm(self) -> Any: ...
    def retrieve(self, query: str) -> Retrieved: ...
    def step_passage(self, heading: str | None, anchor: str = "", plan: str | None = None) -> Chunk | None: ...
    def term_idf(self) -> Callable[[str], float | None] | None: ...


@dataclass(frozen=True)
class Services:
    """The real resources for one Settings; build with `build_services` or `get_services`."""

    settings: Settings
    store: ChunkStore
    embedder: Embedder
    retriever: Retriever
    rules: EngineRules
    generation: str

    @property
    def ruleset(self):
        return self.rules.ruleset

    @cached_property
    def llm(self) -> Any:
        """The configured chat model (None for provider `none`), made on first use: loading the
        in-process model takes minutes and only an answer with a model needs it."""
        return get_chat_model(self.settings)

    @property
    def chunks(self) -> list[Chunk]:
        """Every chunk of the active index (the retriever's BM25 list, loaded once per generation)."""
        return self.retriever.bm25.chunks

    def retrieve(self, query: str) -> Retrieved:
        result = self.retriever.retrieve(query, k=self.settings.top_k)
        relevance = result.relevance
        return Retrieved(result.passages, bool(relevance.in_corpus), relevance.reason, relevance.details.get("score"),
                         relevance.outside_party)

    def step_passage(self, heading: str | None, anchor: str = "", plan: str | None = None) -> Chunk | None:
        """The passage a rule step rests on: exact lookup by heading and anchor, cached per step."""
        return self.retriever.step_passage(heading, anchor, plan) if heading else None

    def term_idf(self) -> Callable[[str], float | None]:
        """The corpus's term rarity, for the composer's weighting of question words."""
        return self.retriever.bm25.term_idf


def build_services(settings: Settings, store: ChunkStore | None = None) -> Services:
    """A new Services for these settings (uncached; `get_services` caches)."""
    store = store or open_store(settings)
    return Services(
        settings=settings,
        store=store,
        embedder=get_embedder(settings),
        retriever=Retriever(settings, store),
        rules=EngineRules(settings),
        generation=store.generation(),
    )


_SERVICES: dict[str, Services] = {}
_LOCK = threading.Lock()


def get_services(settings: Settings) -> Services:
    """One Services per (settings, index generation) per process; a re-ingest that flips the index
    gives the next call a new one (the old one is dropped)."""
    store = open_store(settings)
    key = settings.model_dump_json()
    generation = store.generation()
    with _LOCK:
        hit = _SERVICES.get(key)
        if hit is None or hit.generation != generation:
            hit = _SERVICES[key] = build_services(settings, store)
        return hit
