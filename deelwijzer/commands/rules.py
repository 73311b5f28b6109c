"""`deelwijzer rules`: maintain the rules.

    deelwijzer rules validate [--json]    schema, references, reachability, termination, cited headings
    deelwijzer rules coverage             run rules/cases/*.yaml and print the branch coverage
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="rules_command", metavar="ACTIE")
    v = sub.add_parser("validate", help="controleer de regels en de geciteerde koppen")
    v.add_argument("--rules-dir", type=Path, default=None)
    v.add_argument("--corpus-dir", type=Path, default=None,
                   help="map met manifest.yaml en de handvatten (standaard: de ingestelde corpusmap, "
                        "DEELWIJZER_CORPUS_DIR)")
    v.add_argument("--json", action="store_true")
    c = sub.add_parser("coverage", help="draai de testcases en toon welke regeltakken nooit zijn doorlopen")
    c.add_argument("--rules-dir", type=Path, default=None)


def run(args: argparse.Namespace) -> int:
    if args.rules_command == "validate":
        return _validate(args)
    if args.rules_command == "coverage":
        return _coverage(args)
    print("Gebruik: deelwijzer rules validate | coverage", file=sys.stderr)
    return 2


def _validate(args: argparse.Namespace) -> int:
    from deelwijzer.rules.validate import validate_rules
    from ingest.source_reader import INGEST_READER  # the command wires ingest in; the rules package does not

    rules_dir, corpus_dir = args.rules_dir, args.corpus_dir
    if rules_dir is None or corpus_dir is None:  # the configured folders (settings / DEELWIJZER_*)
        from deelwijzer.config import get_settings

        settings = get_settings()
        rules_dir = rules_dir or settings.rules_dir
        corpus_dir = corpus_dir or settings.corpus_dir
    if not (Path(corpus_dir) / "manifest.yaml").exists():
        print(f"Fout: in de corpusmap {corpus_dir} staat geen manifest.yaml. Zet DEELWIJZER_CORPUS_DIR op de "
              "map met de handvatten en manifest.yaml, of geef --corpus-dir op.", file=sys.stderr)
        return 2
    report = validate_rules(rules_dir, corpus_dir, INGEST_READER)
    if args.json:
        print(json.dumps({"ok": report.ok, "errors": report.errors, "review": report.review,
                          "warnings": report.warnings, "stats": report.stats}, ensure_ascii=False, indent=2))
        return 0 if report.ok else 1
    for e in report.errors:
        print(f"FOUT: {e}")
    for r in report.review:
        print(f"REVIEW: {r}")
    for w in report.warnings:
        print(f"let op: {w}")
    s = report.stats
    if report.ok:
        steps = sum(v for k, v in s.items() if k.startswith("stappen_"))
        combos = sum(v for k, v in s.items() if k.startswith("combinaties_"))
        print(f"Regels in orde: {steps} stappen, {s.get('takken', 0)} takken, {combos} waardecombinaties "
              f"getoetst, {s.get('citaten', 0)} citaten gevonden in de handreiking.")
        return 0
    print(f"{len(report.errors)} fout(en), {len(report.review)} citaat/citaten te reviewen "
          f"(getoetst tegen {corpus_dir}). Pas de kop of het anker in rules/*.yaml aan aan de nieuwe tekst, "
          "of herstel de handreiking, en draai `deelwijzer rules validate` opnieuw.")
    return 1


def _coverage(args: argparse.Namespace) -> int:
    from deelwijzer.rules.cases import load_cases, run_cases
    from deelwijzer.rules.loader import default_rules_dir, load_rules

    rules_dir = args.rules_dir or default_rules_dir()
    ruleset = load_rules(rules_dir)
    cases = load_cases(rules_dir / "cases")
    failures, coverage = run_cases(ruleset, cases)
    for case_id, problems in failures.items():
        print(f"FAALT {case_id}: " + "; ".join(problems))
    print(f"{len(cases) - len(failures)}/{len(cases)} cases geslaagd.")
    print(coverage.report(ruleset))
    return 0 if not failures and not coverage.missed else 1
