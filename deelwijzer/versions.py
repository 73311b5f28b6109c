"""Versions of a handvat: sections, what changed between two versions, which rule steps it touches.

A *section* is the run of consecutive chunks of one document under one heading path; its key is
that path (`Stappenplan Politie › Stap 8: …`), with ` [2]`, ` [3]` … for a path that occurs again
later in the document (the handreiking repeats "Stap 5: Noodzakelijkheid" once per route). A
section's hash is taken over its whitespace-collapsed text, so re-wrapped lines or another file
format (PDF, DOCX) of the same text are no change.

The history lives in `<data_dir>/versions/<doc_id>.json`: one entry per ingest that changed the
document (doc id, version, date, section hashes and texts, the changes against the entry before it
and the rule steps to review). Files are replaced atomically and only after the new index is
active, so a failed or killed ingest never loses or half-writes history.

Rule review: every heading or anchor a rule cites that no longer occurs in the newly indexed text of
its source document (`kind` heading/anchor, with the closest heading or sentence of the new text as
`suggestion`), and every step whose cited section changed (`kind` changed).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from deelwijzer.models import HEADING_SEPARATOR, Chunk
from deelwijzer.textnorm import collapse_ws, fold

HISTORY_DIR = "versions"


# --- sections ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    key: str  # heading path, " [n]" for the n-th occurrence of the same path
    path: str  # heading path as shown
    text: str  # body text of the section (chunks joined by a blank line)

    @property
    def hash(self) -> str:
        return section_hash(self.text)


def section_hash(text: str) -> str:
    return hashlib.sha256(collapse_ws(text).encode("utf-8")).hexdigest()[:16]


def _ordered(chunks: Iterable[Chunk]) -> list[Chunk]:
    return sorted(chunks, key=lambda c: (c.doc_id, c.ordinal, c.id))


def _runs(chunks: Iterable[Chunk]) -> Iterator[tuple[str, list[Chunk]]]:
    """(key, chunks) per section, in document order."""
    seen: dict[str, int] = {}
    current: list[Chunk] = []
    for c in _ordered(chunks):
        if current and (c.doc_id, c.heading_path) == (current[-1].doc_id, current[-1].heading_path):
            current.append(c)
            continue
        if current:
            yield _key(current[0], seen), current
        current = [c]
    if current:
        yield _key(current[0], seen), current


def _key(first: Chunk, seen: dict[str, int]) -> str:
    path = first.heading_path_str or "(zonder kop)"
    seen[(first.doc_id, path)] = n = seen.get((first.doc_id, path), 0) + 1  # type: ignore[index]
    return path if n == 1 else f"{path} [{n}]"


def sections_of(chunks: Iterable[Chunk]) -> list[Section]:
    """The sections of one document's chunks, in document order."""
    return [Section(key, run[0].heading_path_str or "(zonder kop)", "\n\n".join(c.text.strip() for c in run))
            for key, run in _runs(chunks)]


def section_keys(chunks: Iterable[Chunk]) -> dict[str, str]:
    """chunk id -> key of its section (chunks of several documents may be mixed)."""
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    out: dict[str, str] = {}
    for doc_chunks in by_doc.values():
        for key, run in _runs(doc_chunks):
            out.update({c.id: key for c in run})
    return out


# --- changes between two versions ---------------------------------------------------------------
@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, list[str]]:
        return {"added": list(self.added), "removed": list(self.removed), "changed": list(self.changed)}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Changes":
        d = d or {}
        return cls(list(d.get("added", ())), list(d.get("removed", ())), list(d.get("changed", ())))


def _hashes(sections: Iterable[Section | dict]) -> dict[str, str]:
    out = {}
    for s in sections:
        if isinstance(s, Section):
            out[s.key] = s.hash
        else:
            out[s["key"]] = s["hash"]
    return out


