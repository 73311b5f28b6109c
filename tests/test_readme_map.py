"""The README's module map ("What is where") names every module of deelwijzer/, ingest/ and evals/."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def module_map() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## What is where")
    return text[start:text.index("\n## ", start + 1)]


def test_readme_module_map_lists_every_module():
    block = module_map()
    missing = []
    for package in ("deelwijzer", "ingest", "evals"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name == "__init__.py":
                continue
            rel = path.relative_to(ROOT / package)
            # a module is named by its file name, its folder (a sub-package's line) listing it
            if path.name not in block or (len(rel.parts) > 1 and f"{rel.parts[0]}/" not in block):
                missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"README 'What is where' does not name: {missing}"
