"""Small temp corpora made of real handvatten (shared by the ingest/store tests).

Real documents keep the embedding cache warm: their chunks were embedded by the session's real
corpus ingest (fixture `real_settings`), so copying them costs no model time; only text a test
changes is embedded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from deelwijzer.config import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "corpus"
AA = "nota-privacy-sociaal-domein-aa-en-hunze.txt"
PETTEN = "wijkteams-en-het-pettenvraagstuk-vng.txt"


def copy_corpus(dest: Path, files: tuple[str, ...] = (AA, PETTEN)) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(CORPUS / "manifest.yaml", dest / "manifest.yaml")
    for name in files:
        shutil.copy(CORPUS / name, dest / name)
    return dest
