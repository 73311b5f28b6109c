"""Okapi BM25 over chunks, as one sparse matrix.

The per-(document, term) BM25 weights are precomputed once into a CSC matrix, so a query is a
sum of a few columns: well under a millisecond for the real corpus and linear in the posting
lists at 60k chunks. Each chunk is indexed as heading path (twice) + title + text, because the
heading path carries the partner/plan context that repeated paragraphs lack.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from . import bm25_store
from .models import Chunk
from .textnorm import Decompounder, analyze, fold, words

K1 = 1.2
B = 0.75


# The heading path counts HEADING_WEIGHT times (a field weight): a question naming a section's
# subject should find that section before a passage that mentions the same words in passing. 2 vs 1
# on the tuning sets (independent-dev, seed, corpus): recall@5 +1 item on dev, MRR +0.006 / +0.015 /
# +0.033 (bench/README.md "Passage windows": the tuning table).
HEADING_WEIGHT = 2


def chunk_index_text(chunk: Chunk) -> str:
    heading = "\n".join([chunk.heading_path_str] * HEADING_WEIGHT)
    return f"{heading}\n{chunk.title}\n{chunk.text}"


@dataclass(frozen=True)
class Hit:
    index: int  # position in BM25Index.chunks
    score: float


class BM25Index:
    def __init__(self, chunks: Sequence[Chunk], k1: float = K1, b: float = B):
        self.chunks: list[Chunk] = list(chunks)
        texts = [chunk_index_text(c) for c in self.chunks]
        # Compound parts must be words seen at least twice in the corpus: keeps noise out.
        counts = Counter(w for t in texts for w in words(fold(t)))
        self.decompounder = Decompounder(w for w, n in counts.items() if n >= 2)

        self.vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        lengths = np.zeros(len(texts), dtype=np.float64)
        for i, text in enumerate(texts):
            tf = Counter(analyze(text, self.decompounder))
            lengths[i] = sum(tf.values())
            for term, n in tf.items():
                j = self.vocab.setdefault(term, len(self.vocab))
                rows.append(i)
                cols.append(j)
                vals.append(n)
        n_docs = max(len(texts), 1)
        tf_m = sparse.csc_matrix(
            (np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(texts), len(self.vocab))
        )
        df = np.diff(tf_m.indptr).astype(np.float64)
        # Lucene's non-negative idf variant.
        idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
        avgdl = float(lengths.mean()) if len(texts) else 1.0
        norm = k1 * (1.0 - b + b * lengths / max(avgdl, 1e-9))
        coo = tf_m.tocoo()
        w = coo.data * (k1 + 1.0) / (coo.data + norm[coo.row]) * idf[coo.col]
        self._set_matrices(sparse.csc_matrix((w, (coo.row, coo.col)), shape=tf_m.shape), idf, df)

    def _set_matrices(self, weights: sparse.csc_matrix, idf: np.ndarray, doc_freq: np.ndarray) -> None:
        self.weights = weights
        self.idf = idf
        self.doc_freq = doc_freq
        self._rows = weights.tocsr()
        self.n_docs = max(len(self.chunks), 1)
        self._id_to_index = {c.id: i for i, c in enumerate(self.chunks)}

    @classmethod
    def restore(cls, chunks: Sequence[Chunk], compound_parts: Sequence[str], terms: Sequence[str],
                weights: sparse.csc_matrix, idf: np.ndarray, doc_freq: np.ndarray) -> "BM25Index":
        """An index from saved matrices (see bm25_store); `chunks` must be in the saved order."""
        index = cls.__new__(cls)
        index.chunks = list(chunks)
        index.decompounder = Decompounder(compound_parts)
        index.vocab = {t: j for j, t in enumerate(terms)}
        index._set_matrices(weights, idf, doc_freq)
        return index

    def __len__(self) -> int:
        return len(self.chunks)

    def query_terms(self, query: str) -> list[str]:
        return analyze(query, self.decompounder)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (query term frequency counts, as in Okapi with k3=inf)."""
        tf = Counter(t for t in self.query_terms(query) if t in self.vocab)
        out = np.zeros(len(self.chunks), dtype=np.float64)
        if not tf:
            return out
        cols = [self.vocab[t] for t in tf]
        q = np.asarray([tf[t] for t in tf], dtype=np.float64)
        sub = self.weights[:, cols]
        return np.asarray(sub @ q).ravel()

    def search(self, query: str | Sequence[tuple[str, float]], k: int, mask: np.ndarray | None = None) -> list[Hit]:
        """Top k chunks for a query, or for weighted query parts [(text, weight), ...]."""
        s = self.scores(query) if isinstance(query, str) else sum(w * self.scores(q) for q, w in query)
        if mask is not None:
            s = np.where(mask, s, 0.0)
        k = min(k, int(np.count_nonzero(s > 0)))
        if k <= 0:
            return []
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        return [Hit(int(i), float(s[i])) for i in top]

    def index_of(self, chunk_id: str) -> int | None:
        return self._id_to_index.get(chunk_id)

    def doc_terms(self, index: int) -> frozenset[int]:
        """Term ids present in chunk `index`."""
        r = self._rows
        return frozenset(r.indices[r.indptr[index] : r.indptr[index + 1]].tolist())

    def term_idf(self, term: str) -> float | None:
        j = self.vocab.get(term)
        return None if j is None else float(self.idf[j])

    def max_idf(self) -> float:
        return float(np.log(1.0 + (self.n_docs + 0.5) / 0.5))


def load_bm25(store, saved_dir: Path | None = None) -> BM25Index:
    """The BM25 index of `store`'s active chunks: read from `saved_dir` when a saved index of this
    generation exists (bm25_store), else built (and saved there for the next process). Not cached
    here: its owner, the Retriever of deelwijzer.services, keeps one per index generation."""
    generation = store.generation()
    chunks = store.all_chunks()
    path = bm25_store.path_for(saved_dir, generation) if saved_dir and generation else None
    index = bm25_store.load(path, chunks, BM25Index) if path else None
    if index is None:
        index = BM25Index(chunks)
        if path:
            bm25_store.save(path, index)
    return index
