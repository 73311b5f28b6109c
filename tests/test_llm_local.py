"""One real end-to-end run with the small GGUF model in-process (Qwen2.5 0.5B, Q4_K_M, rebuilt
from its PyPI parts and verified by sha256). Quality is not the point: the wiring, the prompt,
the citations and the guard are. The first run de-quantises the model (minutes on 2 cores) and
caches the result under .deelwijzer/models; later runs load it in seconds."""

from __future__ import annotations

import re

import pytest

from deelwijzer.config import PROJECT_ROOT

pytestmark = [pytest.mark.llm, pytest.mark.slow]

ACCEPTANCE = ("Ik ben wijkteammedewerker. Mag ik zonder toestemming een vermoeden van kindermishandeling "
              "melden bij Veilig Thuis?")


@pytest.fixture(scope="module")
def local_settings(real_settings):
    from deelwijzer import local_model

    # The rebuilt model lives in the project's ignored state folder, shared between sessions.
    cache_settings = real_settings.model_copy(update={"data_dir": PROJECT_ROOT / ".deelwijzer"})
    model_file = local_model.ensure_model(cache_settings)
    return real_settings.model_copy(update={"llm_provider": "local", "llm_model_path": model_file})


@pytest.mark.timeout(900)
def test_real_local_model_answers_through_the_guard(local_settings, monkeypatch):
    import deelwijzer.llm as llm_mod

    monkeypatch.setattr(llm_mod, "LOCAL_MAX_NEW_TOKENS", 48)
    from deelwijzer.answer import ask

    answer = ask(ACCEPTANCE, local_settings)
    assert answer.llm.provider == "local"
    assert answer.prompt_version == "v1"
    assert not answer.refused
    # Every [n] left in the text is one of the returned citations, each a retrieved chunk.
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert numbers <= {c.n for c in answer.citations}
    passage_ids = {p.chunk.id for p in answer.passages}
    assert answer.citations and all(c.chunk_id in passage_ids for c in answer.citations)
    # The verdict (or next question) is the engine's, shown by the guard.
    assert answer.verdict is not None
    if answer.verdict.outcome == "meer_informatie_nodig":
        assert answer.verdict.vraag.text in answer.answer  # the one-line invitation (issue 13, round 3)
    else:
        assert "Oordeel van het stappenplan" in answer.answer
