"""`deelwijzer ingest [PATH ...] [--json] [--rebuild] [--if-missing]`.

Exit codes: 0 everything ingested, 1 some files failed (the index is still updated for the rest and
failed documents keep their previous version), 2 bad usage or no index could be built.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="bestanden of mappen (standaard: de hele corpus-map)")
    parser.add_argument("--json", action="store_true", help="rapport als JSON op stdout")
    parser.add_argument("--rebuild", action="store_true",
                        help="bouw de index volledig opnieuw op (bijv. na wisselen van embedder)")
    parser.add_argument("--if-missing", action="store_true",
                        help="doe niets als er al een index is (gebruikt door `make run`)")


def _tqdm_progress():
    from tqdm import tqdm

    state: dict = {"bar": None, "message": None}

    def progress(done: int, total: int, message: str) -> None:
        if state["message"] != message:
            if state["bar"] is not None:
                state["bar"].close()
            state["bar"] = tqdm(total=total, desc=message, unit="", file=sys.stderr, leave=False)
            state["message"] = message
        bar = state["bar"]
        bar.total = total
        bar.n = done
        bar.refresh()

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].close()

    return progress, close


def run(args: argparse.Namespace) -> int:
    from deelwijzer.config import get_settings
    from deelwijzer.embed import EmbedderError
    from deelwijzer.store import StoreError, open_store
    from ingest.pipeline import run_ingest

    settings = get_settings()
    if args.if_missing and not args.paths:
        if open_store(settings).generation():
            if not args.json:
                print("Index bestaat al; niets te doen (gebruik `deelwijzer ingest` om bij te werken).")
            return 0

    paths = [Path(p) for p in args.paths] or None
    progress, close = _tqdm_progress() if sys.stderr.isatty() and not args.json else (None, lambda: None)
    try:
        report = run_ingest(settings, paths=paths, progress=progress, rebuild=args.rebuild)
    except (EmbedderError, StoreError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    finally:
        close()

    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(text_report(report))
    for e in report.errors:
        kept = " (vorige versie blijft in de index)" if e.kept_previous else ""
        hint = f" {e.hint}" if getattr(e, "hint", "") else ""
        print(f"Fout in {e.file}: {e.reason}{kept}.{hint}", file=sys.stderr)
    return 1 if report.errors else 0


STATUS_NL = {"added": "nieuw", "updated": "bijgewerkt", "unchanged": "ongewijzigd", "removed": "verwijderd"}
KIND_NL = {
    "heading": "geciteerde kop komt niet meer voor",
    "anchor": "geciteerde zin (anker) komt niet meer voor",
    "changed": "geciteerde sectie is gewijzigd",
}


def text_report(report) -> str:
    """The ingest report in Dutch: documents, per updated document the changed sections, and the rule
    steps to review."""
    lines = []
    for d in report.documents:
        lines.append(f"{STATUS_NL.get(d.status, d.status):<12} {d.doc_id:<28} {d.chunks:>4} passages  ({d.version})")
        if d.status == "updated" and d.changes is not None:
            c = d.changes
            lines.append(f"    t.o.v. versie {d.previous_version}: {len(c.added)} sectie(s) nieuw, "
                         f"{len(c.removed)} verdwenen, {len(c.changed)} gewijzigd")
            for mark, keys in (("+", c.added), ("-", c.removed), ("~", c.changed)):
                lines.extend(f"    {mark} {k}" for k in keys)
            if not c.empty:
                lines.append(f"    (woord voor woord: deelwijzer diff {d.doc_id})")
    lines.append(f"{report.chunks_added} toegevoegd, {report.chunks_removed} verwijderd, "
                 f"{report.chunks_total} passages in de index, {report.seconds:.1f} s")
    if report.rules_review:
        lines.append("")
        lines.append(f"Regels te herzien ({len(report.rules_review)}):")
        for r in report.rules_review:
            line = f"  - {r['plan']} {r['step']}: {KIND_NL.get(r['kind'], r['kind'])}: {r['cited']!r}"
            if r.get("suggestion") and r["kind"] != "changed":
                line += f"; dichtstbijzijnde in de nieuwe tekst: {r['suggestion']!r}"
            lines.append(line)
        lines.append("Pas de koppen/ankers in rules/*.yaml aan (en `source.version`), en controleer met "
                     "`deelwijzer rules validate`.")
    elif any(d.status in ("added", "updated") for d in report.documents):
        lines.append("Regels: geen geciteerde kop, zin of sectie geraakt.")
    for w in getattr(report, "warnings", ()):
        lines.append(f"Let op: {w}")
    return "\n".join(lines)
