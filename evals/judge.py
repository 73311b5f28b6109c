"""Model-judged faithfulness: a language model rates how well an answer is supported by the
passages it was given. Only runs when a model is configured, and is always reported under a
name that says it is model-judged: it is an opinion of a model, not a measurement."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from deelwijzer.models import Passage

SYSTEM = (
    "Je beoordeelt of een antwoord trouw is aan de gegeven bronpassages. Een bewering is trouw als "
    "ze letterlijk of in strekking in de passages staat. Antwoord met één getal tussen 0 en 1: het "
    "aandeel beweringen in het antwoord dat door de passages wordt gedragen. Geen uitleg."
)
_NUMBER = re.compile(r"(?<![\d.])(0(?:[.,]\d+)?|1(?:[.,]0+)?)(?![\d.])")


def parse_score(text: str) -> float | None:
    m = _NUMBER.search(text or "")
    return float(m.group(1).replace(",", ".")) if m else None


def judge_faithfulness(llm: Any, answer: str, passages: Sequence[Passage]) -> float | None:
    from langchain_core.messages import HumanMessage, SystemMessage

    sources = "\n\n".join(f"[{i}] {p.chunk.text}" for i, p in enumerate(passages, start=1))
    reply = llm.invoke([SystemMessage(SYSTEM), HumanMessage(f"PASSAGES:\n{sources}\n\nANTWOORD:\n{answer}\n\nScore:")])
    return parse_score(getattr(reply, "content", str(reply)))
