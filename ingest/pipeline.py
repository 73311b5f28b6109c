"""Ingest: prepared chunks -> embeddings (cached) -> a new complete index -> atomic switch.

The desired index is computed first (all chunks of the documents that parsed, plus the previous
chunks of documents that failed or were not part of this run). If it equals the active index, nothing
is embedded and no collection is written. Otherwise a new collection is built from copied vectors
(unchanged chunks) and new embeddings (changed chunks, via the on-disk cache), and the store flips to
it in one step (see deelwijzer/store.py). The old index serves until that flip.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from deelwijzer.embed import (PASSAGE_FORMAT, WINDOW_SEP, embedder_name, get_embedder, passage_text, window_id,
                             window_texts)
from deelwijzer.embed_cache import EmbeddingCache, text_key
from deelwijzer.models import Chunk
from deelwijzer.store import HNSW_EF_SEARCH, DocumentSummary, open_store
from deelwijzer.versions import Changes, VersionHistory, diff_sections, make_entry, rules_review, sections_of

if TYPE_CHECKING:
    from deelwijzer.config import Settings

Progress = Callable[[int, int, str], None]
EMBED_BATCH = 16  # chunks per embedding call (batching is ~2x faster than one by one)
SKIP_NAMES = {"manifest.yaml", "manifest.yml", "README.md"}
log = logging.getLogger(__name__)


@dataclass
class DocumentReport:
    doc_id: str
    title: str
    version: str
    status: str  # added | updated | unchanged | removed
    chunks: int
    # For an updated document: the version it replaced and the sections added, removed and changed.
    previous_version: str = ""
    changes: Changes | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"doc_id": self.doc_id, "title": self.title, "version": self.version,
                             "status": self.status, "chunks": self.chunks}
        if self.status == "updated":
            d["previous_version"] = self.previous_version
            d["changes"] = (self.changes or Changes()).to_dict()
        return d


@dataclass
class FileError:
    file: str
    reason: str
    kept_previous: bool = False  # the document's previous chunks keep serving
    hint: str = ""  # what to do (Dutch)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"file": self.file, "reason": self.reason, "kept_previous": self.kept_previous}
        if self.hint:
            d["hint"] = self.hint
        return d


@dataclass
class IngestReport:
    documents: list[DocumentReport] = field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    errors: list[FileError] = field(default_factory=list)
    chunks_embedded: int = 0  # cache misses actually sent to the model
    windows_embedded: int = 0  # the same for passage windows (embed.window_texts)
    generation: str = ""
    # Rule citations to review: {plan, step, kind (heading|anchor|changed), cited, suggestion}.
    rules_review: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # Dutch, what to do

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": [d.to_dict() for d in self.documents],
            "chunks_added": self.chunks_added,
            "chunks_removed": self.chunks_removed,
            "chunks_total": self.chunks_total,
            "seconds": round(self.seconds, 3),
            "errors": [e.to_dict() for e in self.errors],
            "rules_review": [dict(r) for r in self.rules_review],
            **({"warnings": list(self.warnings)} if self.warnings else {}),
        }


def _expand(paths: list[Path]) -> list[Path]:
    """Directories become their files (recursively, sorted); the manifest itself is skipped.
    Paths that do not exist are passed on so the preparer reports them by name."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and f.name not in SKIP_NAMES and not f.name.startswith(".")
            )
        else:
            out.append(p)
    return out


def _is_full_corpus(settings: "Settings", paths: list[Path] | None) -> bool:
    if paths is None:
        return True
    corpus = settings.corpus_dir.resolve()
    return any(p.is_dir() and p.resolve() == corpus for p in paths)


def _manifest_docs(corpus_dir: Path) -> dict[str, str]:
    """source file name -> document id, from the manifest ({} when it cannot be read)."""
    from ingest.errors import IngestError
    from ingest.manifest import load_manifest

    try:
        return {Path(d.source_file).name: d.doc_id for d in load_manifest(corpus_dir)}
    except IngestError:
        return {}


def _error_fields(err: Any) -> tuple[str, str]:
    path = getattr(err, "path", None) or getattr(err, "file", None) or ""
    reason = getattr(err, "reason", None) or str(err)
    return str(path), str(reason)


