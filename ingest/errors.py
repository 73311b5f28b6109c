"""The one error type ingest raises for a file it cannot use."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file that cannot be ingested. The message names the file, the reason and what to do."""

    def __init__(self, path: Path | str, reason: str, hint: str = "") -> None:
        self.path = Path(path)
        self.reason = reason
        self.hint = hint or "Controleer het bestand of verwijder het uit de corpusmap."
        super().__init__(f"{self.path}: {reason}. {self.hint}")

    def to_dict(self) -> dict[str, str]:
        return {"path": str(self.path), "reason": self.reason, "hint": self.hint}
