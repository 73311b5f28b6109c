"""Pure UI helpers and the feedback writer: escaping, highlights, the dossier text, JSONL."""

from __future__ import annotations

import json

from deelwijzer import ui_support as ui
from deelwijzer.config import Settings
from deelwijzer.feedback import build_record, write_feedback
from deelwijzer.models import Answer, Chunk, Citation, LLMInfo, Passage, Question, TraceStep, Verdict


def _chunk(i: int, text: str, heading: tuple[str, ...] = ("Stappenplan Zorg", "Stap 1")) -> Chunk:
    return Chunk(id=f"doc:v1:{i}", doc_id="doc", title="Handreiking", version="v1", legal_era="avg",
                 source_file="doc.txt", heading_path=heading, ordinal=i, text=text, char_start=0,
                 char_end=len(text), content_hash="h")


def _verdict(outcome="mag_delen") -> Verdict:
    return Verdict(
        outcome=outcome, beslissende_stap="zorg.2", basis=("art. 7:457 BW",),
        trace=(TraceStep("zorg.2", "Stap 2", "Stap 2: Grondslag", {"toestemming": True}, "mag_delen"),),
        vraag=None, voorwaarden=("afweging_vastleggen",), wie=(), verwijzing=None, rules_version="2026.1",
        plan="zorg", heading="Stap 2: Grondslag",
    )


def test_inert_markdown_neutralises_markdown_html_and_latex():
    raw = "**vet** [link](http://x) ![img](y) <b>x</b> $a$ # kop"
    out = ui.inert_markdown(raw)
    for active in ("**vet**", "[link]", "](", "![", "<b>", "$a$"):
        assert active not in out
    # every original character survives, escaped
    assert out.replace("\\", "") == raw


def test_markers_stay_visible_but_text_is_escaped():
    out = ui.inert_markdown_keep_markers("Delen mag [1] *niet* [2].")
    assert "**\\[1\\]**" in out and "**\\[2\\]**" in out
    assert "\\*niet\\*" in out


def test_cited_sentence_is_highlighted_and_html_escaped():
    passage = "Eerste zin over iets anders. U mag de gegevens delen met toestemming. Daarna <script>x</script>."
    answer = "U mag de gegevens delen met toestemming [1]. Iets zonder bron."
    claims = ui.cited_claims(answer, 1)
    assert claims == ["U mag de gegevens delen met toestemming ."]
    html_out = ui.passage_html(passage, claims)
    assert "<mark>U mag de gegevens delen met toestemming.</mark>" in html_out
    assert "<script>" not in html_out and "&lt;script&gt;" in html_out
    assert "<mark>Eerste zin" not in html_out and "<mark>Daarna" not in html_out


def test_highlight_cuts_the_passage_as_the_composer_does():
    # "art. 16" does not end a sentence for the composer, so the quoted sentence is one highlight
    passage = "Inleiding hier.\nDe politie mag op grond van art. 16 Wpg gegevens verstrekken aan de gemeente.\n\n- een punt"
    claims = ui.cited_claims("- De politie mag op grond van art. 16 Wpg gegevens verstrekken aan de gemeente. [1]", 1)
    assert claims == ["- De politie mag op grond van art. 16 Wpg gegevens verstrekken aan de gemeente."]
    spans = ui.highlight_spans(passage, claims)
    assert ("De politie mag op grond van art. 16 Wpg gegevens verstrekken aan de gemeente.", True) in spans
    assert ("- een punt", False) in spans
    assert "\n- een punt" in ui.passage_html(passage, claims)  # a list item on its own line


def test_verdict_text_carries_grounds_and_advice_notice():
    text = ui.verdict_text(_verdict(), {"toestemming": True})
    assert "Uitkomst: U mag de gegevens delen" in text
    assert "art. 7:457 BW" in text
    assert "Leg uw afweging vast" in text
    assert "Toestemming: Ja" in text
    assert "zorg.2" in text and "2026.1" in text
    assert ui.ADVICE_NOTICE in text


def test_every_outcome_has_a_dutch_label_and_colour():
    for outcome in ("mag_delen", "mag_niet_delen", "verplicht_delen", "meer_informatie_nodig",
                    "raadpleeg_functionaris", "ander_stappenplan"):
        style = ui.outcome_style(outcome)
        assert style.label and style.colour.startswith("#")
    assert len({ui.outcome_style(o).colour for o in ui.OUTCOMES}) == len(ui.OUTCOMES)


def test_verdict_card_escapes_everything():
    v = _verdict()
    card = ui.verdict_card_html(v)
    assert 'data-outcome="mag_delen"' in card and "U mag de gegevens delen" in card


def test_question_options_and_parsing():
    assert ui.question_options(Question("toestemming", "?", "bool")) == [True, False]
    assert ui.question_options(Question("rol", "?", "enum", ("om", "overig"))) == ["om", "overig"]
    assert ui.parse_answer_value("int", "12") == 12
    assert ui.parse_answer_value("bool", "Ja") is True


