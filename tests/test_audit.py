"""The dependency audit's premise, checked offline: scripts/audit.sh runs pip-audit with
--no-deps over requirements.lock, which is only a complete audit if every line is an exact pin
(name==version) and no package appears twice. The audit itself needs the network
(`scripts/audit.sh`, `make audit`); this test never does."""

from __future__ import annotations

import re

from deelwijzer.config import PROJECT_ROOT

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]+\])?==(?P<version>[A-Za-z0-9.+!_-]+)(\s*;.*)?$")


def lock_lines() -> list[str]:
    text = (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8")
    return [ln.split(" #", 1)[0].strip() for ln in text.splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")]


def test_every_locked_dependency_is_an_exact_pin():
    lines = lock_lines()
    assert lines
    loose = [ln for ln in lines if not PIN.match(ln)]
    assert not loose, f"not an exact name==version pin: {loose}"


def test_no_package_is_locked_twice():
    names = [re.sub(r"[-_.]+", "-", PIN.match(ln)["name"]).lower() for ln in lock_lines() if PIN.match(ln)]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"locked more than once: {dupes}"

