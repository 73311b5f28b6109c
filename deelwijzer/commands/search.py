"""`deelwijzer search QUERY [--k 10] [--json]`: the passages retrieval finds for a query.

Uses the retriever (hybrid by default, per `settings.retrieval_mode`) when `deelwijzer.retrieve`
is available, else plain dense search on the store.
"""

from __future__ import annotations

import argparse
import json
import sys

from deelwijzer.models import Passage


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", metavar="QUERY", help="de zoekvraag")
    parser.add_argument("--k", type=int, default=10, help="aantal passages (standaard 10)")
    parser.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default=None,
                        help="zoekmethode (standaard: instelling retrieval_mode)")
    parser.add_argument("--json", action="store_true", help="resultaat als JSON op stdout")


def search(settings, query: str, k: int, mode: str | None = None) -> list[Passage]:
    from deelwijzer.services import get_services

    return get_services(settings).retriever.search(query, k=k, mode=mode or settings.retrieval_mode)


def run(args: argparse.Namespace) -> int:
    from deelwijzer.config import get_settings
    from deelwijzer.store import StoreError

    if not args.query.strip():
        print("Fout: lege zoekvraag.", file=sys.stderr)
        return 2
    if args.k < 1:
        print("Fout: --k moet minstens 1 zijn.", file=sys.stderr)
        return 2
    try:
        passages = search(get_settings(), args.query, args.k, args.mode)
    except StoreError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"query": args.query, "passages": [p.to_dict() for p in passages]},
                         ensure_ascii=False, indent=2))
        return 0
    for i, p in enumerate(passages, start=1):
        c = p.chunk
        print(f"[{i}] {p.score:.3f}  {c.title} ({c.version})")
        print(f"    {c.heading_path_str}")
        snippet = " ".join(c.text.split())
        print(f"    {snippet[:300]}{'…' if len(snippet) > 300 else ''}\n")
    return 0
