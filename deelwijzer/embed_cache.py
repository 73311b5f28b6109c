"""On-disk embedding cache: (embedder name, sha256 of the embedded text) -> float32 vector.

Re-ingesting unchanged text, or the same text under another file name, document version or
ordinal, never embeds it again. SQLite in WAL mode: many concurrent readers, one writer at a
time (the ingest); a killed writer loses at most its uncommitted batch.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    embedder TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (embedder, text_sha256)
)
"""


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._db.commit()

    def get_many(self, embedder: str, texts: list[str]) -> dict[str, np.ndarray]:
        """Cached vectors by text hash for those of `texts` that are cached."""
        keys = sorted({text_key(t) for t in texts})
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):  # stay under SQLite's variable limit
            part = keys[i : i + 500]
            rows = self._db.execute(
                f"SELECT text_sha256, dim, vector FROM embeddings WHERE embedder = ? "
                f"AND text_sha256 IN ({','.join('?' * len(part))})",
                [embedder, *part],
            ).fetchall()
            for key, dim, blob in rows:
                vec = np.frombuffer(blob, dtype=np.float32)
                if vec.shape[0] == dim:
                    found[key] = vec
        return found

    def put_many(self, embedder: str, texts: list[str], vectors: np.ndarray) -> None:
        rows = [
            (embedder, text_key(t), int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors)
        ]
        with self._db:  # one transaction per batch
            self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)

    def count(self, embedder: str | None = None) -> int:
        if embedder is None:
            return int(self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
        return int(
            self._db.execute("SELECT COUNT(*) FROM embeddings WHERE embedder = ?", [embedder]).fetchone()[0]
        )

    def close(self) -> None:
        self._db.close()
