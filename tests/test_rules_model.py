"""The typed rule model: the loader turns the YAML into frozen types; references are structured."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from deelwijzer.rules import load_rules
from deelwijzer.rules.model import Reference, Rule, Step, Then, dedup_refs

RULES = load_rules()


def test_steps_rules_and_thens_are_frozen_types():
    step = RULES.plans["zorg"].steps["zorg.2"]
    assert isinstance(step, Step)
    assert all(isinstance(r, Rule) for r in step.rules)
    assert all(isinstance(t, Then) for t in step.thens())
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.heading = "x"  # type: ignore[misc]


def test_every_reference_is_parsed_into_article_and_known_law():
    refs = [r for plan in RULES.plans.values() for st in plan.steps.values()
            for r in st.basis + tuple(b for t in st.thens() for b in t.basis)]
    assert refs and all(isinstance(r, Reference) for r in refs)
    assert all(r.law in RULES.laws and r.article for r in refs)
    by_text = {r.text: r for r in refs}
    assert by_text["art. 9 lid 2 sub a AVG"].key == ("9 lid 2 sub a", "AVG")
    assert by_text["art. 2.6 lid 3 Wet forensische zorg"].law == "Wet forensische zorg"
    assert by_text["art. 7 Wpg"].bwb == "BWBR0022463"


def test_basis_is_deduplicated_by_article():
    a = Reference("art. 7 Wpg", "7", "Wpg")
    b = Reference("art.  7  Wpg", "7", "Wpg")
    c = Reference("art. 52 Wjsg", "52", "Wjsg")
    assert dedup_refs([a, c, b]) == (a, c)


def test_validator_uses_no_private_engine_names():
    src = Path(__file__).resolve().parents[1] / "deelwijzer" / "rules" / "validate.py"
    for node in ast.walk(ast.parse(src.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("engine"):
            assert not [a.name for a in node.names if a.name.startswith("_")]