def _embed_missing(settings: "Settings", items: list[tuple[str, str]], progress: Progress | None,
                   report: IngestReport) -> dict[str, np.ndarray]:
    """Vectors for (record id, embedded text) items by id: from the cache, the rest from the model
    (then cached). Records are passages (`passage_text`) and their windows (`window_texts`)."""
    if not items:
        return {}
    name = embedder_name(settings.embedder)
    cache = EmbeddingCache(settings.embedding_cache_path)
    try:
        texts = dict(items)
        cached = cache.get_many(name, list(texts.values()))
        todo = [rid for rid in texts if text_key(texts[rid]) not in cached]
        out = {rid: cached[text_key(t)] for rid, t in texts.items() if text_key(t) in cached}
        if todo:
            embedder = get_embedder(settings)
            total = len(todo)
            if progress:
                progress(0, total, "Passages embedden")
            for i in range(0, total, EMBED_BATCH):
                part = todo[i : i + EMBED_BATCH]
                part_texts = [texts[rid] for rid in part]
                vectors = embedder.embed_passages(part_texts)
                cache.put_many(name, part_texts, vectors)  # committed per batch: a kill loses little
                for rid, v in zip(part, vectors):
                    out[rid] = v
                windows = sum(1 for rid in part if WINDOW_SEP in rid)
                report.windows_embedded += windows
                report.chunks_embedded += len(part) - windows
                if progress:
                    progress(min(i + len(part), total), total, "Passages embedden")
        return out
    finally:
        cache.close()


@contextlib.contextmanager
def _ingest_lock(settings: "Settings"):
    """One ingest at a time per data dir: a second one waits instead of deleting the first one's
    half-built collection as a leftover. (Against a shared Chroma server, run one ingest job.)"""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "ingest.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def run_ingest(settings: "Settings", paths: list[Path] | None = None, progress: Progress | None = None,
               rebuild: bool = False) -> IngestReport:
    """Bring the index in line with the documents at `paths` (default: the whole corpus).

    Only a whole-corpus run (no paths, or the corpus directory itself) removes documents that are
    no longer there; explicit files update just those documents."""
    with _ingest_lock(settings):
        return _run_ingest(settings, paths, progress, rebuild)


