"""Provider selection, the prompt loader and the local model's verification (no model runs here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deelwijzer import local_model
from deelwijzer.config import Settings
from deelwijzer.llm import LLMConfigError, get_chat_model, llm_info
from deelwijzer.prompts import PromptError, load_prompt


def test_none_provider_has_no_model(tmp_path):
    s = Settings(data_dir=tmp_path)
    assert get_chat_model(s) is None
    assert llm_info(s).provider == "none"


def test_openai_provider_needs_url_and_model(tmp_path):
    with pytest.raises(LLMConfigError, match="LLM_BASE_URL"):
        get_chat_model(Settings(data_dir=tmp_path, llm_provider="openai"))


def test_openai_provider_builds_chat_openai_without_calling_it(tmp_path):
    s = Settings(data_dir=tmp_path, llm_provider="openai", llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen")
    model = get_chat_model(s)
    assert type(model).__name__ == "ChatOpenAI"
    assert model.model_name == "qwen" and "127.0.0.1:9" in str(model.openai_api_base)
    assert llm_info(s).model == "qwen"


def test_local_provider_with_missing_model_is_a_clear_error(tmp_path):
    s = Settings(data_dir=tmp_path, llm_provider="local", llm_model_path=tmp_path / "nope.gguf")
    with pytest.raises(LLMConfigError, match="niet beschikbaar"):
        get_chat_model(s)


def test_unverified_model_file_is_refused(tmp_path):
    fake_gguf = tmp_path / local_model.MODEL_FILENAME
    fake_gguf.write_bytes(b"GGUF" + b"\0" * 100)
    with pytest.raises(local_model.ModelUnavailable, match="sha256"):
        local_model.verify_file(fake_gguf)
    s = Settings(data_dir=tmp_path, llm_provider="local", llm_model_path=fake_gguf)
    with pytest.raises(LLMConfigError):
        get_chat_model(s)


def test_record_hash_of_installed_parts_is_readable():
    # The per-part hashes the wheels publish (the basis of our whole-file pin).
    rel = f"{local_model.PART_PACKAGES[0]}/data/part01.bin"
    digest = local_model._record_hash(local_model.PART_DISTRIBUTIONS[0], rel)
    assert digest is not None and len(digest) == 64


def test_prompt_loader(tmp_path):
    s = Settings(data_dir=tmp_path)
    t = load_prompt(s, "answer")
    assert t.version == "v1" and "[1]" in t.system and "[n]" in t.user
    system, user = t.render(passages="[1] tekst {niet vervangen}", verdict="Oordeel", question="Mag ik?")
    assert "[1] tekst {niet vervangen}" in user and "Mag ik?" in user and "{passages}" not in user
    assert "{fact_list}" in load_prompt(s, "facts").system
    with pytest.raises(PromptError):
        load_prompt(s, "answer", version="v999")
    with pytest.raises(PromptError):
        load_prompt(s, "../etc/passwd")


def test_every_prompt_version_has_answer_and_facts():
    root = Path(Settings().prompts_dir)
    for version_dir in (p for p in root.iterdir() if p.is_dir()):
        assert (version_dir / "answer.md").is_file() and (version_dir / "facts.md").is_file()
