"""The shared types that cross module boundaries.

Plain frozen dataclasses: cheap to build, hashable, and `to_dict()` gives the JSON shape the
CLI contracts promise. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

HEADING_SEPARATOR = " › "

LegalEra = Literal["wbp", "avg"]

Outcome = Literal[
    "mag_delen",
    "mag_niet_delen",
    "verplicht_delen",
    "meer_informatie_nodig",
    "raadpleeg_functionaris",
    "ander_stappenplan",
]


@dataclass(frozen=True)
class DocumentInfo:
    """One handvat as described by corpus/manifest.yaml."""

    doc_id: str
    title: str
    publisher: str
    version: str
    date: str
    legal_era: LegalEra
    source_file: str
    original_file: str = ""


@dataclass(frozen=True)
class Chunk:
    """A passage of one document version, cut along the document's own headings."""

    id: str
    doc_id: str
    title: str
    version: str
    legal_era: LegalEra
    source_file: str
    heading_path: tuple[str, ...]
    ordinal: int
    text: str
    char_start: int
    char_end: int
    content_hash: str
    page: int | None = None

    @property
    def heading_path_str(self) -> str:
        return HEADING_SEPARATOR.join(self.heading_path)

    @property
    def pre_avg(self) -> bool:
        return self.legal_era == "wbp"

    def metadata(self) -> dict[str, Any]:
        """Flat scalar metadata as a vector store wants it."""
        meta: dict[str, Any] = {
            "doc_id": self.doc_id,
            "title": self.title,
            "version": self.version,
            "legal_era": self.legal_era,
            "source_file": self.source_file,
            "heading_path": self.heading_path_str,
            "ordinal": self.ordinal,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "content_hash": self.content_hash,
        }
        if self.page is not None:
            meta["page"] = self.page
        return meta

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> "Chunk":
        path = str(meta.get("heading_path", ""))
        return cls(
            id=chunk_id,
            doc_id=str(meta["doc_id"]),
            title=str(meta.get("title", "")),
            version=str(meta.get("version", "")),
            legal_era=meta.get("legal_era", "avg"),
            source_file=str(meta.get("source_file", "")),
            heading_path=tuple(path.split(HEADING_SEPARATOR)) if path else (),
            ordinal=int(meta.get("ordinal", 0)),
            text=text,
            char_start=int(meta.get("char_start", 0)),
            char_end=int(meta.get("char_end", 0)),
            content_hash=str(meta.get("content_hash", "")),
            page=int(meta["page"]) if meta.get("page") is not None else None,
        )


@dataclass(frozen=True)
class Passage:
    """A chunk as retrieved for a query, with the score of the leg(s) that found it."""

    chunk: Chunk
    score: float
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "chunk_id": c.id,
            "doc_id": c.doc_id,
            "source_file": c.source_file,
            "title": c.title,
            "version": c.version,
            "heading_path": c.heading_path_str,
            "text": c.text,
            "score": self.score,
        }


@dataclass(frozen=True)
class Citation:
    """A numbered reference in an answer. `n` is only a label; `chunk_id` is the identity."""

    n: int
    chunk_id: str
    source_file: str
    title: str
    version: str
    heading_path: str
    text: str
    pre_avg: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Question:
    """The next fact the engine needs, as the user is asked it."""

    fact: str
    text: str
    type: str  # bool | enum | int
    options: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class TraceStep:
    """One step the engine visited: which facts it used and the heading it rests on."""

    step: str
    title: str
    heading: str
    facts_used: dict[str, Any] = field(default_factory=dict)
    result: str = ""
    basis: tuple[str, ...] = ()
    note: str = ""
    # Verbatim phrase under `heading` that pins the exact place in the handreiking
    # (headings like "Voor wie?" occur once per plan).
    anchor: str = ""


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    beslissende_stap: str | None
    basis: tuple[str, ...]
    trace: tuple[TraceStep, ...]
    vraag: Question | None
    voorwaarden: tuple[str, ...]
    wie: tuple[str, ...]
    verwijzing: str | None
    rules_version: str
    plan: str | None = None
    heading: str | None = None
    voorlopig: Outcome | None = None
    ambiguities: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LLMInfo:
    provider: str
    model: str | None = None


@dataclass(frozen=True)
class Answer:
    answer: str
    refused: bool
    citations: tuple[Citation, ...]
    verdict: Verdict | None
    plan: str | None
    facts: dict[str, Any]
    llm: LLMInfo
    prompt_version: str | None
    passages: tuple[Passage, ...] = ()
    # The engine's verdict block as it stands inside `answer` (not in the JSON: the verdict is).
    verdict_text: str = ""
    # Facts the situation implies (also in `facts`): shown as assumptions, changeable by the user.
    assumed: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The `deelwijzer ask --json` contract."""
        return {
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "verdict": self.verdict.to_dict() if self.verdict else None,
            "plan": self.plan,
            "facts": self.facts,
            "llm": asdict(self.llm),
            "prompt_version": self.prompt_version,
            "assumed": self.assumed,
        }