def diff_sections(old: Iterable[Section | dict], new: Iterable[Section | dict]) -> Changes:
    """Sections added, removed and changed (same key, other text), in the order of each version."""
    a, b = _hashes(old), _hashes(new)
    return Changes(
        added=[k for k in b if k not in a],
        removed=[k for k in a if k not in b],
        changed=[k for k in b if k in a and a[k] != b[k]],
    )


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) pieces: op is '=', '-' or '+' (word level, whitespace collapsed)."""
    a, b = old.split(), new.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(b[j1:j2])))
    return out


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~<>])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def word_diff_markdown(old: str, new: str, context: int = 12) -> str:
    """The word diff as Markdown: ~~removed~~ and **added**, long unchanged stretches shortened to
    `context` words at either side. Document text is escaped (it is rendered inert)."""
    parts = []
    pieces = word_diff(old, new)
    for i, (op, text) in enumerate(pieces):
        if op == "=":
            words = text.split()
            if len(words) > 2 * context:
                head = words[:context] if i > 0 else []
                tail = words[-context:] if i < len(pieces) - 1 else []
                text = " ".join(head + ["…"] + tail)
            parts.append(_md(text))
        elif op == "-":
            parts.append(f"~~{_md(text)}~~")
        else:
            parts.append(f"**{_md(text)}**")
    return " ".join(p for p in parts if p)


# --- history ---------------------------------------------------------------------------------------
def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _safe(doc_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", doc_id) or "_"


class HistoryError(ValueError):
    """A version or document the user asked for does not exist (message in Dutch, says what to do)."""


class VersionHistory:
    """The version history of every document, one JSON file per document under the data dir."""

    def __init__(self, data_dir: Path | str) -> None:
        self.dir = Path(data_dir) / HISTORY_DIR

    def _path(self, doc_id: str) -> Path:
        return self.dir / f"{_safe(doc_id)}.json"

    def doc_ids(self) -> list[str]:
        if not self.dir.is_dir():
            return []
        out = []
        for p in sorted(self.dir.glob("*.json")):
            data = self._read(p)
            if data.get("doc_id"):
                out.append(str(data["doc_id"]))
        return out

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # unreadable history is treated as absent; the next write starts it again
        return data if isinstance(data, dict) else {}

    def entries(self, doc_id: str) -> list[dict[str, Any]]:
        return list(self._read(self._path(doc_id)).get("entries", []))

    def latest(self, doc_id: str) -> dict[str, Any] | None:
        entries = self.entries(doc_id)
        return entries[-1] if entries else None

    def append(self, doc_id: str, entry: dict[str, Any]) -> dict[str, Any]:
        entries = self.entries(doc_id)
        entry = dict(entry, n=len(entries) + 1)
        entries.append(entry)
        self.dir.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"doc_id": doc_id, "entries": entries}, ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(prefix=f".{_safe(doc_id)}.", suffix=".tmp", dir=self.dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)  # like the other data files (mkstemp makes it private to this user)
            os.replace(tmp, self._path(doc_id))  # atomic: readers see the old or the new file
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return entry

    def find(self, doc_id: str, ref: str | None, default: int = -1) -> dict[str, Any]:
        """The entry named by `ref`: its number ("3" or "#3") or its version label (the latest
        entry with that label). None: the entry at index `default`."""
        entries = self.entries(doc_id)
        if not entries:
            known = ", ".join(self.doc_ids()) or "nog geen"
            raise HistoryError(f"Van document '{doc_id}' is geen versiegeschiedenis bekend (bekende documenten: "
                               f"{known}). Lees het document in met `deelwijzer ingest`; "
                               "`deelwijzer versions` toont wat er is.")
        if ref is None:
            if len(entries) < abs(default):
                raise HistoryError(f"Van '{doc_id}' is maar één versie bekend ({entries[0]['version']}); er is "
                                   "nog niets te vergelijken. Lees eerst een nieuwe versie in.")
            return entries[default]
        wanted = ref.strip()
        for e in reversed(entries):
            if e.get("version") == wanted:
                return e
        num = wanted.lstrip("#")
        if num.isdigit() and 1 <= int(num) <= len(entries):
            return entries[int(num) - 1]
        listed = "; ".join(f"#{e['n']} {e['version']}" for e in entries)
        raise HistoryError(f"Versie '{ref}' van '{doc_id}' is onbekend. Bekende versies: {listed}. "
                           "Geef de versie of het nummer zoals `deelwijzer versions " + doc_id + "` ze toont.")


def make_entry(doc_id: str, title: str, version: str, sections: list[Section], *, document_date: str = "",
               generation: str = "", changes: Changes | None = None, previous_version: str = "",
               rules_review: list[dict[str, Any]] | None = None, recorded: str | None = None) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "title": title,
        "version": version,
        "document_date": document_date,
        "recorded": recorded or now_iso(),
        "generation": generation,
        "previous_version": previous_version,
        "changes": changes.to_dict() if changes is not None else None,
        "rules_review": list(rules_review or []),
        "sections": [{"key": s.key, "path": s.path, "hash": s.hash, "text": s.text} for s in sections],
    }


def diff_entries(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What `deelwijzer diff` shows: changes plus a word diff (Markdown) per changed section."""
    changes = diff_sections(old["sections"], new["sections"])
    old_text = {s["key"]: s.get("text", "") for s in old["sections"]}
    new_text = {s["key"]: s.get("text", "") for s in new["sections"]}
    return {
        "doc_id": new.get("doc_id") or old.get("doc_id"),
        "from": {"n": old.get("n"), "version": old.get("version"), "recorded": old.get("recorded")},
        "to": {"n": new.get("n"), "version": new.get("version"), "recorded": new.get("recorded")},
        **changes.to_dict(),
        "word_diff": {k: word_diff_markdown(old_text.get(k, ""), new_text.get(k, "")) for k in changes.changed},
    }


