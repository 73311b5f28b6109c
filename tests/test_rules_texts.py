"""One home for the rules' user-facing texts: rules/annotations.yaml, laid out by rules/render.py."""

from __future__ import annotations

from pathlib import Path

from deelwijzer.rules import load_rules, render

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules()


def _python_sources() -> list[Path]:
    files = [p for d in ("deelwijzer", "evals", "ingest", "scripts") for p in (ROOT / d).rglob("*.py")]
    return files + [p for p in ROOT.glob("*.py")]


def test_no_python_file_outside_tests_spells_a_verdict_text():
    t = RULES.texts
    texts = [s.rstrip(".") for s in [*t.outcome_sentences.values(), *t.outcome_labels.values()]]
    texts += [v.rstrip(".") for v in RULES.voorwaarden.values()]
    texts += [d.split(".")[0] for d in t.disclaimers.values()]
    for path in _python_sources():
        source = path.read_text(encoding="utf-8")
        spelled = [s for s in texts if len(s) > 15 and s in source]
        assert not spelled, f"{path.relative_to(ROOT)} spells {spelled[:2]}: use deelwijzer.rules.render"


def test_every_plan_and_outcome_has_its_texts():
    t = RULES.texts
    assert set(t.plan_labels) == set(RULES.plans) == set(t.plan_headings)
    for table in (t.outcome_sentences, t.outcome_labels, t.outcome_titles, t.outcome_short):
        assert set(table) == {"mag_delen", "mag_niet_delen", "verplicht_delen", "meer_informatie_nodig",
                              "raadpleeg_functionaris", "ander_stappenplan"}


def test_chat_cli_and_copy_render_the_same_voorwaarde_text():
    from deelwijzer.rules import evaluate
    from deelwijzer.rules.cases import load_cases

    cases = load_cases(RULES.rules_dir / "cases")
    verdict = next(v for v in (evaluate(RULES, c.facts, c.plan) for c in cases) if len(v.voorwaarden) > 1)
    want = RULES.voorwaarden[verdict.voorwaarden[1]]
    assert want in render.verdict_block(verdict)
    assert want in render.explain(RULES, verdict)
    assert want in render.dossier_text(verdict)
