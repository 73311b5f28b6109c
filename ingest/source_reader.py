"""The rules' source document read as ingest reads it, for `deelwijzer rules validate`.

The rules package imports no ingest code: the validator takes a SourceReader, and this is the one
the command (and the tests) pass in: ingest's loaders (.txt, .pdf, .docx, ...), its cleaner, and
the sections it cuts the cleaned text into, so a cited heading is checked against what the index
sees.
"""

from __future__ import annotations

from pathlib import Path

from deelwijzer.rules.model import RuleError
from deelwijzer.rules.validate import SourceReader
from ingest.chunk import sections
from ingest.clean import clean_text
from ingest.errors import IngestError
from ingest.loaders import load_file


def _read(path: Path) -> str:
    try:
        return load_file(path).text
    except IngestError as exc:
        raise RuleError(str(exc)) from exc


def _sections(text: str, doc_id: str) -> list[tuple[tuple[str, ...], str]]:
    """(heading path, body) of every section ingest cuts the cleaned `text` into."""
    cleaned = clean_text(text, doc_id)
    return [(sec.heading_path, cleaned[sec.start:sec.end]) for sec in sections(cleaned, doc_id)]


INGEST_READER = SourceReader(read=_read, sections=_sections, clean=clean_text)
