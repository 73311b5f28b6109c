"""`chunk_document(doc, text)`: cut a cleaned document along its own headings.

A chunk never straddles two sections; long sections are split at paragraph boundaries
(see `chunking.split`). `chunk.text` is body text only; the heading path travels in
`chunk.heading_path` (the embedder and BM25 prepend it). A heading without body text gives
no chunk. A heading repeated as a page header (same path again) continues its section."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from deelwijzer.models import Chunk, DocumentInfo
from ingest.chunking.headings import Heading, find_headings
from ingest.chunking.split import split_section


_MIN_PREAMBLE_WORDS = 20


@dataclass(frozen=True)
class Section:
    heading_path: tuple[str, ...]
    start: int  # char offsets of the body in the cleaned text
    end: int


def sections(text: str, doc_id: str) -> list[Section]:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    heads = find_headings(lines, doc_id)
    out: list[Section] = []
    stack: list[Heading] = []
    path: tuple[str, ...] = ()
    body_start = 0
    for h in heads:
        out.append(Section(path, body_start, min(offsets[h.line], len(text))))
        stack = [s for s in stack if s.level < h.level] + [h]
        path = tuple(s.text for s in stack)
        body_start = min(offsets[h.end] + (h.body_col if h.end == h.line else 0), len(text))
    out.append(Section(path, body_start, len(text)))
    return _merge_repeats(out, text)


def _merge_repeats(secs: list[Section], text: str) -> list[Section]:
    """Consecutive sections with the same path (a heading repeated as page header) become one;
    empty ones (heading without body) disappear."""
    merged: list[Section] = []
    for s in secs:
        if not text[s.start:s.end].strip() and not (merged and merged[-1].heading_path == s.heading_path):
            merged.append(s)
            continue
        if merged and merged[-1].heading_path == s.heading_path:
            merged[-1] = Section(s.heading_path, merged[-1].start, s.end)
        else:
            merged.append(s)
    return [s for s in merged if text[s.start:s.end].strip()]


def chunk_document(doc: DocumentInfo, text: str, page_starts: list[tuple[int, int]] | None = None) -> list[Chunk]:
    chunks: list[Chunk] = []
    for sec in sections(text, doc.doc_id):
        if not sec.heading_path and len(text[sec.start:sec.end].split()) < _MIN_PREAMBLE_WORDS:
            continue  # the title page before the first heading is no passage
        for a, b in split_section(text, sec.start, sec.end):
            body = text[a:b]
            if not body.strip():
                continue
            ordinal = len(chunks)
            chunks.append(Chunk(
                id=chunk_id(doc.doc_id, doc.version, ordinal, body),
                doc_id=doc.doc_id,
                title=doc.title,
                version=doc.version,
                legal_era=doc.legal_era,
                source_file=doc.source_file,
                heading_path=sec.heading_path,
                ordinal=ordinal,
                text=body,
                char_start=a,
                char_end=b,
                content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
                page=_page_at(page_starts, a),
            ))
    return chunks


def chunk_id(doc_id: str, version: str, ordinal: int, text: str) -> str:
    return hashlib.sha256(f"{doc_id}|{version}|{ordinal}|{text}".encode("utf-8")).hexdigest()[:32]


def _page_at(page_starts: list[tuple[int, int]] | None, offset: int) -> int | None:
    page = None
    for start, number in page_starts or ():
        if start > offset:
            break
        page = number
    return page
