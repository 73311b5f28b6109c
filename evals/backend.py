"""What the runner needs from the rest of Deelwijzer, behind one small interface.

`RealBackend` calls the real modules (imported lazily so suite validation and report tests never
load the embedder). Unit tests pass a fake with the same methods."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import yaml

from deelwijzer.models import Answer, Chunk, Passage, Verdict


class Backend(Protocol):
    def search(self, query: str, k: int, mode: str | None) -> list[Passage]: ...
    def all_chunks(self) -> list[Chunk]: ...
    def ask(self, question: str, facts: dict[str, Any] | None = None, history: list[str] | None = None) -> Answer: ...
    def evaluate(self, facts: dict[str, Any], plan: str | None = None) -> Verdict: ...
    def doc_aliases(self) -> dict[str, str]: ...
    @property
    def llm_configured(self) -> bool: ...


def manifest_aliases(corpus_dir: Path) -> dict[str, str]:
    """doc_id, source_file and original_file (the seed set's names) -> doc_id."""
    path = Path(corpus_dir) / "manifest.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    aliases: dict[str, str] = {}
    for doc in data.get("documents", []):
        doc_id = str(doc["id"])
        for key in ("id", "source_file", "original_file"):
            if doc.get(key):
                aliases[str(doc[key])] = doc_id
    return aliases


class RealBackend:
    """The real retriever, answerer and rules engine for one Settings."""

    def __init__(self, settings: Any):
        self.settings = settings

    def search(self, query: str, k: int, mode: str | None) -> list[Passage]:
        return self._services.retriever.search(query, k=k, mode=mode)

    @property
    def _services(self):
        from deelwijzer.services import get_services

        return get_services(self.settings)

    def all_chunks(self) -> list[Chunk]:
        return self._chunks

    @cached_property
    def _chunks(self) -> list[Chunk]:
        from deelwijzer.store import open_store

        return open_store(self.settings).all_chunks()

    def ask(self, question: str, facts: dict[str, Any] | None = None, history: list[str] | None = None) -> Answer:
        from deelwijzer.answer import ask

        if history or not facts:
            return ask(question, self.settings, facts=facts, history=history or None)
        # A dialogue's follow-up turns ask the same question with more facts: the passages do not
        # change, so they are retrieved once (the verdict is what these turns measure).
        return ask(question, self.settings, facts=facts, services=self._retrieval_memo)

    @cached_property
    def _retrieval_memo(self) -> "RetrievalMemo":
        return RetrievalMemo(self._services)

    def evaluate(self, facts: dict[str, Any], plan: str | None = None) -> Verdict:
        from deelwijzer.rules import evaluate, load_rules

        return evaluate(load_rules(self.settings.rules_dir), facts, plan)

    def doc_aliases(self) -> dict[str, str]:
        return manifest_aliases(self.settings.corpus_dir)

    def derived_inputs(self) -> dict[str, set[str]]:
        """Per derived fact (any plan), the facts its expression reads (for the dialogue simulation)."""
        from deelwijzer.rules import load_rules
        from deelwijzer.rules.session import derived_inputs

        return derived_inputs(load_rules(self.settings.rules_dir))

    @property
    def llm_configured(self) -> bool:
        return getattr(self.settings, "llm_provider", "none") != "none"

    @cached_property
    def judge(self) -> Any:
        """The configured chat model, used as faithfulness judge; None without a model."""
        if not self.llm_configured:
            return None
        from deelwijzer.llm import get_chat_model

        return get_chat_model(self.settings)


class RetrievalMemo:
    """The services with each query retrieved once (everything else delegated unchanged)."""

    def __init__(self, services: Any):
        self._services = services
        self._memo: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._services, name)

    def retrieve(self, query: str):
        if query not in self._memo:
            self._memo[query] = self._services.retrieve(query)
        return self._memo[query]
