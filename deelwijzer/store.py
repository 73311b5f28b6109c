"""Chroma access: the chunk index, embedded (a folder) or client/server (host:port), same code.

Blue/green index. Every ingest that changes anything builds a complete NEW collection
(`<collection>-g<timestamp>-<random>`), then flips one "active collection" pointer (a metadata key
of the small `deelwijzer_meta` collection, so it lives in Chroma itself and works against a server
too), then deletes the old collection. Readers always resolve the pointer first, so they see the old
index until the flip and the new one after it, never a mix; a process killed half-way leaves an
unreferenced half-built collection that the next ingest deletes. `generation()` is the active
collection's name: caches key on it.

Passage windows: a long passage has, besides its own record, one record per extra window
(embed.window_texts), id `<chunk id>::w<n>`, the window text as document and the passage's metadata
plus `window_of` = the chunk id. `dense_search` collapses them onto their passage (a passage scores
its best vector); `all_chunks`, `active_records` and the chunk count see passages only.

Vectors are always passed explicitly: no Chroma embedding function is ever attached, because the
default one downloads a model. Each collection records the embedder name and dimension; querying
with another embedder is refused with a message to re-ingest.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import numpy as np

from deelwijzer.embed import embedder_name, get_embedder
from deelwijzer.models import Chunk, Passage

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from deelwijzer.config import Settings

META_COLLECTION = "deelwijzer_meta"
# HNSW is approximate: with Chroma's default ef_search (100) a 50-deep dense leg came back with a
# different tail from one process to the next (the graph is rebuilt in memory with several threads),
# which moved borderline items in and out of the fused top 5. With ef_search 400 the search is
# effectively exhaustive at this corpus size and still ~1 ms per query at 100x.
HNSW_EF_SEARCH = 400
HNSW_EF_CONSTRUCTION = 200
BATCH = 256
# Paged reads of the whole collection (all chunks for BM25): fewer, larger pages halve the time at
# 79k chunks; much larger pages hit SQLite's limit on query variables.
READ_BATCH = 2000
WINDOW_OF = "window_of"  # metadata key of a window record: the id of its passage
T = TypeVar("T")


class StoreError(RuntimeError):
    """Base for index problems the user can act on (message in Dutch)."""


class IndexMissing(StoreError):
    pass


class EmbedderMismatch(StoreError):
    pass


@dataclass(frozen=True)
class DocumentSummary:
    doc_id: str
    title: str
    version: str
    chunks: int
    source_file: str = ""


@dataclass(frozen=True)
class StoreInfo:
    documents: tuple[DocumentSummary, ...]
    chunk_count: int
    last_ingest: str | None
    embedder: str | None
    dim: int | None
    generation: str
    backend: str  # "embedded:<path>" or "http://host:port"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["documents"] = [asdict(x) for x in self.documents]
        return d


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- clients ---------------------------------------------------------------------------------

_CLIENTS: dict[tuple, "ClientAPI"] = {}
_CLIENTS_LOCK = threading.Lock()


def _client(settings: "Settings") -> tuple["ClientAPI", str]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        key: tuple = ("http", settings.chroma_host, int(settings.chroma_port))
        backend = f"http://{settings.chroma_host}:{settings.chroma_port}"
    else:
        path = settings.resolved_chroma_path.expanduser().resolve()
        key = ("path", str(path))
        backend = f"embedded:{path}"
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            if key[0] == "http":
                _CLIENTS[key] = chromadb.HttpClient(host=key[1], port=key[2], settings=chroma_settings)
            else:
                path.mkdir(parents=True, exist_ok=True)
                _CLIENTS[key] = chromadb.PersistentClient(path=key[1], settings=chroma_settings)
        return _CLIENTS[key], backend


def _is_not_found(exc: Exception) -> bool:
    try:
        from chromadb.errors import NotFoundError
    except ImportError:  # pragma: no cover
        NotFoundError = ()  # type: ignore[assignment]
    return isinstance(exc, NotFoundError) or "does not exist" in str(exc).lower()


# --- the store -------------------------------------------------------------------------------


class ChunkStore:
    def __init__(self, settings: "Settings") -> None:
        self.settings = settings
        self.client, self.backend = _client(settings)
        self.prefix = f"{settings.collection}-g"
        self._key_active = f"{settings.collection}.active"
        self._key_last = f"{settings.collection}.last_ingest"
        self._chunks_cache: tuple[str, list[Chunk]] | None = None
        self._last_query: tuple[str, list[float]] | None = None

    # pointer --------------------------------------------------------------------------------
    def _meta(self) -> "Collection":
        return self.client.get_or_create_collection(META_COLLECTION, embedding_function=None)

    def _meta_values(self) -> dict[str, Any]:
        return dict(self._meta().metadata or {})

    def active_name(self) -> str | None:
        name = self._meta_values().get(self._key_active)
        return str(name) if name else None

    def generation(self) -> str:
        """Name of the active collection ("" when nothing is ingested yet)."""
        return self.active_name() or ""

    def _collection(self, name: str) -> "Collection":
        return self.client.get_collection(name, embedding_function=None)

    def _with_active(self, fn: Callable[["Collection"], T]) -> T:
        """Run `fn` on the active collection; if an ingest flipped and deleted it between
        resolving the pointer and reading, resolve again (the new one is complete)."""
        last: Exception | None = None
        for _ in range(3):
            name = self.active_name()
            if not name:
                raise IndexMissing("Er is nog geen index. Voer eerst `deelwijzer ingest` uit.")
            try:
                return fn(self._collection(name))
            except Exception as exc:  # noqa: BLE001 - only NotFound is retried
                if not _is_not_found(exc):
                    raise
                last = exc
        raise StoreError(f"De index veranderde steeds tijdens het lezen: {last}")

    def active_meta(self) -> dict[str, Any] | None:
        """Metadata of the active collection (embedder, dim, documents), or None."""
        try:
            return self._with_active(lambda col: dict(col.metadata or {}))
        except IndexMissing:
            return None

    def _check_embedder(self, col: "Collection") -> None:
        meta = col.metadata or {}
        built_with = meta.get("embedder")
        wanted = embedder_name(self.settings.embedder)
        if built_with != wanted:
            raise EmbedderMismatch(
                f"De index is gebouwd met embedder '{built_with}', maar de instelling is nu "
                f"'{wanted}'. Bouw de index opnieuw op met `deelwijzer ingest --rebuild`."
            )

    # reading --------------------------------------------------------------------------------
    def all_chunks(self) -> list[Chunk]:
        """Every chunk of the active index, ordered by document and ordinal (cached per generation)."""

        def read(col: "Collection") -> tuple[str, list[Chunk]]:
            if self._chunks_cache and self._chunks_cache[0] == col.name:
                return self._chunks_cache
            chunks: list[Chunk] = []
            total = col.count()
            for offset in range(0, total, READ_BATCH):
                got = col.get(limit=READ_BATCH, offset=offset, include=["documents", "metadatas"])
                for cid, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or []):
                    if meta and WINDOW_OF in meta:
                        continue
                    chunks.append(Chunk.from_metadata(cid, doc or "", dict(meta or {})))
            chunks.sort(key=lambda c: (c.doc_id, c.ordinal, c.id))
            return col.name, chunks

        try:
            self._chunks_cache = self._with_active(read)
        except IndexMissing:
            return []
        return list(self._chunks_cache[1])

    def dense_search(self, query: str, k: int, where: dict | None = None, windows: bool = True) -> list[Passage]:
        """Top-k passages by cosine similarity of their best vector (the passage's own or one of
        its windows). Scores are for ranking only (anisotropic). `windows=False` ranks by the
        passages' own vectors only: the refusal model's dense evidence was fitted on those."""

        def search(col: "Collection") -> list[Passage]:
            self._check_embedder(col)
            total = col.count()
            if int(k) <= 0 or total <= 0:
                return []
            vector = self._query_vector(query)
            # Windows share the ranking with passages: ask for more records than passages and
            # collapse; ask again, deeper, in the rare case that leaves fewer than k passages.
            n = min(int(k) * 3, total)
            while True:
                res = col.query(query_embeddings=[vector], n_results=n, where=where,
                                include=["documents", "metadatas", "distances"])
                best: dict[str, float] = {}
                texts: dict[str, tuple[str, dict]] = {}
                for cid, doc, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0],
                                                res["distances"][0]):
                    meta = dict(meta or {})
                    parent = str(meta.pop(WINDOW_OF, "")) or cid
                    if parent != cid and not windows:
                        continue
                    if parent not in best:
                        best[parent] = float(1.0 - dist)
                    if parent == cid:
                        texts[cid] = (doc or "", meta)
                if len(best) >= int(k) or n >= total or len(res["ids"][0]) < n:
                    break
                n = min(n * 2, total)
            ranked = list(best.items())[: int(k)]
            missing = [cid for cid, _ in ranked if cid not in texts]
            if missing:  # passages found through a window only: read their own record
                got = col.get(ids=missing, include=["documents", "metadatas"])
                for cid, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or []):
                    texts[cid] = (doc or "", dict(meta or {}))
            return [Passage(chunk=Chunk.from_metadata(cid, *texts[cid]), score=score, rank=rank)
                    for rank, (cid, score) in enumerate(ranked, start=1) if cid in texts]

        return self._with_active(search)

    def _query_vector(self, query: str) -> list[float]:
        """The query's vector, remembered for the last query: retrieval searches twice per query
        (ranking with windows, refusal evidence without) and embedding is the costly part."""
        last = self._last_query
        if last is not None and last[0] == query:
            return last[1]
        vector = get_embedder(self.settings).embed_query_vector(query).tolist()
        self._last_query = (query, vector)
        return vector

    def info(self) -> StoreInfo:
        meta = self.active_meta()
        values = self._meta_values()
        if meta is None:
            return StoreInfo((), 0, values.get(self._key_last), None, None, "", self.backend)
        docs = tuple(
            DocumentSummary(**d) for d in json.loads(str(meta.get("documents", "[]")))
        )
        return StoreInfo(
            documents=docs,
            chunk_count=int(meta.get("chunk_count", sum(d.chunks for d in docs))),
            last_ingest=values.get(self._key_last),
            embedder=meta.get("embedder"),
            dim=int(meta["dim"]) if meta.get("dim") is not None else None,
            generation=str(values.get(self._key_active, "")),
            backend=self.backend,
        )

    # writing (used by ingest.pipeline) ------------------------------------------------------
    def read_records(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Vectors of these ids in the active collection (for copying into a new build)."""

        def read(col: "Collection") -> dict[str, np.ndarray]:
            out: dict[str, np.ndarray] = {}
            for i in range(0, len(ids), BATCH):
                got = col.get(ids=ids[i : i + BATCH], include=["embeddings"])
                for cid, emb in zip(got["ids"], got["embeddings"]):
                    out[cid] = np.asarray(emb, dtype=np.float32)
            return out

        return self._with_active(read) if ids else {}

    def active_records(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """id -> (text, metadata) of the active index (empty when there is none)."""

        def read(col: "Collection") -> dict[str, tuple[str, dict[str, Any]]]:
            out: dict[str, tuple[str, dict[str, Any]]] = {}
            total = col.count()
            for offset in range(0, total, READ_BATCH):
                got = col.get(limit=READ_BATCH, offset=offset, include=["documents", "metadatas"])
                for cid, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or []):
                    if meta and WINDOW_OF in meta:
                        continue
                    out[cid] = (doc or "", dict(meta or {}))
            return out

        try:
            return self._with_active(read)
        except IndexMissing:
            return {}

    def cleanup_leftovers(self) -> list[str]:
        """Delete our collections that are not the active one (half-built by a killed ingest,
        or old ones a crash did not get to delete). Returns their names."""
        active = self.active_name()
        removed = []
        for col in self.client.list_collections():
            name = col.name if hasattr(col, "name") else str(col)
            if name.startswith(self.prefix) and name != active:
                try:
                    self.client.delete_collection(name)
                    removed.append(name)
                except Exception as exc:  # noqa: BLE001
                    if not _is_not_found(exc):
                        raise
        return removed

    def begin_build(self, embedder: str, dim: int, passage_format: str = "") -> "Build":
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        name = f"{self.prefix}{stamp}-{secrets.token_hex(3)}"
        col = self.client.create_collection(
            name,
            configuration={"hnsw": {"space": "cosine", "ef_search": HNSW_EF_SEARCH,
                                     "ef_construction": HNSW_EF_CONSTRUCTION}},
            metadata={"embedder": embedder, "dim": int(dim), "passage_format": passage_format,
                      "hnsw_ef_search": HNSW_EF_SEARCH,
                      "created": now_iso(), "state": "building"},
            embedding_function=None,
        )
        return Build(self, col)

    def touch_last_ingest(self) -> None:
        self._meta().modify(metadata={**self._meta_values(), self._key_last: now_iso()})

    def _flip(self, name: str) -> str | None:
        old = self.active_name()
        values = self._meta_values()
        values.update({self._key_active: name, self._key_last: now_iso()})
        self._meta().modify(metadata=values)  # the one atomic step that switches readers over
        return old