def test_passage_for_step_prefers_the_heading_path_then_the_anchor_within_the_plan():
    from deelwijzer.step_passage import passage_for_step

    chunks = [_chunk(2, "tekst noemt Stap 2: Grondslag terloops"),
              _chunk(3, "de echte stap", ("Stappenplan Zorg", "Stap 2: Grondslag")),
              _chunk(4, "Voor wie is dit stappenplan? Zorgverleners.", ("Stappenplan Zorg", "Voor wie?")),
              _chunk(5, "Voor wie is dit stappenplan? Politie.", ("Stappenplan Politie", "Voor wie?")),
              _chunk(6, "Vervolg, met de zin die het anker is.", ("Stappenplan Politie", "Voor wie?"))]
    assert passage_for_step(chunks, "Stap 2: Grondslag").ordinal == 3
    assert passage_for_step(chunks, "Voor wie?", plan="politie").ordinal == 5
    assert passage_for_step(chunks, "Voor wie?", "de zin die het anker is", plan="politie").ordinal == 6
    assert passage_for_step(chunks, "Voor wie?", plan="zorg").ordinal == 4
    assert passage_for_step(chunks, "Bestaat niet") is None


def test_ingest_summary_reports_what_changed():
    report = {"documents": [{"doc_id": "a", "title": "A", "version": "2", "status": "updated"},
                            {"doc_id": "b", "title": "B", "version": "1", "status": "unchanged"}],
              "chunks_added": 4, "chunks_removed": 3, "errors": []}
    text = ui.ingest_summary(report)
    assert "1 document(en) bijgewerkt" in text and "1 document(en) ongewijzigd" in text
    assert "4 passages toegevoegd" in text and "A (2, bijgewerkt)" in text
    unchanged = ui.ingest_summary({"documents": [{"doc_id": "b", "status": "unchanged"}]})
    assert "niets veranderd" in unchanged


def _answer() -> Answer:
    c = _chunk(1, "U mag delen.")
    return Answer(answer="U mag delen [1].", refused=False,
                  citations=(Citation(1, c.id, c.source_file, c.title, c.version, "Stap 1", c.text),),
                  verdict=_verdict(), plan="zorg", facts={"toestemming": True}, llm=LLMInfo("none"),
                  prompt_version="v1", passages=(Passage(c, 0.9), Passage(_chunk(2, "x"), 0.5)))


def test_feedback_record_has_trace_and_never_personal_question(tmp_path):
    settings = Settings(data_dir=tmp_path)
    rec = build_record(_answer(), "down", "Mag ik [BSN] delen?", contains_personal_data=True)
    path = write_feedback(settings, rec)
    write_feedback(settings, build_record(_answer(), "up", "Mag ik delen?", contains_personal_data=False))
    assert path == tmp_path / "feedback.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["rating"] for r in rows] == ["down", "up"]
    assert rows[0]["question"] is None and rows[1]["question"] == "Mag ik delen?"
    assert rows[0]["retrieved_chunk_ids"] == ["doc:v1:1", "doc:v1:2"]
    assert rows[0]["cited_chunk_ids"] == ["doc:v1:1"]
    assert rows[0]["rules_version"] == "2026.1" and rows[0]["prompt_version"] == "v1"


def test_timestamp_formatting():
    assert ui.format_timestamp("2026-11-23T16:05:00+00:00") == "23-11-2026 16:05 UTC"
    assert ui.format_timestamp(None) == "onbekend"


def test_citation_labels_name_heading_path_handvat_and_version():
    """Issue 13: collapsed source labels of one handvat must not all read the same."""
    from deelwijzer.models import Citation

    title = "Handreiking Gegevensdeling ter voorkoming van excessief geweld: een stappenplan met het algemene kader"
    a = Citation(1, "c1", "f.txt", title, "mei 2023",
                 "Stappenplan zorg- en hulpverleners › Stap 2: Doorbreken van het beroepsgeheim › D. Conflict van plichten", "t")
    b = Citation(2, "c2", "f.txt", title, "mei 2023", "Stappenplan Politie › Stap 5: Noodzakelijkheid", "t", pre_avg=True)
    la, lb = ui.citation_label(a), ui.citation_label(b)
    assert la.startswith("[1] Stap 2: Doorbreken van het beroepsgeheim › D. Conflict van plichten")
    assert "Handreiking Gegevensdeling ter voorkoming van excessief geweld" in la and "een stappenplan" not in la
    assert "versie mei 2023" in la and la != lb and lb.endswith("vóór AVG")


def test_split_lead_takes_the_short_answer_line():
    lead, rest = ui.split_lead("Kort antwoord: U beslist zelf [1]\nUit de handvatten:\n- zin [2]")
    assert lead == "U beslist zelf [1]" and rest.startswith("Uit de handvatten:")
    assert ui.split_lead("Wat de handvatten hierover zeggen:\n- x") == ("", "Wat de handvatten hierover zeggen:\n- x")
