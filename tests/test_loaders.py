"""Loaders and manifest on small generated fixtures (tests/fixtures/ingest, see make_fixtures.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deelwijzer.config import PROJECT_ROOT
from ingest.errors import IngestError
from ingest.loaders import load_file
from ingest.manifest import load_manifest

FIX = PROJECT_ROOT / "tests" / "fixtures" / "ingest"


def test_pdf_text_and_page_numbers():
    loaded = load_file(FIX / "sample.pdf")
    assert [p for _, p in loaded.page_starts] == [1, 2]
    assert "De gemeente is verantwoordelijk voor de toeleiding naar hulp." in loaded.text
    second = loaded.page_starts[1][0]
    assert loaded.text[second:].startswith("2 Toestemming")
    assert loaded.page_at(second + 5) == 2 and loaded.page_at(3) == 1


def test_docx_headings_become_markdown_and_tables_are_kept():
    text = load_file(FIX / "sample.docx").text
    assert "# Handreiking gegevensdeling" in text
    assert "## Stap 1: Grondslag" in text
    assert "Ga eerst na of er een wettelijke grondslag is" in text
    assert "Toeleiding naar hulp door het wijkteam" in text


def test_html_drops_nav_script_style_footer():
    text = load_file(FIX / "sample.html").text
    assert "# Gegevens delen met Veilig Thuis" in text and "## Meldrecht" in text
    assert "beroepskrachten met een beroepsgeheim, zoals artsen" in text
    assert "Leg de afweging vast in het dossier." in text
    for junk in ("tracking", "color: black", "Home", "Copyright"):
        assert junk not in text


def test_markdown_and_cp1252_text():
    assert "## Noodzakelijkheid" in load_file(FIX / "sample.md").text
    loaded = load_file(FIX / "cp1252.txt")
    assert loaded.encoding == "cp1252"
    assert "De cliënt geeft toestemming" in loaded.text and "–" in loaded.text


def test_real_corpus_file_loads_as_utf8():
    loaded = load_file(PROJECT_ROOT / "corpus" / "nota-privacy-sociaal-domein-aa-en-hunze.txt")
    assert loaded.encoding == "utf-8" and loaded.page_starts == []
    assert "Aa en Hunze" in loaded.text


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("encrypted.pdf", "versleuteld"),
        ("junk.pdf", "PDF kan niet worden gelezen"),
        ("not_a_docx.docx", "geen geldig Word-document"),
        ("empty.txt", "leeg"),
        ("headings_only.md", "alleen koppen"),
        ("unknown.xyz", "onbekend bestandstype '.xyz'"),
        ("bestaat-niet.txt", "bestaat niet"),
    ],
)
def test_bad_files_raise_ingest_error_naming_file_and_reason(name, reason):
    with pytest.raises(IngestError) as info:
        load_file(FIX / name)
    err = info.value
    assert err.path.name == name
    assert reason in err.reason
    assert name in str(err) and err.hint in str(err)


def test_too_large_file_is_refused_before_reading(tmp_path: Path, monkeypatch):
    from ingest import loaders

    big = tmp_path / "groot.txt"
    big.write_text("Een regel lopende tekst over het delen van gegevens.\n" * 2000, encoding="utf-8")
    monkeypatch.setattr(loaders, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setitem(loaders._LOADERS, ".txt", lambda p: pytest.fail("file was read"))
    with pytest.raises(IngestError) as info:
        load_file(big)
    assert "te groot" in info.value.reason and "MB" in info.value.reason


def test_too_much_extracted_text_is_refused(tmp_path: Path, monkeypatch):
    from ingest import loaders

    doc = tmp_path / "lang.md"
    doc.write_text("# Lang\n\n" + "Een alinea over gegevensdeling in het sociaal domein.\n\n" * 100, encoding="utf-8")
    monkeypatch.setattr(loaders, "MAX_TEXT_CHARS", 1000)
    with pytest.raises(IngestError) as info:
        load_file(doc)
    assert "te veel tekst" in info.value.reason and "1.000" in info.value.reason


def test_limits_leave_room_for_the_real_corpus():
    from ingest import loaders

    for f in (PROJECT_ROOT / "corpus").glob("*.txt"):
        assert f.stat().st_size * 10 < loaders.MAX_FILE_BYTES
        assert len(load_file(f).text) * 4 < loaders.MAX_TEXT_CHARS


def test_manifest_reads_all_documents():
    docs = load_manifest(PROJECT_ROOT / "corpus")
    assert [d.doc_id for d in docs] == [
        "veiligheidshuizen", "toekomstscenario", "aa-en-hunze", "excessief-geweld", "pettenvraagstuk"]
    eras = {d.doc_id: d.legal_era for d in docs}
    assert eras["veiligheidshuizen"] == "wbp" and eras["excessief-geweld"] == "avg"
    assert all((PROJECT_ROOT / "corpus" / d.source_file).exists() for d in docs)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("documents: [\n  - id: x\n", "geen geldige YAML"),
        ("titel: geen lijst\n", "mist de lijst 'documents'"),
        ("documents:\n  - id: x\n    title: X\n", "mist veld(en) version, legal_era, source_file"),
        ("documents:\n  - {id: x, title: X, version: '1', legal_era: gdpr, source_file: x.txt}\n", "legal_era"),
        ("documents:\n  - {id: x, title: X, version: '1', legal_era: avg, source_file: x.txt}\n"
         "  - {id: x, title: Y, version: '1', legal_era: avg, source_file: y.txt}\n", "twee keer"),
    ],
)
def test_malformed_manifest_gives_clear_error(tmp_path: Path, content: str, reason: str):
    (tmp_path / "manifest.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        load_manifest(tmp_path)
    assert reason in str(info.value) and "manifest.yaml" in str(info.value)


def test_missing_manifest_means_no_documents(tmp_path: Path):
    assert load_manifest(tmp_path) == []


def test_fixture_generator_is_reproducible(tmp_path: Path):
    """make_fixtures.py recreates a PDF that loads the same way (the committed one is not magic)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FIX / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    target = tmp_path / "again.pdf"
    target.write_bytes(mod.minimal_pdf(mod.PAGE_TEXTS))
    assert load_file(target).text == load_file(FIX / "sample.pdf").text
    shutil.rmtree(tmp_path, ignore_errors=True)
