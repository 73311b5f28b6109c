"""File loaders: one function per format, all returning LoadedText.

Formats with structure (docx, html) render their headings as markdown `#` lines so the
generic chunking profile can find them; PDFs keep their page numbers as offsets."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError

SUPPORTED_EXTENSIONS = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
# Size limits. The largest handvat is ~0.4 MB of text (~500 chunks); embedding runs at ~0.5 s per
# chunk on 2 cores, so 3 million characters (~3,500 chunks, ~30 min) is the most one document may
# cost. Files over 40 MB are refused before they are read (PDFs with images stay well under it).
MAX_FILE_BYTES = 40_000_000
MAX_TEXT_CHARS = 3_000_000
# Body text: some line that is not a heading and carries a few words.
_MIN_BODY_WORDS = 4


@dataclass(frozen=True)
class LoadedText:
    text: str
    # (character offset in `text`, 1-based page number) for every page start, when known.
    page_starts: list[tuple[int, int]] = field(default_factory=list)
    encoding: str = "utf-8"

    def page_at(self, offset: int) -> int | None:
        page = None
        for start, number in self.page_starts:
            if start > offset:
                break
            page = number
        return page


def load_file(path: Path | str) -> LoadedText:
    path = Path(path)
    if not path.exists():
        raise IngestError(path, "bestand bestaat niet", "Controleer het pad.")
    if not path.is_file():
        raise IngestError(path, "dit is geen bestand", "Geef een bestand of een map met bestanden op.")
    ext = path.suffix.lower()
    loader = _LOADERS.get(ext)
    if loader is None:
        raise IngestError(path, f"onbekend bestandstype '{ext or '(geen extensie)'}'",
                          f"Ondersteund: {', '.join(SUPPORTED_EXTENSIONS)}.")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path, "bestand is leeg", "Lever het document opnieuw aan.")
    if size > MAX_FILE_BYTES:  # refused before reading: a huge file never reaches memory
        raise IngestError(path, f"bestand is te groot ({size / 1e6:.1f} MB; maximaal {MAX_FILE_BYTES / 1e6:.0f} MB)",
                          "Splits het document in delen of lever alleen de tekst aan.")
    loaded = loader(path)
    if len(loaded.text) > MAX_TEXT_CHARS:
        raise IngestError(path, f"document bevat te veel tekst ({len(loaded.text):,} tekens; maximaal "
                                f"{MAX_TEXT_CHARS:,})".replace(",", "."),
                          "Splits het document in delen.")
    _require_body(path, loaded.text)
    return loaded


def _require_body(path: Path, text: str) -> None:
    if not text.strip():
        raise IngestError(path, "bestand bevat geen tekst", "Lever een tekstversie aan (gescand document?).")
    for line in text.splitlines():
        if not _MD_HEADING.match(line) and len(line.split()) >= _MIN_BODY_WORDS:
            return
    raise IngestError(path, "bestand bevat alleen koppen of losse woorden, geen lopende tekst",
                      "Controleer of de inhoud van het document wel is meegekomen.")


def _load_text(path: Path) -> LoadedText:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return LoadedText(text=_normalise_newlines(text), encoding=encoding.replace("-sig", ""))
    raise IngestError(path, "tekstcodering niet herkend", "Sla het bestand op als UTF-8.")  # pragma: no cover


def _load_pdf(path: Path) -> LoadedText:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            # An empty user password still opens many "protected" PDFs; anything else cannot.
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 - pypdf raises several types for unsupported crypto
                ok = 0
            if not ok:
                raise IngestError(path, "PDF is versleuteld met een wachtwoord",
                                  "Lever een onbeveiligde versie aan.")
        pages = [_pdf_page_text(page) for page in reader.pages]
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for damaged files
        raise IngestError(path, f"PDF kan niet worden gelezen ({type(exc).__name__})",
                          "Controleer of het een geldig PDF-bestand is.") from exc
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    offset = 0
    for number, page_text in enumerate(pages, start=1):
        page_text = _normalise_newlines(page_text).strip("\n")
        starts.append((offset, number))
        parts.append(page_text)
        offset += len(page_text) + 2
    return LoadedText(text="\n\n".join(parts), page_starts=starts)


def _pdf_page_text(page) -> str:
    """A page's text with its paragraph breaks. pypdf's plain extraction puts every line directly
    under the one before, so the blank line between two paragraphs (a vertical gap on the page) is
    lost, and with it the headings the chunker finds by the blank lines around them. Layout mode
    keeps vertical gaps as blank lines; its horizontal padding is collapsed to single spaces."""
    try:
        text = page.extract_text(extraction_mode="layout") or ""
    except Exception:  # noqa: BLE001 - layout mode is newer and stricter; plain text is the fallback
        return page.extract_text() or ""
    return "\n".join(" ".join(line.split()) for line in _normalise_newlines(text).split("\n")).strip("\n")


def _load_docx(path: Path) -> LoadedText:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(path, "geen geldig Word-document (.docx)",
                          "Sla het document opnieuw op als .docx.") from exc
    blocks: list[str] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        level = _docx_heading_level(para.style.name if para.style is not None else "")
        blocks.append(f"{'#' * level} {text}" if level else text)
    for table in document.tables:  # tables after the running text: their cells are still content
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                blocks.append(" | ".join(dict.fromkeys(cells)))
    return LoadedText(text="\n\n".join(blocks))


def _docx_heading_level(style_name: str) -> int:
    m = re.match(r"(?:Heading|Kop)\s*(\d)", style_name or "")
    if m:
        return int(m.group(1))
    return 1 if style_name == "Title" else 0


_HTML_DROP = ("script", "style", "nav", "noscript", "header", "footer", "aside", "form", "template")
_HTML_BLOCKS = ("p", "li", "td", "th", "div", "section", "article", "br", "tr", "blockquote", "pre", "dd", "dt")


def _load_html(path: Path) -> LoadedText:
    from bs4 import BeautifulSoup

    raw = _load_text(path).text
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup.find_all(_HTML_DROP):
        tag.decompose()
    for level in range(1, 7):
        for h in soup.find_all(f"h{level}"):
            h.replace_with(f"\n\n{'#' * level} {' '.join(h.get_text(' ').split())}\n\n")
    for tag in soup.find_all(_HTML_BLOCKS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    body = soup.body or soup
    text = body.get_text()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return LoadedText(text=re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n")


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")


_LOADERS = {
    ".txt": _load_text,
    ".md": _load_text,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
    ".html": _load_html,
    ".htm": _load_html,
}