def _run_ingest(settings: "Settings", paths: list[Path] | None, progress: Progress | None,
                rebuild: bool) -> IngestReport:
    from ingest.prepare import prepare_documents

    started = time.perf_counter()
    report = IngestReport()
    paths = [Path(p) for p in paths] if paths else None
    full = _is_full_corpus(settings, paths)
    files = _expand(paths if paths is not None else [settings.corpus_dir])

    if progress:
        progress(0, 1, "Documenten lezen")
    prepared = prepare_documents(files, settings.corpus_dir)

    store = open_store(settings)
    old_meta = store.active_meta() or {}
    old = store.active_records()  # id -> (text, metadata)
    old_by_doc: dict[str, dict[str, tuple[str, dict]]] = {}
    for cid, (text, meta) in old.items():
        old_by_doc.setdefault(str(meta.get("doc_id", "")), {})[cid] = (text, meta)
    old_doc_by_file = {
        str(meta.get("source_file", "")): str(meta.get("doc_id", "")) for _, meta in old.values()
    }

    # Desired state, document by document.
    desired: dict[str, Chunk] = {}
    kept_docs: set[str] = set()  # documents whose previous chunks stay as they were
    new_docs = {info.doc_id: (info, chunks) for info, chunks in prepared.documents}
    manifest_doc_by_file = _manifest_docs(settings.corpus_dir)
    for err in prepared.errors:
        path, reason = _error_fields(err)
        # The failed file's document: by its file name in the index, or by the manifest entry that
        # names it (a new edition delivered under another file name, e.g. .pdf instead of .txt).
        doc_id = old_doc_by_file.get(Path(path).name) or manifest_doc_by_file.get(Path(path).name)
        kept = bool(doc_id) and doc_id in old_by_doc and doc_id not in new_docs
        if kept:
            kept_docs.add(doc_id)  # type: ignore[arg-type]
        report.errors.append(FileError(path, reason, kept_previous=kept, hint=str(getattr(err, "hint", "") or "")))
    if not full:  # an explicit subset never removes the documents it does not mention
        kept_docs |= set(old_by_doc) - set(new_docs)

    for doc_id in kept_docs:
        for cid, (text, meta) in old_by_doc.get(doc_id, {}).items():
            desired[cid] = Chunk.from_metadata(cid, text, meta)
    for info, chunks in new_docs.values():
        for c in chunks:
            desired[c.id] = c

    # Diff against the active index: ids and the stored metadata (a moved file keeps its ids).
    added_ids = [cid for cid in desired if cid not in old]
    removed_ids = [cid for cid in old if cid not in desired]
    changed_meta = any(
        desired[cid].metadata() != old[cid][1] or desired[cid].text != old[cid][0]
        for cid in desired if cid in old
    )
    want_embedder = embedder_name(settings.embedder)
    # Another embedder, or vectors composed from other text (PASSAGE_FORMAT): re-embed everything.
    embedder_changed = bool(old) and (old_meta.get("embedder") != want_embedder
                                      or old_meta.get("passage_format") != PASSAGE_FORMAT)
    # Same vectors, older search settings (store.HNSW_EF_SEARCH): rebuilt from the stored vectors.
    search_settings_changed = bool(old) and old_meta.get("hnsw_ef_search") != HNSW_EF_SEARCH
    report.chunks_added = len(added_ids)
    report.chunks_removed = len(removed_ids)

    for doc_id, (info, chunks) in sorted(new_docs.items()):
        before = set(old_by_doc.get(doc_id, {}))
        now = {c.id for c in chunks}
        status = "added" if not before else ("unchanged" if before == now else "updated")
        report.documents.append(DocumentReport(doc_id, info.title, info.version, status, len(chunks)))
    for doc_id in sorted(set(old_by_doc) - set(new_docs) - kept_docs):
        meta = next(iter(old_by_doc[doc_id].values()))[1]
        report.documents.append(DocumentReport(
            doc_id, str(meta.get("title", "")), str(meta.get("version", "")), "removed", 0))

    new_chunks_by_doc = {doc_id: chunks for doc_id, (_, chunks) in new_docs.items()}
    old_chunks_by_doc = {
        d.doc_id: [Chunk.from_metadata(cid, text, meta) for cid, (text, meta) in old_by_doc.get(d.doc_id, {}).items()]
        for d in report.documents if d.status == "updated"
    }
    changes: dict[str, Changes] = {}
    for d in report.documents:
        if d.status == "updated":
            old_chunks = old_chunks_by_doc[d.doc_id]
            d.previous_version = old_chunks[0].version if old_chunks else ""
            d.changes = changes[d.doc_id] = diff_sections(sections_of(old_chunks), sections_of(new_chunks_by_doc[d.doc_id]))
    touched = {d.doc_id for d in report.documents if d.status in ("added", "updated")}
    report.rules_review = _rules_review(settings, {k: v for k, v in new_chunks_by_doc.items() if k in touched},
                                        old_chunks_by_doc, changes)
    removed_docs = {d.doc_id for d in report.documents if d.status == "removed"}
    for doc_id in sorted(removed_docs & _rule_sources(settings)):
        report.warnings.append(
            f"'{doc_id}' is de bron van de stappenplannen (rules/*.yaml) en staat niet meer in de index: de "
            "regels kunnen hun passages niet meer tonen. Is er een nieuwe versie onder een andere bestandsnaam? "
            f"Zet dan source_file van '{doc_id}' in manifest.yaml op die naam en lees opnieuw in.")

    nothing_to_do = not (added_ids or removed_ids or changed_meta or embedder_changed or rebuild
                         or search_settings_changed)
    if nothing_to_do and (old or not desired):
        store.cleanup_leftovers()
        if old:
            store.touch_last_ingest()
        report.chunks_total = len(old)
        report.generation = store.generation()
        _record_history(settings, report, new_docs, old_chunks_by_doc)
        report.seconds = time.perf_counter() - started
        if progress:
            progress(1, 1, "Index is al actueel")
        return report

    store.cleanup_leftovers()  # half-built collections of a killed run
    ordered = sorted(desired.values(), key=lambda c: (c.doc_id, c.ordinal, c.id))
    windows = [(window_id(c.id, n), c, text) for c in ordered for n, text in enumerate(window_texts(c), start=1)]
    copy_ids = [] if (embedder_changed or rebuild) else (
        [c.id for c in ordered if c.id in old] + [wid for wid, c, _ in windows if c.id in old])
    vectors = store.read_records(copy_ids)
    vectors.update(_embed_missing(
        settings,
        [(c.id, passage_text(c)) for c in ordered if c.id not in vectors]
        + [(wid, text) for wid, _, text in windows if wid not in vectors],
        progress, report))

    embedder_dim = (int(next(iter(vectors.values())).shape[0]) if vectors
                    else int(old_meta.get("dim") or 0))
    if progress:
        progress(0, 1, "Index opbouwen")
    build = store.begin_build(want_embedder, embedder_dim, PASSAGE_FORMAT)
    try:
        if ordered:
            build.add(ordered, np.stack([vectors[c.id] for c in ordered]))
        if windows:
            build.add_windows(windows, np.stack([vectors[wid] for wid, _, _ in windows]))
        summaries: dict[str, DocumentSummary] = {}
        for c in ordered:
            s = summaries.get(c.doc_id)
            summaries[c.doc_id] = DocumentSummary(
                c.doc_id, c.title, c.version, (s.chunks if s else 0) + 1, c.source_file)
        build.commit(list(summaries.values()))
    except BaseException:
        build.abort()
        raise
    report.chunks_total = build.count
    report.generation = build.name
    _record_history(settings, report, new_docs, old_chunks_by_doc)  # only once the new index is active
    report.seconds = time.perf_counter() - started
    if progress:
        progress(1, 1, "Klaar")
    return report


