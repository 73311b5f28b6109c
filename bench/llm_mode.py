"""The answer with and without a language model on the same small dev sample (issue 13, item 3).

    OMP_NUM_THREADS=1 .venv/bin/python bench/llm_mode.py --provider none  [--out FILE]
    OMP_NUM_THREADS=1 .venv/bin/python bench/llm_mode.py --provider local [--out FILE]
    (openai: set DEELWIJZER_LLM_BASE_URL and DEELWIJZER_LLM_MODEL, then --provider openai)
    .venv/bin/python bench/llm_mode.py --replay FILE [--out FILE2]

Every 8th answer case of evals/suites/independent-dev.yaml (a dev split: tuning figures), in the
project's index. Per answer: the answering passage's key phrase in the text, whether the guard cut
a yes/no claim, whether the model's draft was replaced by the extractive answer (fallback) or lost
sentences the passages do not carry, and the latency. Writes the answers and the model's raw
drafts too (JSON, `--out`, after every answer), so they can be read and graded by hand. The
faithfulness judge of `deelwijzer eval` is not run: with the local model it would be the same
0.5B model grading itself, at twice the time.

--replay runs the drafts recorded in FILE through today's support filter, fallback and guard
without the model (the model's fact reply becomes "{}", so the verdict is the extractor's; on the
sample the model's facts changed nothing): seconds instead of minutes per answer, for judging the
filter on what the model actually wrote. Latencies are the recorded ones.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import _common as c

SUITE = c.PROJECT_ROOT / "evals" / "suites" / "independent-dev.yaml"
EVERY = 8


def sample(every: int = EVERY):
    from evals.schema import load_suite

    cases = [x for x in load_suite(SUITE).cases if x.kind == "answer"]
    return cases[::every]


def measure(case: Any, final: Any, draft: str | None, latency: float) -> dict[str, Any]:
    from deelwijzer import answer as answer_mod
    from deelwijzer.guard import CLAIM_REMOVED_NOTE, UNDECIDED_CLAIM_NOTE
    from evals import metrics as M

    unsupported_note = getattr(answer_mod, "MODEL_UNSUPPORTED_NOTE", None)  # absent before issue 13 item 3
    text = M.collapse(final.answer).casefold()
    return {
        "id": case.id, "question": case.question, "answer": final.answer, "draft": draft,
        "refused": final.refused,
        "key_phrase": any(M.collapse(p).casefold() in text for p in case.key_phrases) and not final.refused,
        "outcome": final.verdict.outcome if final.verdict else None,
        "facts": final.facts,
        "guard_cut": CLAIM_REMOVED_NOTE in final.answer or UNDECIDED_CLAIM_NOTE in final.answer,
        "fallback": answer_mod.MODEL_FALLBACK_NOTE in final.answer,
        "unsupported_cut": unsupported_note is not None and unsupported_note in final.answer,
        "latency_s": round(latency, 1),
    }


def summarize(provider: str, rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    n = len(rows)
    return {
        "provider": provider, "n": n, **extra,
        "key_phrase_in_answer": sum(r["key_phrase"] for r in rows) / n,
        "guard_cut_share": sum(r["guard_cut"] for r in rows) / n,
        "fallback_share": sum(r["fallback"] for r in rows) / n,
        "unsupported_cut_share": sum(r["unsupported_cut"] for r in rows) / n,
        "latency_mean_s": round(statistics.mean(r["latency_s"] for r in rows), 1),
    }


def _print_row(r: dict[str, Any]) -> None:
    print(f"{r['id']}: {r['latency_s']:.0f} s key={int(r['key_phrase'])} cut={int(r['guard_cut'])} "
          f"fallback={int(r['fallback'])} unsupported={int(r['unsupported_cut'])}", flush=True)


def _write(path: Path | None, summary: dict, rows: list[dict]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"summary": summary, "answers": rows}, ensure_ascii=False, indent=1), encoding="utf-8")


def run(provider: str, every: int, limit: int, out: Path | None) -> int:
    from deelwijzer.answer import Answer, stream_ask
    from deelwijzer.config import get_settings
    from deelwijzer.services import get_services

    settings = get_settings().model_copy(update={"llm_provider": provider})
    cases = sample(every)[: limit or None]
    t0 = time.perf_counter()
    services = get_services(settings)
    services.llm  # load the model before the clock runs per question
    load_s = round(time.perf_counter() - t0, 1)
    rows = []
    for case in cases:
        t = time.perf_counter()
        pieces, final = [], None
        for piece in stream_ask(case.question, settings, services=services):
            if isinstance(piece, Answer):
                final = piece
            else:
                pieces.append(piece)
        assert final is not None
        rows.append(measure(case, final, "".join(pieces) if provider != "none" else None, time.perf_counter() - t))
        _write(out, {"provider": provider, "partial": True}, rows)  # a stopped run keeps what it measured
        _print_row(rows[-1])
    summary = summarize(provider, rows, model_load_s=load_s)
    print(json.dumps(summary, indent=1))
    _write(out, summary, rows)
    return 0


def replay(path: Path, out: Path | None) -> int:
    """See the module docstring."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from deelwijzer.answer import ask
    from deelwijzer.config import get_settings
    from deelwijzer.services import get_services

    class ReplayModel(FakeListChatModel):
        """Answers the answer prompt with the recorded draft and the facts prompt with "{}"."""

        def _call(self, messages, stop=None, run_manager=None, **kwargs):
            return self.responses[0] if "Passages" in messages[-1].content else "{}"

    settings = get_settings().model_copy(update={"llm_provider": "local"})
    services = get_services(settings)
    recorded = {r["id"]: r for r in json.loads(path.read_text(encoding="utf-8"))["answers"]}
    rows = []
    for case in (x for x in sample() if x.id in recorded):
        r = recorded[case.id]
        final = ask(case.question, settings, services=_WithModel(services, ReplayModel(responses=[r["draft"] or ""])))
        rows.append(measure(case, final, r["draft"], r["latency_s"]))
        _print_row(rows[-1])
    summary = summarize("local (replay)", rows, replay_of=str(path))
    print(json.dumps(summary, indent=1))
    _write(out, summary, rows)
    return 0


class _WithModel:
    """The project's services with another chat model."""

    def __init__(self, services: Any, llm: Any):
        self._services, self.llm = services, llm

    def __getattr__(self, name: str) -> Any:
        return getattr(self._services, name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider", choices=["none", "local", "openai"], default="none")
    parser.add_argument("--every", type=int, default=EVERY)
    parser.add_argument("--limit", type=int, default=0, help="alleen de eerste N vragen")
    parser.add_argument("--out", type=Path, help="JSON met de antwoorden, de concepten en de maten")
    parser.add_argument("--replay", type=Path, help="geen model: de opgenomen concepten uit dit JSON-bestand "
                        "opnieuw door filter, terugval en guard")
    args = parser.parse_args()
    if args.replay:
        return replay(args.replay, args.out)
    return run(args.provider, args.every, args.limit, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
