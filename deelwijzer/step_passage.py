"""Which passage of the handreiking a rule step rests on.

Every step in `rules/` cites a heading and, where the heading alone is ambiguous ("Voor wie?"
occurs once per stappenplan), an anchor: a phrase found verbatim under it (`deelwijzer rules
validate` checks both against the corpus). The passage of a step is the chunk under that heading,
inside the step's stappenplan, that holds the anchor. Exact lookup, no ranking: the answer and the
verdict card cite the very passage the rule was written from.
"""

from __future__ import annotations

from collections.abc import Iterable

from deelwijzer.models import Chunk
from deelwijzer.rules.render import plan_headings
from deelwijzer.textnorm import collapse_ws, fold


def passage_for_step(chunks: Iterable[Chunk], heading: str | None, anchor: str = "",
                     plan: str | None = None) -> Chunk | None:
    """The chunk a step rests on, or None when the heading is not in these chunks."""
    if not heading:
        return None
    ordered = sorted(chunks, key=lambda c: (c.doc_id, c.ordinal))
    if plan:
        prefix = plan_headings()[plan]  # as retrieve.Filters(plan=...), without importing retrieve
        in_plan = [c for c in ordered if any(fold(h).strip().startswith(prefix) for h in c.heading_path)]
        ordered = in_plan or ordered
    needle = fold(collapse_ws(heading)).strip()
    phrase = fold(collapse_ws(anchor)).strip()
    for test in (
        lambda c: bool(c.heading_path) and fold(collapse_ws(c.heading_path[-1])).strip() == needle,
        lambda c: needle in fold(collapse_ws(c.heading_path_str)),
        lambda c: needle in fold(collapse_ws(c.text)),
    ):
        found = [c for c in ordered if test(c)]
        if found:
            with_anchor = [c for c in found if phrase and phrase in fold(collapse_ws(c.text))]
            return (with_anchor or found)[0]
    if phrase:  # the heading is a page header or merged away: the anchor still pins the place
        return next((c for c in ordered if phrase in fold(collapse_ws(c.text))), None)
    return None