# --- rules review ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Citation:
    plan: str
    step: str
    kind: str  # heading | anchor
    cited: str
    doc_id: str
    heading: str  # the step's heading (where the cited text should be)
    anchor: str = ""


def rule_citations(ruleset: Any) -> list[Citation]:
    """Every heading and anchor the rules cite, with the plan, step and source document."""
    out: list[Citation] = []
    default_doc = str((getattr(ruleset, "source", None) or {}).get("doc_id", ""))
    step_plan: dict[str, str] = {}
    for plan in ruleset.plans.values():
        doc = str((plan.source or {}).get("doc_id", default_doc))
        for step_id, step in plan.steps.items():
            step_plan[step_id] = plan.id
            heading, anchor = step.heading, step.anchor
            out.append(Citation(plan.id, step_id, "heading", heading, doc, heading, anchor))
            if anchor:
                out.append(Citation(plan.id, step_id, "anchor", anchor, doc, heading, anchor))
            for then in step.thens():
                h = then.heading or heading
                if then.heading:
                    out.append(Citation(plan.id, step_id, "heading", then.heading, doc, h, then.anchor or ""))
                if then.anchor:
                    out.append(Citation(plan.id, step_id, "anchor", then.anchor, doc, h, then.anchor))
    for pc in getattr(ruleset, "postconditions", {}).values():
        plan_id = step_plan.get(pc.step, pc.step.split(".")[0])
        plan = ruleset.plans.get(plan_id)
        doc = str(((plan.source if plan else None) or {}).get("doc_id", default_doc))
        out.append(Citation(plan_id, pc.id, "heading", pc.heading, doc, pc.heading, pc.anchor))
        if pc.anchor:
            out.append(Citation(plan_id, pc.id, "anchor", pc.anchor, doc, pc.heading, pc.anchor))
    for i, route in enumerate(getattr(ruleset, "routing", ())):
        plan_id = str(route.plan or "routing")
        where = f"routing {i}"
        out.append(Citation(plan_id, where, "heading", route.heading, default_doc, route.heading, route.anchor))
        if route.anchor:
            out.append(Citation(plan_id, where, "anchor", route.anchor, default_doc, route.heading, route.anchor))
    seen: set[tuple] = set()
    unique = []
    for c in out:
        k = (c.plan, c.step, c.kind, c.cited, c.doc_id)
        if c.cited and k not in seen:
            seen.add(k)
            unique.append(c)
    return unique


def _norm(text: str) -> str:
    return fold(collapse_ws(text)).strip()


def _headings(chunks: Iterable[Chunk]) -> list[str]:
    return list(dict.fromkeys(h for c in chunks for h in c.heading_path))


