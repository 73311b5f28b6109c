"""An edited new version of the real Justitie handreiking, and the same text as PDF and as DOCX.

Edits (each in a section the assertions can name):
- the Politie heading "Stap 8: Juist, actueel en toereikend" is renamed (the table of contents keeps
  the old wording, as a real edition that forgot its TOC would): rule step politie.8 cites it;
- a paragraph is inserted under "Vooraf › Groepsaanpak" (no rule cites it);
- a paragraph is deleted under "Vooraf › Inhoud handreiking" (no rule cites it);
- a sentence is reworded under "Stappenplan Politie › Stap 3: Geheimhouding" (cited by politie.3 only);
- the version in manifest.yaml goes from "mei 2023" to "juni 2024".
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from _corpus_helpers import AA, CORPUS, copy_corpus
from fixtures.ingest.make_fixtures import pdf_document

JUSTITIE = "handreiking-gegevensdeling-excessief-geweld-justitie-2023.txt"
DOC_ID = "excessief-geweld"
NEW_VERSION = "juni 2024"

OLD_HEADING = "Stap 8: Juist, actueel en toereikend"
NEW_HEADING = "Stap 8: Juist, actueel en volledig"
INSERT_AFTER = "Ook bij jongeren die buiten een aanpak vallen komt excessief geweld voor."
INSERTED = ("Sinds 2024 bespreken politie, jeugdbescherming en het wijkteam in een regionale weegtafel elke "
            "maand welke jongeren uit een jeugdgroep extra aandacht krijgen bij wapenbezit.")
DELETED = ("Het doel van deze handreiking is duidelijkheid te bieden in de mogelijkheden om gegevens te delen "
           "tussen organisaties om excessief geweld te voorkomen en te bestrijden.")
OLD_WORDING = "Van welke situatie in uw geval sprake is, wordt later in dit stappenplan behandeld."
NEW_WORDING = "Welke uitzondering in uw situatie geldt, leest u verderop in dit stappenplan."

SECTION_INSERT = "Vooraf › Groepsaanpak"
SECTION_DELETE = "Vooraf › Inhoud handreiking"
SECTION_REWORD = "Stappenplan Politie › Stap 3: Geheimhouding"
OLD_STEP_PATHS = [f"Stappenplan Politie › {OLD_HEADING}", f"Stappenplan Politie › {OLD_HEADING} › Let op!"]
NEW_STEP_PATHS = [p.replace(OLD_HEADING, NEW_HEADING) for p in OLD_STEP_PATHS]


def edited_text(text: str) -> str:
    for phrase in (INSERT_AFTER, DELETED, OLD_WORDING):
        assert text.count(phrase) == 1, phrase
    lines = text.split("\n")
    at = [i for i, line in enumerate(lines) if line.strip() == OLD_HEADING]
    assert len(at) == 1, at  # the heading itself; the TOC line ends in a page number
    lines[at[0]] = NEW_HEADING
    text = "\n".join(lines)
    text = text.replace(INSERT_AFTER, INSERT_AFTER + "\n\n" + INSERTED)
    text = text.replace("\n\n" + DELETED + "\n", "\n")
    assert DELETED not in text
    return text.replace(OLD_WORDING, NEW_WORDING)


def make_corpus(dest: Path, files: tuple[str, ...] = (JUSTITIE, AA)) -> Path:
    """A temporary corpus of the handreiking and one untouched handvat."""
    return copy_corpus(dest, files)


def set_manifest(corpus: Path, version: str, source_file: str) -> None:
    path = corpus / "manifest.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(d for d in data["documents"] if d["id"] == DOC_ID)
    entry["version"] = version
    entry["source_file"] = source_file
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_new_version(corpus: Path, fmt: str = "txt") -> Path:
    """The edited version as .txt, .pdf or .docx in `corpus`, with the manifest pointing at it."""
    text = edited_text((CORPUS / JUSTITIE).read_text(encoding="utf-8"))
    (corpus / JUSTITIE).unlink(missing_ok=True)
    target = corpus / JUSTITIE.replace(".txt", f".{fmt}")
    if fmt == "txt":
        target.write_text(text, encoding="utf-8")
    elif fmt == "pdf":
        target.write_bytes(text_pdf(text))
    elif fmt == "docx":
        text_docx(text, target, heading_lines(text))
    else:
        raise ValueError(fmt)
    set_manifest(corpus, NEW_VERSION, target.name)
    return target


def heading_lines(text: str) -> set[str]:
    """The lines ingest cuts this text at (its headings), as they stand in the text."""
    from ingest.chunking.headings import find_headings
    from ingest.clean import clean_text

    lines = clean_text(text, DOC_ID).split("\n")
    return {lines[h.line].strip() for h in find_headings(lines, DOC_ID) if h.end == h.line + 1}


# --- writers --------------------------------------------------------------------------------------
_MENU_START = re.compile(r"^\W{0,3}Inleiding\b")


def _page_menu_starts(lines: list[str], i: int) -> bool:
    """Line i opens the page menu of the original PDF (not the table of contents: "Inleiding 87")."""
    if not _MENU_START.match(lines[i]) or re.search(r"\d\s*$", lines[i]):
        return False
    nxt = next((x for x in lines[i + 1:i + 4] if x.strip()), "")
    return ">" in lines[i] or ">" in nxt


def text_pdf(text: str, min_lines: int = 20) -> bytes:
    """A PDF with one text line per source line. Pages start where the handreiking's own pages
    started: at its page menu ("Inleiding >" / "[Inleiding >](#)…", repeated on every page of the
    original), so ingest's page-by-page cleaning sees each menu whole, as in a real export of it.

    Written by tests/fixtures/ingest/make_fixtures.py's hand-made writer (no PDF library is installed):
    Helvetica with WinAnsiEncoding, so accented letters survive; the one glyph it lacks, the square
    '■' before some step headings, is left out (ingest strips it from headings anyway). A blank line
    is an empty line of the page: a vertical gap, as between paragraphs of a typeset page."""
    lines = text.split("\n")
    pages: list[list[str]] = [[]]
    for i, line in enumerate(lines):
        if len(pages[-1]) >= min_lines and _page_menu_starts(lines, i):
            pages.append([])
        pages[-1].append(re.sub(r"^■\s*", "", line))
    return pdf_document(pages, size=9, leading=11, left=30, top=810, encoding="WinAnsiEncoding")


def text_docx(text: str, path: Path, headings: set[str] | None = None) -> None:
    """A Word document (python-docx) with one paragraph per block of the text; lines inside a block
    are kept as line breaks. Blocks in `headings` get a Word heading style (Kop 2), as an editor
    would format them."""
    import docx

    document = docx.Document()
    for block in re.split(r"\n\s*\n", text):
        if not block.strip():
            continue
        if headings and block.strip() in headings:
            document.add_heading(block.strip(), level=2)
            continue
        para = document.add_paragraph()
        for j, line in enumerate(block.split("\n")):
            run = para.add_run(line)
            if j < len(block.split("\n")) - 1:
                run.add_break()
    document.save(str(path))
