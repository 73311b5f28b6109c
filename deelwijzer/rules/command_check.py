"""`deelwijzer check`: test facts against a stappenplan, once or interactively.

    deelwijzer check --plan politie --facts '{"ontvanger": "halt", ...}' [--json]
    deelwijzer check --facts feiten.yaml            # plan chosen from `rol`
    deelwijzer check --plan zorg --interactive      # asks the next question until a verdict
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from .loader import plan_ids
from .render import explain, fmt_value
from .model import FactError, RuleError

EXIT_OK, EXIT_USAGE, EXIT_FACTS, EXIT_RULES = 0, 2, 3, 4


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plan", choices=plan_ids(),
                        help="het stappenplan (mag weg als de feiten 'rol' bevatten)")
    parser.add_argument("--facts", default=None,
                        help="feiten als JSON-tekst, of pad naar een JSON/YAML-bestand ('-' = stdin)")
    parser.add_argument("--json", action="store_true", help="het oordeel als JSON (Verdict.to_dict())")
    parser.add_argument("--interactive", "-i", action="store_true",
                        help="stel de ontbrekende vragen één voor één tot er een oordeel is")
    parser.add_argument("--rules-dir", type=Path, default=None, help="map met de regels (standaard: rules/)")


def _rules_dir(args: argparse.Namespace) -> Path | None:
    if args.rules_dir:
        return args.rules_dir
    env = os.environ.get("DEELWIJZER_RULES_DIR")
    return Path(env) if env else None


def parse_facts(spec: str | None, stdin: TextIO = sys.stdin) -> dict[str, Any]:
    """JSON text, a JSON/YAML file, or '-' for stdin. Raises ValueError with a Dutch message."""
    if spec is None:
        return {}
    text = spec
    if spec == "-":
        text = stdin.read()
    elif not spec.lstrip().startswith("{"):
        path = Path(spec)
        if not path.is_file():
            raise ValueError(f"--facts: geen JSON en geen bestand: {spec!r}")
        text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(f"--facts: geen geldige JSON of YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("--facts: verwacht een object met feitnaam -> waarde")
    return data


def _print_verdict(ruleset, verdict, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(explain(ruleset, verdict) + "\n")


def interactive(ruleset, facts: dict[str, Any], plan: str | None, stdin: TextIO, prompt: TextIO):
    """The question loop the chat panel uses: evaluate, ask `vraag`, add the answer, repeat."""
    from . import evaluate
    from .facts import declined_facts
    from .session import answer

    while True:
        verdict = evaluate(ruleset, facts, plan)
        q = verdict.vraag
        if verdict.outcome != "meer_informatie_nodig" or q is None:
            return verdict, facts
        if q.fact in declined_facts(facts):  # every open question was answered "weet ik niet"
            prompt.write(f"\nZonder antwoord op '{q.text}' kan het stappenplan niet verder.\n")
            return verdict, facts
        prompt.write(f"\n{q.text}\n")
        if q.options:
            prompt.write(f"  [{' / '.join(q.options)}]  (? = toelichting, stop = stoppen)\n")
        while True:
            prompt.write("> ")
            prompt.flush()
            line = stdin.readline()
            if not line:  # end of input: stop with the verdict so far
                return verdict, facts
            reply = line.strip()
            if reply.lower() in {"stop", "q", "quit"}:
                return verdict, facts
            if reply == "?":
                prompt.write((q.help or "Geen toelichting beschikbaar.") + "\n")
                continue
            if not reply:
                continue
            try:
                new = answer(ruleset, facts, q.fact, reply, plan)
                evaluate(ruleset, new, plan)  # reject contradictions now, not on the next turn
            except FactError as exc:
                prompt.write(f"{exc}\n")
                continue
            facts = new
            prompt.write(f"  {q.fact} = {fmt_value(facts[q.fact])}\n")
            break


def run(args: argparse.Namespace) -> int:
    from . import evaluate, load_rules

    try:
        ruleset = load_rules(_rules_dir(args))
    except RuleError as exc:
        print(f"Fout in de regels: {exc}", file=sys.stderr)
        return EXIT_RULES
    try:
        facts = parse_facts(args.facts)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    if args.plan is None and "rol" not in facts and "plan" not in facts and not args.interactive:
        print("Geef --plan, of neem 'rol' op in de feiten (dan kiest Deelwijzer het stappenplan).", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.interactive:
            prompt = sys.stderr if args.json else sys.stdout
            verdict, facts = interactive(ruleset, facts, args.plan, sys.stdin, prompt)
        else:
            verdict = evaluate(ruleset, facts, args.plan)
    except FactError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FACTS
    except RuleError as exc:
        print(f"Fout in de regels: {exc}", file=sys.stderr)
        return EXIT_RULES
    if args.interactive and not args.json:
        print()
    _print_verdict(ruleset, verdict, args.json, sys.stdout)
    return EXIT_OK