def _plan(plan: str) -> str | None:
    """`plan` as a retrieval filter (routing citations belong to no plan)."""
    from deelwijzer.retrieve import PLAN_HEADINGS

    return plan if plan in PLAN_HEADINGS else None


def _plan_chunks(chunks: list[Chunk], plan: str) -> list[Chunk]:
    from deelwijzer.retrieve import Filters, PLAN_HEADINGS

    if plan not in PLAN_HEADINGS:
        return chunks
    return [c for c in chunks if Filters(plan=plan).matches(c)] or chunks


def closest(text: str, candidates: Iterable[str], cutoff: float = 0.5) -> str:
    """The candidate most like `text` (difflib ratio on folded text), or '' below `cutoff`."""
    cands = list(dict.fromkeys(c for c in candidates if c and c.strip()))
    folded = {_norm(c): c for c in cands}
    best = difflib.get_close_matches(_norm(text), list(folded), n=1, cutoff=cutoff)
    return folded[best[0]] if best else ""


_SENTENCE = re.compile(r"(?<=[.!?:])\s+|\n+")


def _sentences(chunks: Iterable[Chunk]) -> list[str]:
    out = []
    for c in chunks:
        out.extend(s.strip() for s in _SENTENCE.split(c.text) if 3 <= len(s.split()) <= 60)
    return out


def rules_review(ruleset: Any, new_chunks: dict[str, list[Chunk]],
                 old_chunks: dict[str, list[Chunk]] | None = None,
                 changes: dict[str, Changes] | None = None) -> list[dict[str, Any]]:
    """The rule citations to review after documents changed.

    new_chunks / old_chunks: per document id, the chunks of the new and the previous version (only
    the documents that were (re)indexed). changes: per document id, its section changes."""
    from deelwijzer.step_passage import passage_for_step

    old_chunks = old_chunks or {}
    changes = changes or {}
    scoped: dict[tuple[int, str], list[Chunk]] = {}

    def lookup(chunks: list[Chunk], heading: str, anchor: str, plan: str) -> Chunk | None:
        """passage_for_step with the plan filter applied once per (chunk list, plan): same result."""
        k = (id(chunks), plan)
        if k not in scoped:
            scoped[k] = _plan_chunks(chunks, plan) if _plan(plan) else chunks
        return passage_for_step(scoped[k], heading, anchor, None)
    items: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    hay: dict[str, str] = {}
    old_keys: dict[str, dict[str, str]] = {}
    new_keys: dict[str, dict[str, str]] = {}

    def add(c: Citation, kind: str, cited: str, suggestion: str) -> None:
        k = (c.plan, c.step, kind, cited)
        if k not in seen:
            seen.add(k)
            items.append({"plan": c.plan, "step": c.step, "kind": kind, "cited": cited,
                          "suggestion": suggestion})

    cits = [c for c in rule_citations(ruleset) if c.doc_id in new_chunks]
    heads: dict[str, set[str]] = {}
    lines: dict[str, set[str]] = {}
    for c in cits:
        chunks = new_chunks[c.doc_id]
        if c.doc_id not in hay:
            hay[c.doc_id] = "\n".join(_norm(x.text) for x in chunks)
            heads[c.doc_id] = {_norm(h) for x in chunks for h in x.heading_path}
            lines[c.doc_id] = {_norm(re.sub(r"^[■•]\s*", "", ln)) for x in chunks for ln in x.text.splitlines()}
        needle = _norm(c.cited)
        # A cited heading must still be a heading, verbatim (or a line of its own): a mention in a
        # sentence, a table-of-contents entry or a longer heading does not keep a renamed heading alive.
        # An anchor is running text.
        if c.kind == "heading" and (needle in heads[c.doc_id] or needle in lines[c.doc_id]):
            continue
        if c.kind == "anchor" and (needle in hay[c.doc_id] or any(needle in h for h in heads[c.doc_id])):
            continue
        scope = _plan_chunks(chunks, c.plan)
        if c.kind == "heading":
            suggestion = closest(c.cited, _headings(scope)) or closest(c.cited, _headings(chunks))
        else:
            where = lookup(chunks, c.heading, "", c.plan)
            pool = _sentences([where]) if where is not None else []
            suggestion = closest(c.cited, pool, 0.6) or closest(c.cited, _sentences(scope), 0.6)
        add(c, c.kind, c.cited, suggestion)

    # The step's anchor pins the occurrence of its heading: when the anchor now sits under a heading
    # much like the cited one, that occurrence was renamed (also when the old wording survives
    # elsewhere: a page-header repeat, or the same step heading of another route).
    for c in cits:
        if c.kind != "heading" or not c.anchor or any(
                (it["plan"], it["step"], "heading") == (c.plan, c.step, it["kind"]) for it in items):
            continue
        new_holder = _unpinned(new_chunks[c.doc_id], c)
        if new_holder is None:
            continue
        if c.doc_id in old_chunks and _unpinned(old_chunks[c.doc_id], c) is not None:
            continue  # the anchor was not under this heading in the previous version either
        add(c, "heading", c.cited, closest(c.cited, new_holder.heading_path) or new_holder.heading_path_str)

    # Steps whose cited section changed (text differs) between the previous and the new version.
    for c in cits:
        ch = changes.get(c.doc_id)
        if ch is None or not (ch.changed or ch.removed) or c.doc_id not in old_chunks:
            continue
        if c.doc_id not in old_keys:
            old_keys[c.doc_id] = section_keys(old_chunks[c.doc_id])
            new_keys[c.doc_id] = section_keys(new_chunks[c.doc_id])
        anchor = c.anchor
        before = lookup(old_chunks[c.doc_id], c.heading, anchor, c.plan)
        if before is None:
            continue
        key = old_keys[c.doc_id].get(before.id)
        if key in ch.changed or key in ch.removed:  # its text differs, or its section is gone
            after = lookup(new_chunks[c.doc_id], c.heading, anchor, c.plan)
            where = new_keys[c.doc_id].get(after.id) if after is not None else None
            add(c, "changed", key, f"Lees de nieuwe tekst van '{where}' (`deelwijzer diff {c.doc_id}`)"
                if where else "")
    # One "changed" per step, and none for a step already named for a missing heading or anchor.
    out, steps_changed = [], {(it["plan"], it["step"]) for it in items if it["kind"] != "changed"}
    for it in items:
        if it["kind"] == "changed":
            if (it["plan"], it["step"]) in steps_changed:
                continue
            steps_changed.add((it["plan"], it["step"]))
        out.append(it)
    return out


