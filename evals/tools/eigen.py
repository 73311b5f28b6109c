"""Build evals/suites/stappenplannen-vragen-eigen.yaml from evals/data/eigen-vragen.yaml: own
examples (tune split), every stated fact marked, expected = the engine on those facts.

    .venv/bin/python -m evals.tools.eigen
"""

from __future__ import annotations

import sys

import yaml

from deelwijzer.config import PROJECT_ROOT, Settings
# These cases hold only what the question states, not a full case: the engine on them stops at the first
# fact the question leaves open, while the dialogue (with assumptions) may get further. So they gate
# what the question states (never asked again, never contradicted), not the verdict.
EIGEN_THRESHOLDS = {"stated_facts_reasked": 0, "extracted_fact_errors": 0}

SOURCE = PROJECT_ROOT / "evals" / "data" / "eigen-vragen.yaml"
OUT = PROJECT_ROOT / "evals" / "suites" / "stappenplannen-vragen-eigen.yaml"


def main() -> int:
    from deelwijzer.rules import evaluate, load_rules, validate_facts

    rs = load_rules(Settings().rules_dir)
    cases = []
    for item in yaml.safe_load(SOURCE.read_text(encoding="utf-8")):
        facts = dict(item["facts"])
        verdict = evaluate(rs, validate_facts(rs, facts), facts.get("plan"))
        cases.append({"kind": "verdict", "id": item["id"], "tags": ["eigen"], "question": item["question"],
                      "facts": facts, "stated_facts": [f for f in facts if f != "plan"], "unstated_facts": [],
                      "expected_outcome": verdict.outcome,
                      "note": "verwacht = engine op deze feiten" + (f" (vraag {verdict.vraag.fact})" if verdict.vraag else "")})
    suite = {"name": "stappenplannen-vragen-eigen",
             "description": ("Eigen voorbeeldvragen (afstemsplit), gevoerd als dialoog; feiten = alleen wat de vraag zegt, "
                             "verwacht = engine op die feiten. Poort: genoemde feiten nooit opnieuw gevraagd of "
                             "tegengesproken (het oordeel is geen poort: de case is niet volledig)."),
             "thresholds": EIGEN_THRESHOLDS, "cases": cases}
    OUT.write_text("# Gegenereerd door `python -m evals.tools.eigen`; bewerk evals/data/eigen-vragen.yaml.\n"
                   + yaml.safe_dump(suite, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    print(f"{OUT}: {len(cases)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
