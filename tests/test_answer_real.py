"""The ask pipeline against the real rules engine and the real index (fixture `real_settings`):
the acceptance command and the refusal of the seed set's out-of-corpus questions."""

from __future__ import annotations

import json

import pytest

from deelwijzer.answer import ask

ACCEPTANCE = ("Ik ben wijkteammedewerker. Mag ik zonder toestemming een vermoeden van kindermishandeling "
              "melden bij Veilig Thuis?")


# ------------------------------------------------------------------ real engine, real index


@pytest.mark.slow
def test_acceptance_command_returns_citations_and_engine_verdict(real_settings, monkeypatch, capsys):
    from deelwijzer import cli, config

    monkeypatch.setattr(config, "get_settings", lambda: real_settings)
    assert cli.main(["ask", ACCEPTANCE, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["refused"] is False
    assert data["citations"], "cited passages expected"
    assert all(c["chunk_id"] and c["text"] for c in data["citations"])
    assert data["verdict"] is not None and data["plan"] == "zorg"
    assert data["facts"]["rol"] == "zorg_hulpverlener" and data["facts"]["toestemming"] is False
    verdict = data["verdict"]
    if verdict["outcome"] == "meer_informatie_nodig":
        assert verdict["vraag"]["text"] in data["answer"]
    else:
        assert "Oordeel van het stappenplan" in data["answer"]
    assert data["llm"] == {"provider": "none", "model": None}
    # The passages cited are the retrieved ones, and one of them is about Veilig Thuis.
    assert any("Veilig Thuis" in c["text"] for c in data["citations"])


@pytest.mark.slow
def test_the_verdict_cites_the_passage_its_deciding_step_rests_on(real_settings):
    question = "Ik ben wijkagent. Mag ik informatie over een verdachte delen met de burgemeester?"
    answer, facts = ask(question, real_settings), {}
    for _ in range(15):  # answer the interview until a verdict: without one the text names no step (round 3)
        v = answer.verdict
        if v is None or v.outcome != "meer_informatie_nodig" or v.vraag is None:
            break
        assert v.vraag.text in answer.answer and "Bij stap:" not in answer.answer
        facts[v.vraag.fact] = v.vraag.options[0] if v.vraag.options else True
        answer = ask(question, real_settings, facts=facts)
    verdict = answer.verdict
    assert verdict is not None and verdict.plan == "politie" and verdict.outcome != "meer_informatie_nodig"
    step_line = next(line for line in answer.answer.splitlines() if line.startswith(("Bij stap:", "Beslissende stap:")))
    n = int(step_line.rsplit("[", 1)[1].rstrip("]"))
    cited = next(c for c in answer.citations if c.n == n)
    assert verdict.heading in cited.heading_path and cited.heading_path.startswith("Stappenplan Politie")
    assert cited.chunk_id in {p.chunk.id for p in answer.passages}  # cited = retrieved, as the guard demands


@pytest.mark.slow
def test_acceptance_with_facts_reaches_an_engine_verdict(real_settings):
    facts = {"strafbaar_feit": "geen"}
    answer = ask(ACCEPTANCE, real_settings, facts=facts)
    assert answer.verdict is not None and answer.verdict.plan == "zorg"
    assert answer.facts["strafbaar_feit"] == "geen"
    if answer.verdict.outcome == "meer_informatie_nodig":
        assert answer.verdict.vraag.fact != "strafbaar_feit"


@pytest.mark.slow
def test_seed_out_of_corpus_questions_are_refused(real_settings):
    import yaml

    from deelwijzer.config import PROJECT_ROOT

    seed = yaml.safe_load((PROJECT_ROOT / "evals" / "data" / "evals_seed.yaml").read_text(encoding="utf-8"))
    refused_answerable, refused_ooc = [], []
    for item in seed:
        answer = ask(" ".join(item["question"].split()), real_settings)
        if item["type"] == "out_of_corpus":
            if answer.refused:
                refused_ooc.append(item["id"])
                assert answer.verdict is None and answer.citations == ()
        elif answer.refused:
            refused_answerable.append(item["id"])
        else:
            assert answer.citations, item["id"]
    assert len(refused_answerable) <= 1, refused_answerable
    # Issue 14: the refusal model is fitted on seed + corpus + independent-dev, no longer on these
    # four; measured 2/4 refused at the retrieval level (bench.retrieval --suite evals/suites/seed.yaml).
    assert len(refused_ooc) >= 2, refused_ooc
