"""The `deelwijzer` command. Each subcommand lives in its own module with
`configure(parser)` and `run(args) -> int`; modules are imported only when their command runs,
so `deelwijzer check` never pays for loading the embedder or Chroma."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("ingest.command", "Lees de handvatten in en werk de index bij"),
    "search": ("deelwijzer.commands.search", "Zoek passages in de handvatten"),
    "ask": ("deelwijzer.commands.ask", "Stel een vraag; antwoord met bronnen en stappenplan-oordeel"),
    "check": ("deelwijzer.rules.command_check", "Toets feiten aan een stappenplan"),
    "rules": ("deelwijzer.commands.rules", "Beheer de regels (validate)"),
    "versions": ("deelwijzer.commands.versions", "Toon de ingelezen versies van de handvatten"),
    "diff": ("deelwijzer.commands.diff", "Wat veranderde er tussen twee versies van een handvat"),
    "eval": ("evals.command", "Draai evaluatiesuites en maak een rapport"),
}


def build_parser(argv: list[str]) -> tuple[argparse.ArgumentParser, str | None]:
    parser = argparse.ArgumentParser(prog="deelwijzer", description="Mag ik deze gegevens delen?")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module_name, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:  # only the command that runs is imported
            importlib.import_module(module_name).configure(sp)
    return parser, chosen


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, chosen = build_parser(argv)
    if chosen not in COMMANDS:
        parser.print_help()
        return 0 if not argv else 2
    args = parser.parse_args(argv)
    from deelwijzer.logging_setup import setup_logging

    setup_logging(logging.WARNING)  # every log record is redacted (BSN, name + date of birth)
    module = importlib.import_module(COMMANDS[chosen][0])
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        return 130
