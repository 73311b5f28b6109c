"""Navigation debris of the Justitie handreiking (excessief geweld), which was exported from an
interactive PDF: every page repeats a menu. Three forms are stripped, plus the footer menu:

(a) stacked lines  "Inleiding" / "Beroepsgeheim >" / "Stap 1 >" / ... / "Onderwijs-" / "instellingen >"
(b) link runs      "[Inleiding >](#)**Beroepsgeheim**[Stap 1 >](#)..." (may wrap over lines)
(c) tab rows       "Inleiding ><TAB>Stap 1 ><TAB>Stap 2 ..."
footer             "Over de handreiking" / "Stappenplannen" / "Wettelijk kader"

Inline links with real content keep their text: "zie [artikel 2:13 ...](#)." -> "zie artikel 2:13 ....".
"""

from __future__ import annotations

import re

_LINK_OR_BOLD = r"(?:\[[^\]\[]{1,80}\]\(#\)|\*\*[^*]{1,60}\*\*)"
_LINK_RUN = re.compile(rf"^[ \t]*(?:{_LINK_OR_BOLD}[ \t]*\n?[ \t]*){{2,}}$", re.MULTILINE)
_LINK = re.compile(r"\[([^\]\[]{1,300})\]\(#\)")
_BOLD = re.compile(r"\*\*([^*]{1,400}?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*([^*\n]{1,80}?)\*(?![*\w])")
_NAV_ITEM = re.compile(r"^\s*\S.{0,80}\s>\s*$")

# Menu labels that appear without ">" (the page's current item) or wrapped over two lines.
_NAV_LABELS = {
    "inleiding", "beroepsgeheim", "voor wie?", "zorg- en hulpverleners", "zorg- en", "hulpverleners",
    "politie", "justitie", "gemeenten", "onderwijsinstellingen", "onderwijs-", "instellingen",
    "vooraf", "samenwerken", "leeswijzer", "overzicht", "avg", "wpg", "wsjg", "wjsg", "sectoraal",
    "begrippen", "beginselen", "verwerkingsgrondslagen",
}
_PLAN_LABELS = {"zorg- en hulpverleners", "zorg- en", "hulpverleners", "politie", "justitie", "gemeenten",
                "onderwijsinstellingen", "onderwijs-", "instellingen"}
_FOOTER = ("over de handreiking", "stappenplannen", "wettelijk kader")


def strip_link_markup(text: str) -> str:
    text = _LINK_RUN.sub("", text)
    text = _LINK.sub(lambda m: " ".join(m.group(1).split()), text)
    text = _BOLD.sub(r"\1", text).replace("**", "")  # then unpaired markers ("- 1. Persoonsgegevens**")
    return _ITALIC.sub(r"\1", text)


def _label(line: str) -> str:
    return " ".join(line.split()).lower()


def _is_nav_label(line: str) -> bool:
    lab = _label(line)
    return lab in _NAV_LABELS or bool(re.fullmatch(r"stap \d+", lab))


def strip_menus(lines: list[str]) -> list[str]:
    keep = [True] * len(lines)
    nav_idx = [i for i, line in enumerate(lines)
               if _NAV_ITEM.match(line) or line.count(" >") >= 2]
    for i in nav_idx:
        keep[i] = False
    # Current-item labels (no ">") next to menu lines belong to the menu.
    for i in nav_idx:
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines):
                line = lines[j]
                if not line.strip() or not keep[j]:
                    j += step
                    continue
                labels = _NAV_LABELS if step == -1 else _PLAN_LABELS
                lab = _label(line)
                if lab in labels or (step == -1 and re.fullmatch(r"stap \d+", lab)):
                    keep[j] = False
                    j += step
                    continue
                break
    lines = [line for line, k in zip(lines, keep) if k]
    return _strip_footer(lines)


def _strip_footer(lines: list[str]) -> list[str]:
    """Drop runs of two or more footer labels (in any order); a lone one is a real heading."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    drop: set[int] = set()
    run: list[int] = []
    for i in nonblank + [-1]:
        if i >= 0 and _label(lines[i]) in _FOOTER and not any(_label(lines[r]) == _label(lines[i]) for r in run):
            run.append(i)
            continue
        if len(run) >= 2:
            drop.update(run)
        run = [i] if i >= 0 and _label(lines[i]) in _FOOTER else []
    return [line for i, line in enumerate(lines) if i not in drop]


def fix_drop_caps(text: str) -> str:
    """The first letter of a few paragraphs was a graphic drop cap and got lost."""
    return re.sub(r"(?m)^inds (\d)", r"Sinds \1", text)
