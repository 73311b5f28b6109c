"""`deelwijzer eval SUITE... [--report DIR] [--json] [--compare CONFIG_A CONFIG_B]`

Exit codes: 0 all declared thresholds met; 1 a threshold not met; 2 a suite or configuration
is invalid. With --compare the exit code only reflects errors (comparing is not gating)."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evals.schema import RunConfig, Suite, SuiteError, load_suite, parse_config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("suites", nargs="+", metavar="SUITE", help="suitebestand(en) (YAML) of map met suites")
    parser.add_argument("--report", metavar="DIR", type=Path, help="schrijf report.md, report.html en report.json in DIR")
    parser.add_argument("--json", action="store_true", help="uitvoer als JSON op stdout")
    parser.add_argument(
        "--compare", nargs=2, metavar=("CONFIG_A", "CONFIG_B"),
        help="vergelijk twee configuraties: YAML-bestand of inline 'retrieval_mode=dense,top_k=5'",
    )
    parser.add_argument("--set", metavar="KEY=VALUE,...", help="overschrijf de configuratie van alle suites")
    parser.add_argument("--only", metavar="KIND", action="append", choices=["retrieval", "answer", "verdict", "refusal"],
                        help="draai alleen cases van deze soort (herhaalbaar)")
    parser.add_argument("--no-progress", action="store_true", help="geen voortgangsbalk")


def expand_suites(specs: list[str]) -> list[Path]:
    paths: list[Path] = []
    for spec in specs:
        p = Path(spec)
        paths.extend(sorted(p.glob("*.yaml")) if p.is_dir() else [p])
    return paths


def filter_kinds(suite: Suite, kinds: list[str] | None) -> Suite:
    if not kinds:
        return suite
    cases = tuple(c for c in suite.cases if c.kind in kinds)
    return suite.model_copy(update={"cases": cases})


def default_backend_factory(config: RunConfig) -> tuple[Any, int]:
    """The real backend for a configuration, and the Settings' default k."""
    from deelwijzer.config import get_settings
    from evals.backend import RealBackend

    settings = get_settings().model_copy(update=config.settings_update())
    return RealBackend(settings), settings.top_k


def run_suites(
    suites: list[Suite],
    override: RunConfig | None,
    backend_factory: Callable[[RunConfig], tuple[Any, int]],
    progress: bool,
):
    from evals.runner import run_suite

    results = []
    for suite in suites:
        config = suite.config.merged(override)
        backend, default_k = backend_factory(config)
        results.append(run_suite(suite, backend, config, default_k, progress=progress))
    return results


def main(args: argparse.Namespace, backend_factory=default_backend_factory) -> int:
    from evals import report

    command = "deelwijzer eval " + " ".join(shlex.quote(a) for a in getattr(args, "argv", []) or [])
    try:
        suites = [filter_kinds(load_suite(p), args.only) for p in expand_suites(args.suites)]
        override = parse_config(args.set) if args.set else None
        sides = [parse_config(s) for s in args.compare] if args.compare else None
    except SuiteError as err:
        print(f"fout: {err}", file=sys.stderr)
        return 2
    progress = not args.no_progress

    if sides:
        from evals.compare import Comparison

        a_cfg, b_cfg = (override.merged(s) if override else s for s in sides)
        res_a = run_suites(suites, a_cfg, backend_factory, progress)
        res_b = run_suites(suites, b_cfg, backend_factory, progress)
        comp = Comparison(a_cfg.label(), b_cfg.label(), res_a, res_b)
        if args.report:
            args.report.mkdir(parents=True, exist_ok=True)
            (args.report / "compare.md").write_text(comp.to_markdown(command), encoding="utf-8")
            (args.report / "compare.html").write_text(comp.to_html(command), encoding="utf-8")
        if args.json:
            import json

            print(json.dumps(comp.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(comp.to_markdown(command))
        return 0

    results = run_suites(suites, override, backend_factory, progress)
    if args.report:
        for path in report.write_reports(results, args.report, command):
            print(f"rapport: {path}", file=sys.stderr)
    if args.json:
        print(report.to_json(results))
    else:
        print(report.summary_table_md(results))
        for r in results:
            for t in r.thresholds:
                if not t.ok:
                    print(f"drempel niet gehaald in {r.suite}: {t.metric} = {report.fmt(t.metric, t.value)}", file=sys.stderr)
    return 0 if all(r.passed for r in results) else 1


def run(args: argparse.Namespace) -> int:
    args.argv = sys.argv[2:] if len(sys.argv) > 2 and sys.argv[1] == "eval" else []
    return main(args)
