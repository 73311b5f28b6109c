"""Build a dialogue suite from a helper-written set of sharing questions plus its translation:

    .venv/bin/python -m evals.tools.frozen                 # the frozen test split (default)
    .venv/bin/python -m evals.tools.frozen --set dev       # the dev (tuning) split of the same kind
    .venv/bin/python -m evals.tools.frozen --set dev2      # a second dev split, from a third writer
    .venv/bin/python -m evals.tools.frozen --set dev3      # a fresh check from a fourth writer (not tuned on)
    .venv/bin/python -m evals.tools.frozen --source S --translation T --out O --split dev --name N

A SOURCE holds questions written by a helper who read only the handreiking, with facts in natural
language, which of them the question states, and the expected verdict (a copy of each writer's file
lives in evals/data/, so the suites are reproducible). A TRANSLATION translates every fact line into
the engine's fact names (one entry per line, in order; {} = no engine fact for that line). The expected
verdicts are copied unchanged.

The frozen split is FROZEN: measure on it, never tune the extractor or the rules on it. The dev split
is written the same way by another helper and may be tuned on."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from deelwijzer.config import PROJECT_ROOT
from evals.tools.convert import DIALOGUE_THRESHOLDS

DATA = PROJECT_ROOT / "evals" / "data"
SUITES = PROJECT_ROOT / "evals" / "suites"


@dataclass(frozen=True)
class SetSpec:
    name: str  # suite name
    split: str  # "frozen" (measure only) or "dev" (tuning)
    source: Path
    translation: Path
    out: Path
    description: str
    header: str


def _set(key: str, source_stem: str, description: str, header: str, split: str | None = None) -> SetSpec:
    """A set by convention: evals/data/<source_stem>.yaml + <key>-translation.yaml -> suite -<key>."""
    name = f"stappenplannen-vragen-{key}"
    return SetSpec(name, split or key, DATA / f"{source_stem}.yaml", DATA / f"{key}-translation.yaml",
                   SUITES / f"{name}.yaml", description, header)


SETS: dict[str, SetSpec] = {
    "frozen": _set("frozen", "sharing_questions",
                   "{n} deelvragen geschreven door een helper die alleen de handreiking las, gevoerd als "
                   "dialoog. BEVROREN testsplit: niet op afstemmen. Feiten vertaald naar de namen van "
                   "de engine in evals/data/frozen-translation.yaml; verwachte oordelen ongewijzigd.",
                   "# BEVROREN TESTSPLIT: alleen meten, nooit de feitenextractie of de regels hierop afstemmen.\n"),
    "dev": _set("dev", "sharing_questions_dev",
                "{n} deelvragen geschreven door een andere helper die alleen de handreiking las (zelfde "
                "opzet als de bevroren split), gevoerd als dialoog. DEV-split: hierop mag worden afgestemd; "
                "cijfers zijn afstemcijfers. Feiten vertaald in evals/data/dev-translation.yaml; "
                "verwachte oordelen ongewijzigd.",
                "# DEV-SPLIT (afstemmen toegestaan): cijfers hierop zijn afstemcijfers.\n"),
    "dev2": _set("dev2", "sharing_questions_dev2",
                 "{n} deelvragen geschreven door een derde helper die alleen de handreiking las (zelfde opzet), "
                 "gevoerd als dialoog. DEV-split (dev2): hierop mag worden afgestemd; cijfers zijn afstemcijfers. "
                 "Feiten vertaald in evals/data/dev2-translation.yaml; verwachte oordelen ongewijzigd.",
                 "# DEV-SPLIT dev2 (afstemmen toegestaan): cijfers hierop zijn afstemcijfers.\n", split="dev"),
    "dev3": _set("dev3", "sharing_questions_dev3",
                 "{n} deelvragen geschreven door een vierde helper die alleen de handreiking las (zelfde opzet), "
                 "gevoerd als dialoog. VERSE meting (dev3): twee keer gemeten (de code bij de start en aan het eind "
                 "van ronde 3), niet op afgestemd. Feiten vertaald in evals/data/dev3-translation.yaml; verwachte "
                 "oordelen ongewijzigd.",
                 "# VERSE SET dev3: alleen meten (begin en eind van ronde 3), niet op afstemmen.\n", split="fresh"),
}


def build(source: Path, translation: Path, spec: SetSpec | None = None) -> dict:
    spec = spec or SETS["frozen"]
    cases_in = yaml.safe_load(source.read_text(encoding="utf-8"))["cases"]
    table = yaml.safe_load(translation.read_text(encoding="utf-8"))
    cases = []
    for c in cases_in:
        lines = list(c["facts"])
        mapped = table[c["id"]]
        if len(mapped) != len(lines):
            raise SystemExit(f"{c['id']}: {len(lines)} feitregels, {len(mapped)} vertalingen")
        stated_lines = set(c.get("stated_facts") or [])
        facts: dict = {}
        stated: list[str] = []
        for line, engine in zip(lines, mapped):
            for name, value in (engine or {}).items():
                if name in facts and facts[name] != value:
                    raise SystemExit(f"{c['id']}: {name} tegenstrijdig vertaald")
                facts[name] = value
                if line in stated_lines and name not in stated and name != "plan":
                    stated.append(name)
        case = {
            "kind": "verdict", "id": c["id"], "tags": [c["plan"], spec.split],
            "source": f"{source.name} {c['id']} · {c.get('title', '')}".strip(" ·"),
            "note": f"verwachte beslissende stap (kop): {c.get('deciding_step', '')}",
            "question": " ".join(str(c["question"]).split()),
            "facts": facts,
            "stated_facts": stated,
            "unstated_facts": [f for f in facts if f not in stated and f != "plan"],
            "facts_source": {"lines": lines, "engine": [dict(m or {}) for m in mapped]},
            "expected_outcome": c["expected"],
        }
        cases.append(case)
    return {
        "name": spec.name,
        "description": spec.description.format(n=len(cases)),
        "split": spec.split,
        "thresholds": DIALOGUE_THRESHOLDS,
        "cases": cases,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.tools.frozen", description=__doc__.split("\n\n")[0])
    ap.add_argument("source_pos", nargs="?", help=argparse.SUPPRESS)  # the old positional SOURCE
    ap.add_argument("--set", choices=sorted(SETS), default="frozen", help="which split (default: frozen)")
    ap.add_argument("--source", type=Path, help="the writer's YAML (default: the set's copy in evals/data/)")
    ap.add_argument("--translation", type=Path, help="the translation YAML (default: the set's)")
    ap.add_argument("--out", type=Path, help="the suite to write (default: the set's)")
    ap.add_argument("--split", help="split label written into the suite (default: the set's)")
    ap.add_argument("--name", help="suite name (default: the set's)")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    base = SETS[args.set]
    spec = SetSpec(
        name=args.name or base.name, split=args.split or base.split,
        source=args.source or (Path(args.source_pos) if args.source_pos else base.source),
        translation=args.translation or base.translation, out=args.out or base.out,
        description=base.description, header=base.header)
    suite = build(spec.source, spec.translation, spec)
    generated = (f"# Gegenereerd door `python -m evals.tools.frozen --set {args.set}`; bewerk de bron of de "
                 "vertaling, niet dit bestand.\n")
    spec.out.write_text(generated + spec.header + yaml.safe_dump(suite, allow_unicode=True, sort_keys=False, width=110),
                        encoding="utf-8")
    print(f"{spec.out}: {len(suite['cases'])} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
