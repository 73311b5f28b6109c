"""Reads corpus/manifest.yaml into DocumentInfo records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from deelwijzer.models import DocumentInfo
from ingest.errors import IngestError

MANIFEST_NAME = "manifest.yaml"
_REQUIRED = ("id", "title", "version", "legal_era", "source_file")
_ERAS = ("wbp", "avg")


def load_manifest(corpus_dir: Path) -> list[DocumentInfo]:
    """All documents in `corpus_dir/manifest.yaml`; [] when there is no manifest.

    Raises IngestError naming the entry and field when the manifest is malformed."""
    path = Path(corpus_dir) / MANIFEST_NAME
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise IngestError(path, f"manifest is geen geldige YAML ({exc})",
                          "Herstel de syntaxis van manifest.yaml.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise IngestError(path, "manifest mist de lijst 'documents'",
                          "Zet de documenten onder een sleutel 'documents:' als lijst.")
    docs: list[DocumentInfo] = []
    seen: set[str] = set()
    for i, entry in enumerate(data["documents"]):
        docs.append(_entry_to_info(path, i, entry))
        if docs[-1].doc_id in seen:
            raise IngestError(path, f"document-id '{docs[-1].doc_id}' komt twee keer voor",
                              "Geef elk document een eigen id.")
        seen.add(docs[-1].doc_id)
    return docs


def _entry_to_info(path: Path, i: int, entry: Any) -> DocumentInfo:
    if not isinstance(entry, dict):
        raise IngestError(path, f"document nr. {i + 1} is geen mapping",
                          "Elk document heeft velden als id, title, version, legal_era, source_file.")
    missing = [k for k in _REQUIRED if not str(entry.get(k) or "").strip()]
    if missing:
        raise IngestError(path, f"document nr. {i + 1} ({entry.get('id', '?')}) mist veld(en) "
                          f"{', '.join(missing)}", "Vul de ontbrekende velden aan in manifest.yaml.")
    era = str(entry["legal_era"]).strip().lower()
    if era not in _ERAS:
        raise IngestError(path, f"document '{entry['id']}' heeft legal_era '{entry['legal_era']}'",
                          "Gebruik 'wbp' (van voor de AVG) of 'avg'.")
    return DocumentInfo(
        doc_id=str(entry["id"]).strip(),
        title=str(entry["title"]).strip(),
        publisher=str(entry.get("publisher") or "").strip(),
        version=str(entry["version"]).strip(),
        date=str(entry.get("date") or "").strip(),
        legal_era=era,  # type: ignore[arg-type]
        source_file=str(entry["source_file"]).strip(),
        original_file=str(entry.get("original_file") or "").strip(),
    )
