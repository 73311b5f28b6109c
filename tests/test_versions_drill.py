"""Drill: a new edition of the real Justitie handreiking is re-ingested (issue 12).

The edited version (tests/_version_drill.py: a Politie step heading renamed, a paragraph inserted,
one deleted, a sentence reworded, the version bumped) goes into a temporary corpus next to an
untouched handvat, once as .txt, once as PDF and once as DOCX, each into its own data dir that first
held the original. Asserted: exactly that document changed; `changes` and `rules_review` name
exactly the affected sections and steps; the new text is found and the deleted and old wording are
gone; the version history and `deelwijzer diff`; `rules validate` fails on the configured corpus;
PDF and DOCX give the same headings and the same review as the text; a failed newer version keeps
the index and the history; the app's sidebar shows the change list and the stale-rules warning and
the verdict card marks the stale steps. Real embedder (cached), real Chroma."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import _version_drill as vd
from conftest import make_settings
from deelwijzer.config import PROJECT_ROOT
from deelwijzer.store import open_store
from deelwijzer.versions import VersionHistory
from ingest.pipeline import run_ingest

pytestmark = pytest.mark.slow

FORMATS = ("txt", "pdf", "docx")
EXPECTED_CHANGES = {
    "added": vd.NEW_STEP_PATHS,
    "removed": vd.OLD_STEP_PATHS,
    "changed": [vd.SECTION_INSERT, vd.SECTION_DELETE, vd.SECTION_REWORD],
}
EXPECTED_REVIEW = [
    ("politie", "politie.8", "heading", vd.OLD_HEADING, vd.NEW_HEADING),
    ("politie", "politie.3", "changed", vd.SECTION_REWORD, None),
]


def politie_case_through(steps: set[str]) -> tuple[dict, list[str]]:
    """Facts of a Politie case from rules/cases whose verdict walks as many of `steps` as possible
    (TC-13 walks politie.3 and politie.8), and the steps of `steps` its trace walks. Taken from the
    cases, not written here, so it follows the rules when they change."""
    import yaml

    from deelwijzer.rules import evaluate, load_rules

    ruleset = load_rules()
    best: tuple[dict, list[str]] = ({}, [])
    for path in sorted((PROJECT_ROOT / "rules" / "cases").glob("*.yaml")):
        for case in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cases", []):
            facts = dict(case.get("facts") or {})
            if facts.pop("plan", "politie") != "politie" or facts.get("rol", "bevoegde_autoriteit") != "bevoegde_autoriteit":
                continue
            try:
                verdict = evaluate(ruleset, facts, "politie")
            except Exception:  # noqa: BLE001 - a case for another plan or with other facts
                continue
            walked = [t.step for t in verdict.trace if t.step in steps]
            if verdict.outcome != "meer_informatie_nodig" and len(walked) > len(best[1]):
                best = (facts, walked)
    return best


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    """Per format: (settings, first report, report of the new version)."""
    out = {}
    for fmt in FORMATS:
        base = tmp_path_factory.mktemp(f"drill-{fmt}")
        corpus = vd.make_corpus(base / "corpus")
        settings = make_settings(base / "data", corpus_dir=corpus)
        first = run_ingest(settings)
        vd.write_new_version(corpus, fmt)
        out[fmt] = (settings, first, run_ingest(settings))
    return out


def _doc(report, doc_id=vd.DOC_ID):
    return next(d for d in report.to_dict()["documents"] if d["doc_id"] == doc_id)


def test_exactly_the_edited_document_changed_with_the_changed_sections(drill):
    settings, first, report = drill["txt"]
    assert first.rules_review == []  # the original: every cited heading and anchor is there
    d = report.to_dict()
    assert {x["doc_id"]: x["status"] for x in d["documents"]} == {"aa-en-hunze": "unchanged", vd.DOC_ID: "updated"}
    doc = _doc(report)
    assert (doc["version"], doc["previous_version"]) == (vd.NEW_VERSION, "mei 2023")
    assert doc["changes"] == EXPECTED_CHANGES
    assert "changes" not in _doc(report, "aa-en-hunze")
    assert report.chunks_embedded < 15  # only the changed passages were embedded


def test_rules_review_names_exactly_the_renamed_and_the_changed_step(drill):
    review = drill["txt"][2].to_dict()["rules_review"]
    assert all(set(r) == {"plan", "step", "kind", "cited", "suggestion"} for r in review)
    assert [(r["plan"], r["step"], r["kind"], r["cited"]) for r in review] == [e[:4] for e in EXPECTED_REVIEW]
    assert review[0]["suggestion"] == vd.NEW_HEADING


def test_new_text_is_found_and_deleted_and_old_wording_are_gone(drill):
    from deelwijzer.retrieve import Retriever

    settings = drill["txt"][0]
    store = open_store(settings)
    texts = [c.text for c in store.all_chunks()]
    assert sum(vd.INSERTED in t for t in texts) == 1
    assert sum(vd.NEW_WORDING in t for t in texts) == 1
    assert not any(vd.DELETED in t or vd.OLD_WORDING in t for t in texts)
    assert {c.version for c in store.all_chunks() if c.doc_id == vd.DOC_ID} == {vd.NEW_VERSION}
    hits = Retriever(settings, store).search("Wie bespreken in de regionale weegtafel welke jongeren uit een "
                                             "jeugdgroep extra aandacht krijgen bij wapenbezit?", k=3)
    assert any(vd.INSERTED in p.chunk.text for p in hits), [p.chunk.heading_path_str for p in hits]


def test_dutch_text_report_says_the_same(drill):
    from ingest.command import text_report

    from deelwijzer.ui_support import ingest_summary

    assert ingest_summary(drill["txt"][2]).endswith("Regels te herzien: politie.8, politie.3 (zie hieronder).")
    text = text_report(drill["txt"][2])
    assert "bijgewerkt" in text and "t.o.v. versie mei 2023: 2 sectie(s) nieuw, 2 verdwenen, 3 gewijzigd" in text
    assert f"+ {vd.NEW_STEP_PATHS[0]}" in text and f"- {vd.OLD_STEP_PATHS[0]}" in text
    assert f"~ {vd.SECTION_REWORD}" in text
    assert "Regels te herzien (2):" in text
    assert f"politie politie.8: geciteerde kop komt niet meer voor: '{vd.OLD_HEADING}'" in text
    assert f"dichtstbijzijnde in de nieuwe tekst: '{vd.NEW_HEADING}'" in text


def test_history_and_diff(drill, monkeypatch, capsys):
    from deelwijzer.cli import main
    from deelwijzer.config import get_settings

    settings = drill["txt"][0]
    entries = VersionHistory(settings.data_dir).entries(vd.DOC_ID)
    assert [e["version"] for e in entries] == ["mei 2023", vd.NEW_VERSION]
    assert entries[1]["changes"] == EXPECTED_CHANGES and len(entries[1]["rules_review"]) == 2
    monkeypatch.setenv("DEELWIJZER_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        assert main(["diff", vd.DOC_ID]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "~~Van welke situatie~~ **Welke uitzondering**" in out
    assert "**Sinds 2024 bespreken politie" in out and "~~Het doel van deze handreiking" in out


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
def test_rules_validate_fails_with_the_configured_corpus(drill, fmt):
    settings = drill[fmt][0]
    env = dict(os.environ, DEELWIJZER_CORPUS_DIR=str(settings.corpus_dir), PYTHONPATH=str(PROJECT_ROOT))
    run = subprocess.run([sys.executable, "-m", "deelwijzer", "rules", "validate"], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"politie.yaml politie.8: heading niet gevonden in de handreiking: '{vd.OLD_HEADING}'" in run.stdout
    assert f"dichtstbijzijnde kop in de nieuwe tekst: '{vd.NEW_HEADING}'" in run.stdout


def test_pdf_and_docx_give_the_same_headings_and_review(drill):
    def headings(settings):
        return sorted({c.heading_path_str for c in open_store(settings).all_chunks() if c.doc_id == vd.DOC_ID})

    want_headings = headings(drill["txt"][0])
    want_review = drill["txt"][2].to_dict()["rules_review"]
    for fmt in ("pdf", "docx"):
        settings, _, report = drill[fmt]
        assert not report.errors, report.errors
        assert headings(settings) == want_headings, fmt
        assert report.to_dict()["rules_review"] == want_review, fmt
        assert _doc(report)["changes"] == EXPECTED_CHANGES, fmt


def test_failed_newer_version_keeps_the_index_and_the_history(drill):
    settings = drill["docx"][0]
    history = VersionHistory(settings.data_dir)
    before_history = history._path(vd.DOC_ID).read_bytes()
    before = sorted(c.id for c in open_store(settings).all_chunks())
    for f in settings.corpus_dir.glob("*.docx"):  # the edition in the corpus is replaced by a broken one,
        f.unlink()  # delivered under another file name
    broken = settings.corpus_dir / "handreiking-nieuw.docx"
    broken.write_bytes(b"PK\x03\x04 dit is geen Word-document")
    vd.set_manifest(settings.corpus_dir, "juli 2024", broken.name)
    report = run_ingest(settings)
    assert [(e.file, e.kept_previous) for e in report.errors] == [(str(broken), True)]
    assert report.rules_review == [] and _doc(report, "aa-en-hunze")["status"] == "unchanged"
    assert sorted(c.id for c in open_store(settings).all_chunks()) == before
    assert history._path(vd.DOC_ID).read_bytes() == before_history


def test_removing_the_rules_source_says_what_to_do(tmp_path):
    from deelwijzer.ui_support import ingest_summary
    from ingest.command import text_report

    corpus = vd.make_corpus(tmp_path / "corpus")
    settings = make_settings(tmp_path / "data", corpus_dir=corpus)
    run_ingest(settings)
    (corpus / vd.JUSTITIE).unlink()  # e.g. the new edition was saved under another name
    report = run_ingest(settings)
    assert [w for w in report.to_dict()["warnings"] if "source_file van 'excessief-geweld'" in w]
    assert "Let op: 'excessief-geweld' is de bron van de stappenplannen" in text_report(report)
    assert "Let op: 'excessief-geweld' is de bron" in ingest_summary(report)


def _app(settings, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DEELWIJZER_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DEELWIJZER_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("DEELWIJZER_EMBEDDING_CACHE", str(settings.embedding_cache_path))
    monkeypatch.setenv("DEELWIJZER_LLM_PROVIDER", "none")
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_app_sidebar_shows_what_changed_and_which_rules_to_review(drill, monkeypatch):
    at = _app(drill["txt"][0], monkeypatch)
    assert "Wat is er veranderd" in [h.value for h in at.sidebar.subheader]
    labels = [e.label for e in at.sidebar.expander]
    change = next(lab for lab in labels if "mei 2023 → juni 2024" in lab)
    assert "(7 secties)" in change
    listed = "\n".join(m.value for m in at.sidebar.markdown)
    assert "Verdwenen:** Stappenplan Politie › Stap 8: Juist, actueel en toereikend" in listed.replace("\\", "")
    warnings = [w.value for w in at.sidebar.warning]
    politie = next(w for w in warnings if w.startswith("Politie en andere bevoegde autoriteiten"))
    assert "geschreven voor versie mei 2023, de index bevat versie juni 2024" in politie
    assert "politie.8 (kop niet meer gevonden)" in politie and "politie.3 (passage gewijzigd)" in politie
    assert not any("politie." in w for w in warnings if w is not politie)
    assert len(warnings) == 2 and "Geen geciteerde passage geraakt" in warnings[1]  # the other four plans

    # The verdict card of a Politie case whose trace walks the reworded and the renamed step marks them.
    facts, walked = politie_case_through({"politie.3", "politie.8"})
    assert "politie.3" in walked, "no Politie case in rules/cases reaches a verdict through politie.3"
    at.session_state["panel_open"] = True
    at.session_state["plan"] = "politie"
    at.session_state["facts"] = facts
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    marks = [w.value for w in at.main.warning if "regel nog niet herzien" in w.value]
    expected = {
        "politie.3": f"Stap politie.3: passage gewijzigd in versie {vd.NEW_VERSION}; regel nog niet herzien",
        "politie.8": f"Stap politie.8: passage gewijzigd in versie {vd.NEW_VERSION} (kop niet meer gevonden); "
                     "regel nog niet herzien",
    }
    on_card = [expected[s] for s in walked]
    assert [m for m in marks if m.startswith("Stap ")] == on_card  # on the card itself
    assert sorted(m for m in marks if not m.startswith("Stap ")) == sorted(m.split(": ", 1)[1] for m in on_card)


@pytest.mark.browser
def test_browser_sidebar_after_reingest_shows_changes_and_stale_rules(drill, tmp_path):
    """The same sidebar in a real browser (headless Chromium, as tests/test_browser_e2e.py)."""
    import time

    from browser_helpers import free_port, make_driver, require_browser, screenshot, start_streamlit, stop_process, wait_healthy

    require_browser()
    from selenium.webdriver.common.by import By

    settings = drill["txt"][0]
    env = {"DEELWIJZER_DATA_DIR": str(settings.data_dir), "DEELWIJZER_CORPUS_DIR": str(settings.corpus_dir),
           "DEELWIJZER_EMBEDDING_CACHE": str(settings.embedding_cache_path), "DEELWIJZER_LLM_PROVIDER": "none",
           "HF_HUB_OFFLINE": "1"}
    port = free_port()
    proc = start_streamlit(port, env, tmp_path / "streamlit-versions.log")
    driver = None
    try:
        wait_healthy(port, proc)
        driver = make_driver(tmp_path / "chromium-profile")
        driver.get(f"http://127.0.0.1:{port}/")
        wanted = ("Wat is er veranderd", "mei 2023 → juni 2024", "politie.8 (kop niet meer gevonden)",
                  "politie.3 (passage gewijzigd)")
        end = time.monotonic() + 120
        while time.monotonic() < end and not all(w in driver.page_source for w in wanted):
            time.sleep(0.5)
        source = driver.page_source
        assert all(w in source for w in wanted), [w for w in wanted if w not in source]
        sidebar = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stSidebar']")
        screenshot(driver, "07-sidebar-wat-is-er-veranderd", sidebar[0] if sidebar else None)
    finally:
        if driver is not None:
            driver.quit()
        stop_process(proc)
