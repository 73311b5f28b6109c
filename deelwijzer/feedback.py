"""Thumbs feedback per answer, appended to a local JSONL file for human review.

Feedback is only ever read by people: nothing in retrieval or ranking reads this file.
A question that contained personal data is never written; only its trace is."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from deelwijzer.config import Settings
from deelwijzer.models import Answer

Rating = Literal["up", "down"]

_LOCK = threading.Lock()  # Streamlit serves sessions from threads of one process


@dataclass(frozen=True)
class FeedbackRecord:
    rating: Rating
    retrieved_chunk_ids: tuple[str, ...]
    cited_chunk_ids: tuple[str, ...]
    rules_version: str | None
    prompt_version: str | None
    llm_provider: str
    plan: str | None
    outcome: str | None
    question: str | None  # None when the question contained personal data
    refused: bool
    timestamp: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


def personal_data_in(text: str | None) -> bool:
    from deelwijzer.privacy import contains_personal_data

    return bool(text) and contains_personal_data(text)


def build_record(
    answer: Answer, rating: Rating, question: str | None, contains_personal_data: bool
) -> FeedbackRecord:
    verdict = answer.verdict
    return FeedbackRecord(
        rating=rating,
        retrieved_chunk_ids=tuple(p.chunk.id for p in answer.passages),
        cited_chunk_ids=tuple(c.chunk_id for c in answer.citations),
        rules_version=verdict.rules_version if verdict else None,
        prompt_version=answer.prompt_version,
        llm_provider=answer.llm.provider,
        plan=answer.plan,
        outcome=verdict.outcome if verdict else None,
        # Checked here too: a caller that forgets the flag must still never persist personal data.
        question=None if contains_personal_data or personal_data_in(question) else question,
        refused=answer.refused,
    )


def write_feedback(settings: Settings, record: FeedbackRecord) -> Path:
    path = settings.resolved_feedback_path
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(record), ensure_ascii=False)
    with _LOCK, path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    return path
