"""Dump the answers to a suite's questions for a blind grader (issue 13, item 5).

For every answer case (and refusal case with --refusals) it asks the real pipeline and writes
the question, the earlier turns of a follow-up, the answer text exactly as the user reads it, and
the cited passages (handvat, version, heading path, text). Nothing the grader must not see goes in:
no reference answer, no key phrases, no expected heading, no scores.

    python -m evals.tools.dump_answers evals/suites/independent-frozen.yaml --out eval-dump/frozen
    -> eval-dump/frozen.jsonl and eval-dump/frozen.md

The grading rubric (the issue's): 2 = a professional could act on it, 1 = partly, 0 = not useful;
plus a flag when the answer would lead to a wrong action.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

RUBRIC = (
    "Beoordeel elk antwoord alleen op basis van de vraag, het antwoord en het corpus (de vijf handvatten). "
    "Score: 2 = een professional kan ermee handelen; 1 = deels; 0 = niet bruikbaar. "
    "Markeer daarnaast 'verkeerde handeling' als het antwoord tot een verkeerde handeling zou leiden."
)


def _record(case, answer) -> dict:
    return {
        "id": case.id,
        "kind": case.kind,
        "history": list(getattr(case, "history", ()) or ()),
        "question": case.question,
        "refused": answer.refused,
        "answer": answer.answer,
        "citations": [
            {"n": c.n, "title": c.title, "version": c.version, "heading_path": c.heading_path,
             "pre_avg": c.pre_avg, "text": c.text}
            for c in answer.citations
        ],
    }


def _markdown(records: list[dict], suite_name: str, passages: bool) -> str:
    lines = [f"# Antwoorden voor blinde beoordeling: {suite_name}", "", RUBRIC, ""]
    for r in records:
        lines += [f"## {r['id']}", ""]
        for turn in r["history"]:
            lines.append(f"*Eerdere vraag:* {turn}  ")
        lines += [f"**Vraag:** {r['question']}", "", "**Antwoord:**", "", "```text", r["answer"], "```", ""]
        if passages and r["citations"]:
            lines.append("<details><summary>Geciteerde passages</summary>")
            lines.append("")
            for c in r["citations"]:
                era = " (vóór AVG)" if c["pre_avg"] else ""
                lines += [f"**[{c['n']}] {c['title']}**, versie {c['version']}{era} — {c['heading_path']}", "",
                          "```text", c["text"], "```", ""]
            lines += ["</details>", ""]
        lines += ["Score (0/1/2): ___   Verkeerde handeling: ja / nee", "", "---", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", help="een suitebestand (evals/suites/*.yaml)")
    parser.add_argument("--out", required=True, help="pad zonder extensie; schrijft .jsonl en .md")
    parser.add_argument("--refusals", action="store_true", help="ook de weigercases")
    parser.add_argument("--no-passages", action="store_true", help="geen passages in de Markdown")
    parser.add_argument("--limit", type=int, default=0, help="alleen de eerste N cases")
    args = parser.parse_args(argv)

    from deelwijzer.answer import ask
    from deelwijzer.config import get_settings
    from evals.schema import load_suite

    settings = get_settings()
    suite = load_suite(args.suite)
    kinds = ("answer", "refusal") if args.refusals else ("answer",)
    cases = [c for c in suite.cases if c.kind in kinds]
    if args.limit:
        cases = cases[: args.limit]
    records = []
    for i, case in enumerate(cases, 1):
        history = list(getattr(case, "history", ()) or ())
        answer = ask(case.question, settings, facts=getattr(case, "facts", None), history=history or None)
        records.append(_record(case, answer))
        print(f"\r{i}/{len(cases)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out.with_suffix(".md").write_text(_markdown(records, suite.name, not args.no_passages), encoding="utf-8")
    print(f"{len(records)} antwoorden -> {out.with_suffix('.jsonl')} en {out.with_suffix('.md')}")
    settings_note = f"llm_provider={settings.llm_provider}"
    print(settings_note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
