"""Versioned prompt templates from `prompts/<version>/<name>.md`.

A template file holds a `## system` and a `## user` section. Placeholders are `{name}` for a
fixed set of keys; only those keys are replaced, so braces inside passage text or JSON examples
are left alone (no str.format surprises)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from deelwijzer.config import Settings

_SECTION = re.compile(r"^##\s+(system|user)\s*$", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class PromptError(RuntimeError):
    pass


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str
    system: str
    user: str

    def render(self, **values: str) -> tuple[str, str]:
        """(system, user) with every `{key}` of `values` substituted, in a single pass."""

        def fill(text: str) -> str:
            if not values:
                return text
            pattern = re.compile(r"\{(" + "|".join(map(re.escape, values)) + r")\}")
            return pattern.sub(lambda m: str(values[m.group(1)]), text)

        return fill(self.system), fill(self.user)


def load_prompt(settings: Settings, name: str, version: str | None = None) -> PromptTemplate:
    version = version or settings.prompt_version
    return _load(Path(settings.prompts_dir), name, version)


@lru_cache(maxsize=32)
def _load(prompts_dir: Path, name: str, version: str) -> PromptTemplate:
    if not re.fullmatch(r"[\w.-]+", name) or not re.fullmatch(r"[\w.-]+", version):
        raise PromptError(f"Ongeldige promptnaam of -versie: {name!r} {version!r}")
    path = prompts_dir / version / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"Prompt '{name}' versie '{version}' niet gevonden ({path})")
    text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
    parts = _SECTION.split(text)
    # split gives [preamble, 'system', body, 'user', body]
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if "user" not in sections:
        raise PromptError(f"Prompt {path} mist een '## user'-sectie")
    return PromptTemplate(name=name, version=version, system=sections.get("system", ""), user=sections["user"])
