"""`deelwijzer ask QUESTION [--json] [--facts JSON]`."""

from __future__ import annotations

import argparse
import json
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="+", help="de vraag (tussen aanhalingstekens)")
    parser.add_argument("--json", action="store_true", help="antwoord als JSON")
    parser.add_argument(
        "--facts",
        metavar="JSON",
        help='bekende feiten als JSON-object, bijv. \'{"strafbaar_feit": "geen"}\'; gaan boven feiten uit de vraag',
    )
    parser.add_argument(
        "--eerder",
        action="append",
        default=[],
        metavar="VRAAG",
        help="een eerdere vraag in dit gesprek (herhaalbaar, oudste eerst); een vervolgvraag als "
             "'En als de leerling 17 is?' wordt daarin gelezen",
    )


def _parse_facts(raw: str | None) -> dict | None:
    if not raw:
        return None
    try:
        facts = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"--facts is geen geldige JSON: {exc.msg}") from exc
    if not isinstance(facts, dict):
        raise ValueError("--facts moet een JSON-object zijn, bijv. {\"toestemming\": false}")
    return facts


def render_text(answer) -> str:
    lines = [answer.answer]
    if answer.citations:
        lines += ["", "Bronnen:"]
        for c in answer.citations:
            era = "  [Wbp, vóór de AVG]" if c.pre_avg else ""
            lines.append(f"[{c.n}] {c.title} (versie {c.version}) › {c.heading_path}{era}")
    if answer.facts:
        lines += ["", "Gebruikte feiten: " + ", ".join(f"{k}={v}" for k, v in sorted(answer.facts.items()))]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from deelwijzer.answer import QuestionError, ask
    from deelwijzer.config import get_settings
    from deelwijzer.llm import LLMConfigError

    question = " ".join(args.question)
    try:
        facts = _parse_facts(args.facts)
        answer = ask(question, get_settings(), facts=facts, history=args.eerder or None)
    except (QuestionError, ValueError, LLMConfigError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if type(exc).__name__ == "IndexMissing":  # no index yet: say what to do, no traceback
            print(f"Fout: {exc}", file=sys.stderr)
            return 3
        raise
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_text(answer))
    return 0
