"""Shared fixtures. The real corpus is ingested once per test session with the real embedder;
embeddings are cached on disk (keyed by embedder + text hash) so later sessions skip them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from deelwijzer.config import PROJECT_ROOT, Settings  # noqa: E402

# Survives between test sessions (ignored by git); only a cache, never a source of truth.
EMBEDDING_CACHE = PROJECT_ROOT / ".deelwijzer" / "test-embedding-cache.sqlite"


def make_settings(data_dir: Path, **overrides) -> Settings:
    EMBEDDING_CACHE.parent.mkdir(parents=True, exist_ok=True)
    return Settings(data_dir=data_dir, embedding_cache=EMBEDDING_CACHE, **overrides)


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory) -> Settings:
    """Settings whose index holds the real corpus (ingested once per session)."""
    from ingest.pipeline import run_ingest

    settings = make_settings(tmp_path_factory.mktemp("real-index"))
    run_ingest(settings)
    return settings
