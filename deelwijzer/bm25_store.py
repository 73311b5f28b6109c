"""BM25 matrices saved per index generation, so a new process need not analyse every chunk again.

Analysing the chunk texts is the cost of a first search: ~1 s for the real corpus, ~60 s at 79,000
chunks; loading the saved matrices takes a second or two. A file belongs to one index generation
and one version of the analyser: its name carries a fingerprint of the code that produced it
(textnorm.py, bm25.py), so a changed analyser writes a new file instead of reading a stale one,
and the chunk ids inside must equal the index's, in order. Any problem reading or writing means
what it meant before this file existed: the index is built in memory.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from . import textnorm
from .models import Chunk

# bm25.py uses this module (load_bm25); this module only reads bm25.py's source for the fingerprint
# and gets the index type passed in, so the two do not import each other.
_BM25_SOURCE = Path(__file__).with_name("bm25.py")

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Of the analyser and scoring code: a change to either gives other file names."""
    digest = hashlib.sha256()
    for source in (Path(textnorm.__file__), _BM25_SOURCE):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def path_for(directory: Path, generation: str) -> Path:
    return directory / f"{generation}-{fingerprint()}.npz"


def save(path: Path, index: Any) -> None:
    """Write atomically (a reader never sees half a file), then drop files of other generations."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        w = index.weights
        with open(tmp, "wb") as f:
            np.savez(
                f,
                chunk_ids=np.array([c.id for c in index.chunks], dtype=str),
                terms=np.array(list(index.vocab), dtype=str),
                compound_parts=np.array(sorted(index.decompounder.vocab), dtype=str),
                data=w.data, indices=w.indices, indptr=w.indptr, shape=np.array(w.shape),
                idf=index.idf, doc_freq=index.doc_freq,
            )
        os.replace(tmp, path)
        for other in path.parent.glob("*.npz"):
            if other != path:
                other.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("BM25-index niet bewaard (%s): de volgende start bouwt hem opnieuw", exc)


def load(path: Path, chunks: Sequence[Chunk], index_type: Any) -> Any:
    """The saved index (a `bm25.BM25Index`, made by `index_type.restore`) for exactly these chunks,
    or None (missing, stale or unreadable file)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            if z["chunk_ids"].tolist() != [c.id for c in chunks]:
                return None
            weights = sparse.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
            return index_type.restore(chunks, z["compound_parts"].tolist(), z["terms"].tolist(),
                                          weights, z["idf"], z["doc_freq"])
    except (OSError, KeyError, ValueError) as exc:
        log.warning("Bewaarde BM25-index onleesbaar (%s): opnieuw opbouwen", exc)
        return None