def _unpinned(chunks: list[Chunk], c: Citation) -> Chunk | None:
    """The chunk holding the step's anchor when it is not under the cited heading but under a heading
    much like it (that heading was renamed; with repeated headings, "Stap 6: Proportionaliteit" once
    per route, only the anchor tells which occurrence the step cites), else None."""
    needle = _norm(c.cited)
    anchor = _norm(c.anchor)
    scope = _plan_chunks(chunks, c.plan) if _plan(c.plan) else chunks
    holders = [x for x in scope if anchor in _norm(x.text)]
    if not holders or any(needle in {_norm(h) for h in x.heading_path} for x in holders):
        return None  # under its heading, or the anchor itself is missing (reported as such)
    paths = {x.heading_path for x in holders}
    if any(needle == _norm(line) for x in scope if x.heading_path in paths for line in x.text.splitlines()):
        return None  # the heading is a line of the anchor's section (a heading ingest does not cut at)
    similar = [x for x in holders if closest(c.cited, x.heading_path)]
    return similar[0] if similar else None


def plan_sources(ruleset: Any) -> dict[str, tuple[str, str]]:
    """plan id -> (source doc id, version the rules were written for)."""
    default = getattr(ruleset, "source", None) or {}
    out = {}
    for plan in ruleset.plans.values():
        src = plan.source or default
        out[plan.id] = (str(src.get("doc_id", default.get("doc_id", ""))), str(src.get("version", "")))
    return out


