"""The answer with and without a language model on the same small dev sample (issue 13, item 3).

    OMP_NUM_THREADS=1 .venv/bin/python bench/llm_mode.py --provider none  [--out FILE]
    OMP_NUM_THREADS=1 .venv/bin/python bench/llm_mode.py --provider local [--out FILE]
    (openai: set DEELWIJZER_LLM_BASE_URL and DEELWIJZER_LLM_MODEL, then --provider openai)

Every 8th answer case of evals/suites/independent-dev.yaml (a dev split: tuning figures), in the
project's index. Per answer: the answering passage's key phrase in the text, the first cited line
from the answering section, whether the guard cut a yes/no claim, whether the model's draft was
replaced by the extractive answer (fallback) or lost sentences the passages do not carry, and the
latency. Writes the answers too (JSON, `--out`), so they can be read and graded by hand. The
faithfulness judge of `deelwijzer eval` is not run: with the local model it would be the same
0.5B model grading itself, at twice the time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import _common as c

SUITE = c.PROJECT_ROOT / "evals" / "suites" / "independent-dev.yaml"
EVERY = 8


def sample(every: int = EVERY):
    from evals.schema import load_suite

    cases = [x for x in load_suite(SUITE).cases if x.kind == "answer"]
    return cases[::every]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider", choices=["none", "local", "openai"], default="none")
    parser.add_argument("--every", type=int, default=EVERY)
    parser.add_argument("--limit", type=int, default=0, help="alleen de eerste N vragen")
    parser.add_argument("--out", type=Path, help="JSON met de antwoorden en de maten")
    parser.add_argument("--replay", type=Path, help="geen model: de opgenomen concepten uit dit JSON-bestand "
                        "opnieuw door filter en guard (feiten zonder taalmodel)")
    args = parser.parse_args()
    if args.replay:
        return replay(args.replay)

    from deelwijzer import answer as answer_mod
    from deelwijzer.answer import MODEL_FALLBACK_NOTE, Answer, stream_ask
    from deelwijzer.config import get_settings
    from deelwijzer.guard import CLAIM_REMOVED_NOTE, UNDECIDED_CLAIM_NOTE
    from deelwijzer.services import get_services
    from evals import metrics as M

    unsupported_note = getattr(answer_mod, "MODEL_UNSUPPORTED_NOTE", None)  # absent before issue 13 item 3
    settings = get_settings().model_copy(update={"llm_provider": args.provider})
    cases = sample(args.every)
    if args.limit:
        cases = cases[: args.limit]
    t0 = time.perf_counter()
    services = get_services(settings)
    services.llm  # load the model before the clock runs per question
    load_s = time.perf_counter() - t0
    rows = []
    for case in cases:
        t = time.perf_counter()
        pieces, final = [], None
        for piece in stream_ask(case.question, settings, services=services):
            if isinstance(piece, Answer):
                final = piece
            else:
                pieces.append(piece)
        latency = time.perf_counter() - t
        assert final is not None
        text = M.collapse(final.answer).casefold()
        key = any(M.collapse(p).casefold() in text for p in case.key_phrases) and not final.refused
        rows.append({
            "id": case.id, "question": case.question, "answer": final.answer,
            "draft": "".join(pieces) if args.provider != "none" else None,
            "refused": final.refused, "key_phrase": key,
            "outcome": final.verdict.outcome if final.verdict else None,
            "facts": final.facts,
            "guard_cut": CLAIM_REMOVED_NOTE in final.answer or UNDECIDED_CLAIM_NOTE in final.answer,
            "fallback": MODEL_FALLBACK_NOTE in final.answer,
            "unsupported_cut": unsupported_note is not None and unsupported_note in final.answer,
            "latency_s": round(latency, 1),
        })
        r = rows[-1]
        if args.out:  # after every answer: a long run that is stopped keeps what it measured
            _write(args.out, {"provider": args.provider, "partial": True}, rows)
        print(f"{case.id}: {r['latency_s']:.0f} s key={int(key)} cut={int(r['guard_cut'])} "
              f"fallback={int(r['fallback'])} unsupported={int(r['unsupported_cut'])}", flush=True)
    n = len(rows)
    summary = {
        "provider": args.provider, "n": n, "model_load_s": round(load_s, 1),
        "key_phrase_in_answer": sum(r["key_phrase"] for r in rows) / n,
        "guard_cut_share": sum(r["guard_cut"] for r in rows) / n,
        "fallback_share": sum(r["fallback"] for r in rows) / n,
        "unsupported_cut_share": sum(r["unsupported_cut"] for r in rows) / n,
        "latency_mean_s": round(statistics.mean(r["latency_s"] for r in rows), 1),
    }
    print(json.dumps(summary, indent=1))
    if args.out:
        _write(args.out, summary, rows)
    return 0


def _write(path: Path, summary: dict, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"summary": summary, "answers": rows}, ensure_ascii=False, indent=1), encoding="utf-8")



def replay(path: Path) -> int:
    """The recorded drafts of a run through today's support filter, fallback and guard, without the
    model (its fact reply is replaced by "{}", so the verdict is the extractor's): for judging the
    filter on what the model actually wrote, in seconds instead of minutes per answer."""
    from deelwijzer.answer import MODEL_FALLBACK_NOTE, MODEL_UNSUPPORTED_NOTE, ask
    from deelwijzer.config import get_settings
    from deelwijzer.services import get_services

    settings = get_settings().model_copy(update={"llm_provider": "local"})
    services = get_services(settings)
    _ReplayModel = _replay_model_class()
    rows = json.loads(path.read_text(encoding="utf-8"))["answers"]
    for r in rows:
        fake = _ReplayModel(responses=[r["draft"] or ""])
        fake_services = _WithModel(services, fake)
        ans = ask(r["question"], settings, services=fake_services)
        state = ("fallback" if MODEL_FALLBACK_NOTE in ans.answer else
                 "cut" if MODEL_UNSUPPORTED_NOTE in ans.answer else "kept")
        print(f"===== {r['id']} [{state}]\nDRAFT: {r['draft']!r}\nANSWER: {ans.answer[:700]}\n")
    return 0


def _replay_model_class():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class ReplayModel(FakeListChatModel):
        """Answers the answer prompt with the recorded draft and the facts prompt with "{}"."""

        def _call(self, messages, stop=None, run_manager=None, **kwargs):
            return self.responses[0] if "Passages" in messages[-1].content else "{}"

    return ReplayModel


class _WithModel:
    """The project's services with another chat model."""

    def __init__(self, services, llm):
        self._services, self.llm = services, llm

    def __getattr__(self, name):
        return getattr(self._services, name)


if __name__ == "__main__":
    raise SystemExit(main())
