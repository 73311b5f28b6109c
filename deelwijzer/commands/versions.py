"""`deelwijzer versions [DOC] [--json]` and `deelwijzer diff DOC [--from V] [--to V] [--json]`.

The version history is written by `deelwijzer ingest` (see deelwijzer/versions.py). `versions`
lists it; `diff` shows the sections added, removed and changed between two versions (default: the
last two), with a word-level diff of every changed section as Markdown (~~weg~~, **nieuw**).
A document or version that does not exist is a usage error (exit 2) with a Dutch message that says
what to do.
"""

from __future__ import annotations

import argparse
import json
import sys


def configure_versions(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("doc", nargs="?", metavar="DOC", help="document-id (standaard: alle documenten)")
    parser.add_argument("--json", action="store_true", help="als JSON op stdout")


def configure_diff(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("doc", metavar="DOC", help="document-id, zie `deelwijzer versions`")
    parser.add_argument("--from", dest="from_version", metavar="V", default=None,
                        help="oude versie: versienaam of nummer (standaard: de voorlaatste)")
    parser.add_argument("--to", dest="to_version", metavar="V", default=None,
                        help="nieuwe versie: versienaam of nummer (standaard: de laatste)")
    parser.add_argument("--json", action="store_true", help="als JSON op stdout")


configure = configure_versions


def _history():
    from deelwijzer.config import get_settings
    from deelwijzer.versions import VersionHistory

    return VersionHistory(get_settings().data_dir)


def _summary(entry: dict) -> dict:
    changes = entry.get("changes") or {}
    return {"n": entry.get("n"), "doc_id": entry.get("doc_id"), "title": entry.get("title"),
            "version": entry.get("version"), "document_date": entry.get("document_date", ""),
            "recorded": entry.get("recorded"), "sections": len(entry.get("sections", [])),
            "changes": {k: len(changes.get(k, [])) for k in ("added", "removed", "changed")} if changes else None,
            "rules_review": entry.get("rules_review", [])}


def run_versions(args: argparse.Namespace) -> int:
    from deelwijzer.ui_support import format_timestamp

    history = _history()
    doc_ids = [args.doc] if args.doc else history.doc_ids()
    if args.doc and not history.entries(args.doc):
        known = ", ".join(history.doc_ids()) or "nog geen"
        print(f"Fout: van document '{args.doc}' is geen versiegeschiedenis bekend (bekende documenten: {known}). "
              "Controleer de document-id (zie corpus/manifest.yaml) of lees het document in met "
              "`deelwijzer ingest`.", file=sys.stderr)
        return 2
    rows = {d: [_summary(e) for e in history.entries(d)] for d in doc_ids}
    if args.json:
        print(json.dumps({"documents": [{"doc_id": d, "versions": v} for d, v in rows.items()]},
                         ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("Nog geen versiegeschiedenis. Die begint bij de eerstvolgende `deelwijzer ingest`.")
        return 0
    for d, versions in rows.items():
        print(f"{d} — {versions[-1]['title'] if versions else ''}")
        for v in versions:
            c = v["changes"]
            what = (f"{c['added']} nieuw, {c['removed']} verdwenen, {c['changed']} gewijzigd" if c
                    else "eerste bekende versie")
            review = f", {len(v['rules_review'])} regelstap(pen) te herzien" if v["rules_review"] else ""
            when = format_timestamp(v["recorded"])
            print(f"  #{v['n']:<3} {v['version']:<32} ingelezen {when} · {v['sections']} secties · {what}{review}")
    if len(doc_ids) == 1 and len(rows[doc_ids[0]]) > 1:
        print(f"\nVerschil tussen de laatste twee versies: deelwijzer diff {doc_ids[0]}")
    return 0


def run_diff(args: argparse.Namespace) -> int:
    from deelwijzer.versions import HistoryError, diff_entries

    history = _history()
    try:
        new = history.find(args.doc, args.to_version, default=-1)
        if args.from_version is None:
            entries = history.entries(args.doc)
            idx = entries.index(new)
            if idx == 0:
                raise HistoryError(f"Versie #{new['n']} ({new['version']}) is de eerste bekende versie van "
                                   f"'{args.doc}'; geef met --from een oudere versie, of lees eerst een nieuwe "
                                   "versie in.")
            old = entries[idx - 1]
        else:
            old = history.find(args.doc, args.from_version)
    except HistoryError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    result = diff_entries(old, new)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(render_markdown(result))
    return 0


def render_markdown(result: dict) -> str:
    f, t = result["from"], result["to"]
    lines = [f"# {result['doc_id']}: versie {f['version']} (#{f['n']}) → {t['version']} (#{t['n']})", ""]
    if not (result["added"] or result["removed"] or result["changed"]):
        lines.append("Geen verschil in de tekst van de secties.")
        return "\n".join(lines)
    for title, key in (("Nieuwe secties", "added"), ("Verdwenen secties", "removed"),
                       ("Gewijzigde secties", "changed")):
        if result[key]:
            lines.append(f"## {title} ({len(result[key])})")
            lines.extend(f"- {k}" for k in result[key])
            lines.append("")
    if result["changed"]:
        lines.append("## Wat er in de gewijzigde secties veranderde (~~weg~~, **nieuw**)")
        for k in result["changed"]:
            lines.extend(["", f"### {k}", "", result["word_diff"][k]])
    return "\n".join(lines).rstrip() + "\n"


run = run_versions
