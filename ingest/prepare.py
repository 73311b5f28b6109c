"""`prepare_documents(paths, corpus_dir)`: load, clean and chunk every document; no embedding.

Files listed in corpus/manifest.yaml get their manifest DocumentInfo; other supported files get
one derived from the file itself (id from the name, version from the content hash). One bad file
never stops the others: its IngestError is collected in `errors`."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from deelwijzer.models import Chunk, DocumentInfo
from ingest.chunk import chunk_document
from ingest.clean import clean_text
from ingest.errors import IngestError
from ingest.loaders import SUPPORTED_EXTENSIONS, LoadedText, load_file
from ingest.manifest import MANIFEST_NAME, load_manifest


@dataclass
class PreparedCorpus:
    documents: list[tuple[DocumentInfo, list[Chunk]]] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)


def prepare_documents(paths: list[Path] | None, corpus_dir: Path) -> PreparedCorpus:
    """Raises IngestError only for a malformed manifest (it describes every document)."""
    corpus_dir = Path(corpus_dir)
    manifest = load_manifest(corpus_dir)
    by_path = {(corpus_dir / d.source_file).resolve(): d for d in manifest}
    result = PreparedCorpus()
    files: list[Path] = []
    if paths is None:
        files = [corpus_dir / d.source_file for d in manifest]
        files += [p for p in _scan_dir(corpus_dir, result) if p.resolve() not in by_path]
    else:
        for p in map(Path, paths):
            files.extend(_scan_dir(p, result) if p.is_dir() else [p])
    seen: set[Path] = set()
    used_ids = {d.doc_id for d in manifest}
    for path in files:
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        try:
            if key in by_path and not path.exists():
                raise IngestError(path, f"staat in {MANIFEST_NAME} (document '{by_path[key].doc_id}') maar bestaat niet",
                                  f"Zet source_file van '{by_path[key].doc_id}' in {MANIFEST_NAME} op de naam van het "
                                  "nieuwe bestand, of zet het bestand terug; tot dan blijft de vorige versie in de index.")
            loaded = load_file(path)
            info = by_path.get(key) or derive_info(path, loaded, used_ids)
            used_ids.add(info.doc_id)
            chunks = prepare_one(info, loaded, path)
        except IngestError as exc:
            result.errors.append(exc)
            continue
        result.documents.append((info, chunks))
    return result


def prepare_one(info: DocumentInfo, loaded: LoadedText, path: Path) -> list[Chunk]:
    if loaded.page_starts:
        text, page_starts = _clean_pages(loaded, info.doc_id)
    else:
        text, page_starts = clean_text(loaded.text, info.doc_id), None
    chunks = chunk_document(info, text, page_starts=page_starts)
    if not chunks:
        raise IngestError(path, "na het opschonen bleef geen lopende tekst over",
                          "Controleer of het document echte tekst bevat (geen scan of alleen koppen).")
    return chunks


def _clean_pages(loaded: LoadedText, doc_id: str) -> tuple[str, list[tuple[int, int]]]:
    """Clean page by page so every chunk keeps the page it starts on."""
    bounds = [s for s, _ in loaded.page_starts] + [len(loaded.text)]
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    offset = 0
    for (start, number), end in zip(loaded.page_starts, bounds[1:]):
        page = clean_text(loaded.text[start:end], doc_id).strip()
        if not page:
            continue
        starts.append((offset, number))
        parts.append(page)
        offset += len(page) + 2
    return "\n\n".join(parts) + "\n", starts


def _scan_dir(directory: Path, result: PreparedCorpus) -> list[Path]:
    found: list[Path] = []
    for p in sorted(directory.rglob("*")):
        if not p.is_file() or p.name == MANIFEST_NAME or any(part.startswith(".") for part in p.relative_to(directory).parts):
            continue
        if p.suffix.lower() in SUPPORTED_EXTENSIONS:
            found.append(p)
        else:
            result.errors.append(IngestError(p, f"onbekend bestandstype '{p.suffix or '(geen extensie)'}'",
                                             f"Ondersteund: {', '.join(SUPPORTED_EXTENSIONS)}."))
    return found


def derive_info(path: Path, loaded: LoadedText, used_ids: set[str]) -> DocumentInfo:
    """DocumentInfo for a file that is not in the manifest."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    base = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "document"
    doc_id, n = base, 2
    while doc_id in used_ids:
        doc_id, n = f"{base}-{n}", n + 1
    return DocumentInfo(
        doc_id=doc_id,
        title=_first_heading(loaded.text) or path.stem,
        publisher="",
        version="sha:" + digest[:12],
        date="",
        legal_era="avg",
        source_file=path.name,
        original_file=path.name,
    )


def _first_heading(text: str) -> str:
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        s = re.sub(r"^#{1,6}\s+", "", s)
        return s[:120] if len(s) <= 120 else ""
    return ""
