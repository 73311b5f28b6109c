"""Version history, section diff, word diff and the `versions` / `diff` commands (no embedder, no
Chroma: sections are built from hand-made chunks), and `rules validate` on the configured corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from deelwijzer.cli import main
from deelwijzer.config import PROJECT_ROOT, get_settings
from deelwijzer.models import Chunk
from deelwijzer.versions import (HistoryError, VersionHistory, diff_entries, diff_sections, make_entry,
                                 section_keys, sections_of, stale_mark, word_diff_markdown)


def chunk(ordinal: int, path: tuple[str, ...], text: str, version: str = "1", doc: str = "doc") -> Chunk:
    return Chunk(id=f"{doc}-{version}-{ordinal}", doc_id=doc, title="Handvat", version=version, legal_era="avg",
                 source_file="x.txt", heading_path=path, ordinal=ordinal, text=text, char_start=0, char_end=0,
                 content_hash="")


V1 = [chunk(0, ("A",), "Eerste alinea."), chunk(1, ("A",), "Tweede alinea van A."),
      chunk(2, ("A", "Stap 5"), "Noodzakelijk voor de burgemeester."), chunk(3, ("B",), "Tekst van B."),
      chunk(4, ("A", "Stap 5"), "Noodzakelijk voor het OM."), chunk(5, ("C",), "Oude tekst van C.")]
V2 = [chunk(0, ("A",), "Eerste   alinea.\nTweede alinea van A.", "2"),  # re-wrapped only: no change
      chunk(1, ("A", "Stap 5"), "Noodzakelijk voor de burgemeester.", "2"),
      chunk(2, ("B2",), "Tekst van B.", "2"),  # renamed heading
      chunk(3, ("A", "Stap 5"), "Noodzakelijk voor het Openbaar Ministerie.", "2"),
      chunk(4, ("C",), "Oude tekst van C.", "2")]


def test_sections_merge_runs_and_number_repeated_paths():
    secs = sections_of(V1)
    assert [s.key for s in secs] == ["A", "A › Stap 5", "B", "A › Stap 5 [2]", "C"]
    assert secs[0].text == "Eerste alinea.\n\nTweede alinea van A."
    keys = section_keys(V1)
    assert keys["doc-1-4"] == "A › Stap 5 [2]" and keys["doc-1-1"] == "A"


def test_diff_names_added_removed_changed_and_ignores_whitespace():
    ch = diff_sections(sections_of(V1), sections_of(V2))
    assert ch.to_dict() == {"added": ["B2"], "removed": ["B"], "changed": ["A › Stap 5 [2]"]}
    assert diff_sections(sections_of(V1), sections_of(V1)).empty


def test_word_diff_markdown_marks_words_and_escapes_text():
    md = word_diff_markdown("Noodzakelijk voor het OM.", "Noodzakelijk voor het Openbaar Ministerie.")
    assert md == "Noodzakelijk voor het ~~OM.~~ **Openbaar Ministerie.**"
    assert "\\*" in word_diff_markdown("a *b*", "a *c*")  # document text cannot inject Markdown
    long_old = " ".join(f"w{i}" for i in range(100)) + " einde"
    short = word_diff_markdown(long_old, long_old.replace("einde", "slot"))
    assert short.startswith("…") and "~~einde~~ **slot**" in short and len(short.split()) < 20


def _history(tmp_path: Path) -> VersionHistory:
    h = VersionHistory(tmp_path)
    h.append("doc", make_entry("doc", "Handvat", "1", sections_of(V1)))
    ch = diff_sections(sections_of(V1), sections_of(V2))
    h.append("doc", make_entry("doc", "Handvat", "2", sections_of(V2), changes=ch, previous_version="1",
                               rules_review=[{"plan": "politie", "step": "politie.5", "kind": "changed",
                                              "cited": "A › Stap 5 [2]", "suggestion": ""}]))
    return h


def test_history_append_find_and_atomic_files(tmp_path):
    h = _history(tmp_path)
    assert [e["n"] for e in h.entries("doc")] == [1, 2]
    assert h.find("doc", "1")["version"] == "1" and h.find("doc", "#2")["version"] == "2"
    assert h.find("doc", None)["version"] == "2"
    assert sorted(p.name for p in (tmp_path / "versions").iterdir()) == ["doc.json"]  # no temp files left
    with pytest.raises(HistoryError, match="Bekende versies: #1 1; #2 2"):
        h.find("doc", "3")
    with pytest.raises(HistoryError, match="deelwijzer ingest"):
        h.find("onbekend", None)
    d = diff_entries(h.find("doc", "1"), h.find("doc", "2"))
    assert d["changed"] == ["A › Stap 5 [2]"] and "**Openbaar Ministerie.**" in d["word_diff"]["A › Stap 5 [2]"]


def test_stale_mark_for_changed_and_vanished_passages(tmp_path):
    h = _history(tmp_path)
    keys = section_keys(V2)
    om, burgemeester = V2[3], V2[1]
    assert stale_mark(h, "doc", "1", om, keys[om.id]) == "passage gewijzigd in versie 2; regel nog niet herzien"
    assert stale_mark(h, "doc", "1", burgemeester, keys[burgemeester.id]) is None  # same text in both
    assert "kop niet meer gevonden" in stale_mark(h, "doc", "1", None, None)
    assert stale_mark(h, "doc", "2", om, keys[om.id]) is None  # rules written for the indexed version


@pytest.fixture
def data_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DEELWIJZER_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_versions_and_diff_commands(data_env, capsys):
    _history(data_env)
    assert main(["versions"]) == 0
    out = capsys.readouterr().out
    assert "#2   2" in out and "1 nieuw, 1 verdwenen, 1 gewijzigd, 1 regelstap(pen) te herzien" in out
    assert main(["diff", "doc"]) == 0
    out = capsys.readouterr().out
    assert "## Nieuwe secties (1)\n- B2" in out and "~~OM.~~ **Openbaar Ministerie.**" in out
    assert main(["diff", "doc", "--from", "1", "--to", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["added"], data["removed"], data["changed"]) == (["B2"], ["B"], ["A › Stap 5 [2]"])
    assert main(["versions", "doc", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"][0]["versions"][1]["changes"] == {
        "added": 1, "removed": 1, "changed": 1}


@pytest.mark.parametrize("argv, message", [
    (["diff", "geen-doc"], "geen versiegeschiedenis bekend"),
    (["diff", "doc", "--from", "9"], "Versie '9' van 'doc' is onbekend"),
    (["diff", "doc", "--to", "1"], "eerste bekende versie"),
    (["versions", "geen-doc"], "Controleer de document-id"),
])
def test_user_errors_are_dutch_and_say_what_to_do(data_env, capsys, argv, message):
    _history(data_env)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_rules_validate_uses_the_configured_corpus(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    src = corpus / "handreiking-gegevensdeling-excessief-geweld-justitie-2023.txt"
    lines = src.read_text(encoding="utf-8").split("\n")
    i = next(i for i, line in enumerate(lines) if line.strip() == "Stap 8: Juist, actueel en toereikend")
    lines[i] = "Stap 8: Juist, actueel en volledig"  # the table of contents keeps the old wording
    src.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setenv("DEELWIJZER_CORPUS_DIR", str(corpus))
    get_settings.cache_clear()
    try:
        assert main(["rules", "validate"]) == 1
        out = capsys.readouterr().out
        assert "politie.yaml politie.8: heading niet gevonden" in out
        assert "dichtstbijzijnde kop in de nieuwe tekst: 'Stap 8: Juist, actueel en volledig'" in out
        monkeypatch.setenv("DEELWIJZER_CORPUS_DIR", str(tmp_path / "leeg"))
        get_settings.cache_clear()
        assert main(["rules", "validate"]) == 2
        assert "geen manifest.yaml" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()


def test_sidebar_texts(tmp_path):
    from deelwijzer import ui_support as ui

    h = _history(tmp_path)
    docs = [{"doc_id": "doc", "title": "Handvat", "version": "2"}, {"doc_id": "ander", "title": "X", "version": "1"}]
    [change] = ui.document_changes(h, docs)
    assert change.label == "Handvat: 1 → 2 (3 secties)"
    assert "**Nieuw:** B2" in change.markdown and "**Gewijzigd:** A › Stap 5 \\[2\\]" in change.markdown
    assert ui.document_changes(h, [{"doc_id": "doc", "title": "Handvat", "version": "3"}]) == []  # not indexed
    warning = ui.stale_rules_warning({"plan": "politie", "written_for": "1", "indexed": "2", "steps": [
        {"step": "politie.8", "kind": "heading"}, {"step": "politie.3", "kind": "changed"}]})
    assert warning == ("Politie en andere bevoegde autoriteiten: de regels zijn geschreven voor versie 1, de index "
                       "bevat versie 2. Te herzien: politie.8 (kop niet meer gevonden); politie.3 (passage gewijzigd).")


def test_renamed_occurrence_of_a_repeated_heading_is_pinned_by_the_anchor(tmp_path):
    """"Stap 6: Proportionaliteit" occurs once per route: renaming the one politie.6.structureel cites
    leaves the old wording in the text, yet its anchor now sits under the new heading."""
    from deelwijzer.rules import load_rules
    from deelwijzer.rules.validate import validate_rules
    from ingest.source_reader import INGEST_READER
    from deelwijzer.versions import rules_review
    from ingest.prepare import prepare_documents

    name = "handreiking-gegevensdeling-excessief-geweld-justitie-2023.txt"
    corpus = tmp_path / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    lines = (corpus / name).read_text(encoding="utf-8").split("\n")
    anchor_line = next(i for i, line in enumerate(lines) if "als niet langs andere wegen een delict kan" in line)
    i = max(j for j in range(anchor_line) if lines[j].strip() == "Stap 6: Proportionaliteit")
    lines[i] = "Stap 6: Evenredigheid"
    (corpus / name).write_text("\n".join(lines), encoding="utf-8")

    old = prepare_documents([PROJECT_ROOT / "corpus" / name], PROJECT_ROOT / "corpus").documents[0][1]
    new = prepare_documents([corpus / name], corpus).documents[0][1]
    ch = diff_sections(sections_of(old), sections_of(new))
    review = rules_review(load_rules(), {"excessief-geweld": new}, {"excessief-geweld": old}, {"excessief-geweld": ch})
    assert {(r["step"], r["kind"], r["suggestion"]) for r in review if r["kind"] == "heading"} == {
        ("politie.6.structureel", "heading", "Stap 6: Evenredigheid")}
    report = validate_rules(None, corpus, INGEST_READER)
    assert [r for r in report.review if "politie.6.structureel" in r and "'Stap 6: Evenredigheid'" in r]
    assert not [r for r in report.review if "politie.6.structureel" not in r]


def test_untouched_plans_share_one_warning():
    from deelwijzer import ui_support as ui

    items = [{"plan": p, "written_for": "1", "indexed": "2", "steps": []} for p in ("zorg", "justitie")]
    assert ui.stale_rules_warnings(items) == [
        "Zorg- en hulpverleners, Justitie (Openbaar Ministerie): geschreven voor versie 1, de index bevat versie 2. "
        "Geen geciteerde passage geraakt; controleer de regels en werk hun bronversie bij."]