def _rules_review(settings: "Settings", new_chunks: dict[str, list[Chunk]], old_chunks: dict[str, list[Chunk]],
                  changes: dict[str, Changes]) -> list[dict[str, Any]]:
    """Rule citations the (re)indexed documents no longer carry, and steps whose section changed."""
    if not new_chunks:
        return []
    try:
        from deelwijzer.rules import load_rules

        ruleset = load_rules(settings.rules_dir)
    except Exception as exc:  # noqa: BLE001 - broken rules must not stop an ingest; validate names them
        log.warning("Regels niet te laden voor de regelcontrole na inlezen: %s", exc)
        return []
    return rules_review(ruleset, new_chunks, old_chunks, changes)


def _rule_sources(settings: "Settings") -> set[str]:
    try:
        from deelwijzer.rules import load_rules
        from deelwijzer.versions import plan_sources

        return {doc for doc, _ in plan_sources(load_rules(settings.rules_dir)).values()}
    except Exception:  # noqa: BLE001
        return set()


def _record_history(settings: "Settings", report: IngestReport, new_docs: dict[str, tuple[Any, list[Chunk]]],
                    old_chunks: dict[str, list[Chunk]]) -> None:
    """Append a version-history entry for every document this ingest added or changed (and a baseline
    for documents without history). Runs only after the new index is active; each file is replaced
    atomically, so a failed ingest never loses or half-writes history."""
    history = VersionHistory(settings.data_dir)
    try:
        for d in report.documents:
            if d.doc_id not in new_docs:
                continue
            info, chunks = new_docs[d.doc_id]
            latest = history.latest(d.doc_id)
            new_sections = sections_of(chunks)
            if latest is None and d.status == "updated" and old_chunks.get(d.doc_id):
                before = old_chunks[d.doc_id]
                history.append(d.doc_id, make_entry(d.doc_id, before[0].title, before[0].version,
                                                    sections_of(before), recorded=""))
                latest = history.latest(d.doc_id)
            # (An unchanged document whose last recorded version differs from the index, e.g. after a
            # kill between the index switch and this write, is caught up here.)
            since = diff_sections(latest["sections"], new_sections) if latest is not None else None
            if latest is not None and latest.get("version") == info.version and since.empty:
                continue
            history.append(d.doc_id, make_entry(
                d.doc_id, info.title, info.version, new_sections, document_date=info.date,
                generation=report.generation, changes=since,
                previous_version=str(latest.get("version", "")) if latest else "",
                rules_review=_review_for(report.rules_review, d.doc_id, settings)))
    except OSError as exc:
        log.warning("Versiegeschiedenis niet bijgewerkt (%s); de index zelf is wel bijgewerkt.", exc)


def _review_for(review: list[dict[str, Any]], doc_id: str, settings: "Settings") -> list[dict[str, Any]]:
    """The review items of one document (plans whose source is `doc_id`)."""
    if not review:
        return []
    try:
        from deelwijzer.rules import load_rules
        from deelwijzer.versions import plan_sources

        sources = plan_sources(load_rules(settings.rules_dir))
    except Exception:  # noqa: BLE001
        return list(review)
    return [r for r in review if sources.get(r["plan"], (doc_id, ""))[0] == doc_id]