@dataclass
class Build:
    """A collection being filled; invisible to readers until `commit()`."""

    store: ChunkStore
    collection: "Collection"
    count: int = 0
    documents: list[DocumentSummary] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.collection.name

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        for i in range(0, len(chunks), BATCH):
            part = chunks[i : i + BATCH]
            self.collection.add(
                ids=[c.id for c in part],
                embeddings=np.asarray(vectors[i : i + BATCH], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
            )
            self.count += len(part)

    def add_windows(self, windows: list[tuple[str, Chunk, str]], vectors: np.ndarray) -> None:
        """Window records (id, passage, window text); not counted as chunks."""
        for i in range(0, len(windows), BATCH):
            part = windows[i : i + BATCH]
            self.collection.add(
                ids=[wid for wid, _, _ in part],
                embeddings=np.asarray(vectors[i : i + BATCH], dtype=np.float32),
                documents=[text for _, _, text in part],
                metadatas=[{**c.metadata(), WINDOW_OF: c.id} for _, c, _ in part],
            )

    def commit(self, documents: list[DocumentSummary]) -> None:
        """Record the summary, flip the pointer to this collection, delete the old one."""
        meta = dict(self.collection.metadata or {})
        meta.pop("hnsw:space", None)
        meta.update(
            {
                "state": "complete",
                "chunk_count": self.count,
                "documents": json.dumps([asdict(d) for d in documents], ensure_ascii=False),
            }
        )
        self.collection.modify(metadata=meta)
        old = self.store._flip(self.name)
        if old and old != self.name:
            try:
                self.store.client.delete_collection(old)
            except Exception as exc:  # noqa: BLE001 - already gone is fine
                if not _is_not_found(exc):
                    raise

    def abort(self) -> None:
        try:
            self.store.client.delete_collection(self.name)
        except Exception:  # noqa: BLE001 - best effort; the next ingest cleans up too
            pass


def open_store(settings: "Settings") -> ChunkStore:
    return ChunkStore(settings)