def stale_plans(ruleset: Any, index_versions: dict[str, str], history: VersionHistory | None = None,
                chunks: list[Chunk] | None = None) -> list[dict[str, Any]]:
    """Plans whose rules were written for another version of their source than the index holds,
    each with the steps to review: citations missing from the indexed text, and steps whose cited
    section changed since the version the rules were written for (from the version history)."""
    out = []
    for plan_id, (doc_id, written_for) in plan_sources(ruleset).items():
        indexed = index_versions.get(doc_id)
        if not indexed or not written_for or indexed == written_for:
            continue
        steps: list[dict[str, Any]] = []
        doc_chunks = [c for c in (chunks or []) if c.doc_id == doc_id]
        old_doc: list[Chunk] = []
        change = None
        if history is not None:
            try:
                base = history.find(doc_id, written_for)
                now = history.latest(doc_id)
            except HistoryError:
                base = now = None
            if base and now and base is not now:
                change = diff_sections(base["sections"], now["sections"])
                old_doc = _chunks_from_sections(doc_id, base)
            elif now and now.get("rules_review"):
                steps = [r for r in now["rules_review"] if r.get("plan") == plan_id]
        if doc_chunks:
            recorded = [r for r in steps if r.get("kind") == "changed"]
            review = rules_review(ruleset, {doc_id: doc_chunks}, {doc_id: old_doc} if old_doc else None,
                                  {doc_id: change} if change is not None else None)
            steps = [r for r in review if r["plan"] == plan_id]
            if change is None:  # no record of the version the rules were written for: the last ingest's
                steps += [r for r in recorded if r not in steps]
        out.append({"plan": plan_id, "doc_id": doc_id, "written_for": written_for, "indexed": indexed,
                    "steps": steps})
    return out


def _chunks_from_sections(doc_id: str, entry: dict[str, Any]) -> list[Chunk]:
    """Pseudo-chunks (one per section) rebuilt from a history entry, for step lookups."""
    out = []
    for i, s in enumerate(entry.get("sections", [])):
        path = tuple(p for p in str(s.get("path", "")).split(HEADING_SEPARATOR) if p and s.get("path") != "(zonder kop)")
        out.append(Chunk(id=f"{doc_id}:{entry.get('n')}:{i}", doc_id=doc_id, title=str(entry.get("title", "")),
                         version=str(entry.get("version", "")), legal_era="avg", source_file="",
                         heading_path=path, ordinal=i, text=str(s.get("text", "")), char_start=0, char_end=0,
                         content_hash=str(s.get("hash", ""))))
    return out


def stale_mark(history: VersionHistory, doc_id: str, written_for: str, chunk: Chunk | None,
               key: str | None, heading: str = "") -> str | None:
    """The verdict card's note for a step whose cited passage changed or vanished since the version
    the rules were written for, or None. `chunk`: the step's passage in the current index (None when
    its heading is no longer found); `key`: that chunk's section key; `heading`: the heading the step
    cites (a passage found by its anchor under another heading counts as vanished heading)."""
    if not written_for or (chunk is not None and chunk.version == written_for):
        return None
    now = history.latest(doc_id)
    if now is None or now.get("version") == written_for:
        return None
    try:
        base = history.find(doc_id, written_for)
    except HistoryError:
        base = None
    vanished = f"passage gewijzigd in versie {now.get('version')} (kop niet meer gevonden); regel nog niet herzien"
    if chunk is None:
        return vanished
    if heading and _norm(heading) not in _norm(chunk.heading_path_str) and \
            _norm(heading) not in {_norm(line) for line in chunk.text.splitlines()}:
        return vanished  # found by its anchor only: the heading the rule cites is gone
    if base is not None:
        base_hash = {s["key"]: s["hash"] for s in base.get("sections", [])}
        now_hash = {s["key"]: s["hash"] for s in now.get("sections", [])}
        if key and key in now_hash and base_hash.get(key) == now_hash[key]:
            return None
    elif key not in set((now.get("changes") or {}).get("changed", [])) | set((now.get("changes") or {}).get("added", [])):
        return None  # no record of the version the rules were written for: the last change decides
    return f"passage gewijzigd in versie {now.get('version')}; regel nog niet herzien"
