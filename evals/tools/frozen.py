"""Build the frozen test split from the helper-written set of sharing questions:

    .venv/bin/python -m evals.tools.frozen [SOURCE]

SOURCE (default /work/evalsets/sharing_questions.yaml) holds 44 questions written by a helper who read
only the handreiking, with facts in natural language, which of them the question states, and the
expected verdict. evals/data/frozen-translation.yaml translates every fact line into the engine's
fact names (one entry per line, in order). The expected verdicts are copied unchanged.

This split is FROZEN: measure on it, never tune the extractor or the rules on it."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from deelwijzer.config import PROJECT_ROOT
from evals.tools.convert import DIALOGUE_THRESHOLDS

DEFAULT_SOURCE = Path("/work/evalsets/sharing_questions.yaml")
TRANSLATION = PROJECT_ROOT / "evals" / "data" / "frozen-translation.yaml"
OUT = PROJECT_ROOT / "evals" / "suites" / "stappenplannen-vragen-frozen.yaml"
HEADER = ("# Gegenereerd door `python -m evals.tools.frozen`; bewerk de bron of de vertaling, niet dit bestand.\n"
          "# BEVROREN TESTSPLIT: alleen meten, nooit de feitenextractie of de regels hierop afstemmen.\n")


def build(source: Path, translation: Path) -> dict:
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
            "kind": "verdict", "id": c["id"], "tags": [c["plan"], "frozen"],
            "source": f"sharing_questions.yaml {c['id']} · {c.get('title', '')}".strip(" ·"),
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
        "name": "stappenplannen-vragen-frozen",
        "description": ("44 deelvragen geschreven door een helper die alleen de handreiking las, gevoerd als "
                        "dialoog. BEVROREN testsplit: niet op afstemmen. Feiten vertaald naar de namen van "
                        "de engine in evals/data/frozen-translation.yaml; verwachte oordelen ongewijzigd."),
        "split": "frozen",
        "thresholds": DIALOGUE_THRESHOLDS,
        "cases": cases,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    suite = build(source, TRANSLATION)
    OUT.write_text(HEADER + yaml.safe_dump(suite, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    print(f"{OUT}: {len(suite['cases'])} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
