"""Pure helpers for the Streamlit UI: Dutch labels, colours, the "Kopieer onderbouwing" text,
escaping and the highlight of cited sentences. No Streamlit import, so everything here is
unit-testable and the UI module stays about widgets only."""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from deelwijzer.models import Answer, Citation, Question, Verdict
from deelwijzer.rules import render
from deelwijzer.rules.facts import DECLINED_VALUE as DECLINED  # "weet ik niet": unknown, the next ground is asked
from deelwijzer.rules.render import fact_question, format_fact_value, humanize  # noqa: F401 - the UI reads them here
from deelwijzer.textnorm import passage_sentences, split_sentences_nl

PRE_AVG_NOTICE = (
    "Let op: deze passage komt uit een document van vóór de AVG (Wbp-tijdperk). "
    "Controleer of de regels nog gelden."
)


@dataclass(frozen=True)
class OutcomeStyle:
    label: str  # plain Dutch, what the professional reads first
    colour: str  # hex, used for the card's border and badge
    streamlit_colour: str  # name for Streamlit's :colour[...] markdown


# The colours of each outcome (the labels are the rules' texts: rules/annotations.yaml).
COLOURS: dict[str, tuple[str, str]] = dict(
    mag_delen=("#1e7d32", "green"), verplicht_delen=("#1565c0", "blue"), mag_niet_delen=("#c62828", "red"),
    raadpleeg_functionaris=("#e65100", "orange"), ander_stappenplan=("#6a1b9a", "violet"),
    meer_informatie_nodig=("#546e7a", "gray"),
)


def __getattr__(name: str) -> Any:
    """The rules' texts under the names the UI reads (read lazily: importing this module loads
    no rules)."""
    if name == "ADVICE_NOTICE":
        return render.disclaimer("advice")
    if name == "PLAN_LABELS":
        return render.plan_labels()
    if name == "OUTCOMES":
        return {o: outcome_style(o) for o in COLOURS}
    raise AttributeError(name)


def outcome_style(outcome: str | None) -> OutcomeStyle:
    colour, name = COLOURS.get(outcome or "", ("#546e7a", "gray"))
    return OutcomeStyle(render.outcome_label(outcome), colour, name)


def voorwaarde_label(code: str) -> str:
    return render.voorwaarde_text(code)


def plan_label(plan: str | None) -> str:
    return render.plan_label(plan)


def fact_spec_type(ruleset: Any, fact: str, value: Any = None, plan: str | None = None) -> tuple[str, tuple[Any, ...]]:
    """(type, options) for editing a known fact; falls back to the value's own type."""
    spec = getattr(ruleset, "facts", {}).get(fact) if ruleset is not None else None
    ftype = getattr(spec, "type", None) if spec is not None else None
    options: tuple[Any, ...] = ()
    if spec is not None and ftype == "enum":
        opts = getattr(spec, "options", None)
        options = tuple(opts(plan) if callable(opts) else (opts or getattr(spec, "values", ()) or ()))
    if not ftype:
        ftype = "bool" if isinstance(value, bool) else "int" if isinstance(value, int) else "enum"
    return str(ftype), options


def option_label(option: Any) -> str:
    return format_fact_value(option)


def question_options(question: Question) -> list[Any]:
    """The answers offered for the engine's next question, as the values the engine expects."""
    if question.type == "bool":
        return [True, False]
    return list(question.options)


def parse_answer_value(question_type: str, raw: Any) -> Any:
    """A widget value back to the engine's fact value (bool/int/enum string)."""
    if question_type == "bool":
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in {"ja", "true", "1", "yes"}
    if question_type == "int":
        return int(raw)
    return raw


# --- inert rendering -------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~$<])")


def inert_markdown(text: str) -> str:
    """Escape text so st.markdown shows it literally: no links, images, LaTeX or HTML.
    Line breaks are kept as Markdown hard breaks."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return escaped.replace("\n", "  \n")


def inert_markdown_keep_markers(text: str) -> str:
    """Like inert_markdown, but citation markers [n] are shown bold so they stand out."""
    parts = re.split(r"(\[\d+\])", str(text))
    out = []
    for part in parts:
        m = re.fullmatch(r"\[(\d+)\]", part)
        out.append(f"**\\[{m.group(1)}\\]**" if m else inert_markdown(part))
    return "".join(out)


# --- cited sentences -------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)
_MARKER = re.compile(r"\[(\d+)\]")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 2}


def cited_claims(answer_text: str, n: int) -> list[str]:
    """The answer's sentences that carry marker [n], markers removed (each line cut into sentences
    by the composer's splitter). A marker that opens a sentence ("… toestemming. [1] Verder …")
    belongs to the sentence before it."""
    sentences = [s for line in answer_text.split("\n") for s in split_sentences_nl(line)]
    claims: list[str] = []
    for i, sentence in enumerate(sentences):
        lead = re.match(r"^\s*((?:\[\d+\]\s*)+)", sentence)
        lead_markers = set(_MARKER.findall(lead.group(1))) if lead else set()
        rest = sentence[lead.end():] if lead else sentence
        if str(n) in lead_markers and i > 0:
            claims.append(_MARKER.sub("", sentences[i - 1]).strip())
        if f"[{n}]" in rest:
            claims.append(_MARKER.sub("", rest).strip())
    return [c for c in dict.fromkeys(claims) if c]


def highlight_spans(passage: str, claims: Iterable[str], threshold: float = 0.5) -> list[tuple[str, bool]]:
    """The passage cut as the composer cuts it (textnorm.passage_sentences), each sentence flagged
    when a citing claim covers it well.

    A passage sentence is highlighted when at least `threshold` of its words occur in one of
    the claims (the extractive composer quotes sentences; an LLM paraphrases them). If nothing
    reaches the threshold, the single best-overlapping sentence is highlighted."""
    claim_words = [_words(c) for c in claims if c.strip()]
    sentences = [s for s, _ in passage_sentences(passage)]
    if not sentences:
        return []
    scores = []
    for s in sentences:
        sw = _words(s)
        best = max((len(sw & cw) / len(sw) for cw in claim_words if sw), default=0.0)
        scores.append(best)
    # Short fragments ("Voorbeeld: ...") match by chance; they need near-complete overlap.
    flags = [score >= (threshold if len(_words(s)) >= 5 else 0.9) for s, score in zip(sentences, scores)]
    if claim_words and not any(flags) and max(scores) > 0.2:
        flags[scores.index(max(scores))] = True
    return list(zip(sentences, flags))


def passage_html(passage: str, claims: Iterable[str]) -> str:
    """The passage as escaped HTML with the cited sentences in <mark>, a paragraph or list item per
    line. All text is escaped."""
    pieces = []
    opens = [o for _, o in passage_sentences(passage)]
    for (sentence, marked), opens_line in zip(highlight_spans(passage, claims), opens):
        text = html.escape(sentence)
        if pieces:
            pieces.append("\n" if opens_line else " ")
        pieces.append(f"<mark>{text}</mark>" if marked else text)
    body = "".join(pieces)
    return f'<div class="dw-passage" style="white-space: pre-wrap; line-height: 1.5">{body}</div>'


def short_title(title: str, limit: int = 80) -> str:
    """A handvat's title up to its subtitle ("Handreiking Gegevensdeling ter voorkoming van excessief
    geweld: een stappenplan …" -> "Handreiking Gegevensdeling ter voorkoming van excessief geweld")."""
    head = re.split(r"[:(]", title, maxsplit=1)[0].strip() or title.strip()
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"


def heading_tail(path: str, levels: int = 2) -> str:
    """The last `levels` parts of a heading path: where in the handvat the passage stands."""
    parts = [p.strip() for p in str(path or "").split(" › ") if p.strip()]
    return " › ".join(parts[-levels:])


def citation_label(c: Citation) -> str:
    """Collapsed source label: number, heading path (where), handvat and version, era.
    Two passages of the same handvat differ by their heading, so the labels never all read the same."""
    where = heading_tail(c.heading_path)
    parts = [f"[{c.n}] {where}" if where else f"[{c.n}]", short_title(c.title)]
    if c.version:
        parts.append(f"versie {c.version}")
    label = " · ".join(parts)
    return label + (" · vóór AVG" if c.pre_avg else "")


LEAD_PREFIX = "Kort antwoord:"


def split_lead(text: str) -> tuple[str, str]:
    """("Kort antwoord: …" line without its label, the rest) when the answer opens with one, else ("", text)."""
    body = str(text).lstrip()
    first, _, rest = body.partition("\n")
    if first.startswith(LEAD_PREFIX):
        return first[len(LEAD_PREFIX):].strip(), rest.strip()
    return "", body


# --- verdict as text -------------------------------------------------------------------------


def verdict_text(verdict: Verdict, facts: dict[str, Any] | None = None, ruleset: Any = None) -> str:
    """The verdict with its grounds as plain Dutch text to paste into a dossier."""
    return render.dossier_text(verdict, facts, ruleset)


def answer_text_for_copy(answer: Answer, facts: dict[str, Any] | None = None, ruleset: Any = None) -> str:
    """Answer plus sources (and the verdict when there is one) as text for a dossier."""
    lines = [_MARKER.sub(lambda m: f"[{m.group(1)}]", answer.answer.strip())]
    if answer.citations:
        lines.append("")
        lines.append("Bronnen:")
        for c in answer.citations:
            pre = " (vóór AVG)" if c.pre_avg else ""
            lines.append(f"[{c.n}] {c.title}, versie {c.version}{pre} — {c.heading_path}")
    if answer.verdict is not None and answer.verdict.outcome != "meer_informatie_nodig":
        lines.append("")
        lines.append(verdict_text(answer.verdict, facts or answer.facts, ruleset))
    return "\n".join(lines)


def llm_setting_label(provider: str, model: str | None = None, base_url: str | None = None,
                      model_path: Any = None) -> str:
    if provider == "none":
        return "Geen taalmodel: antwoorden zijn letterlijke passages uit de handvatten (offline)"
    if provider == "openai":
        where = f" op {base_url}" if base_url else ""
        return f"OpenAI-compatibele server{where}, model {model or 'standaard'}"
    if provider == "local":
        name = getattr(model_path, "name", None) or str(model_path or "niet ingesteld")
        return f"Lokaal GGUF-model {name} — rooktest van de koppeling, geen antwoordmodus"
    return provider


# Shown under the model setting when the local model is configured (issue 13, item 3; measured
# with bench/llm_mode.py, see README "Configuration").
LOCAL_MODEL_SETTING_NOTE = (
    "Het lokale model (0,5B) test alleen of de koppeling met een taalmodel werkt; het is geen "
    "antwoordmodus. {figures} Voor antwoorden door een taalmodel: een OpenAI-compatibele server met "
    "een groter model (`DEELWIJZER_LLM_PROVIDER=openai`). Zonder taalmodel (standaard) citeert Deelwijzer "
    "de handvatten letterlijk."
)
LOCAL_MODEL_FIGURES = (
    "Gemeten op 14 oefenvragen: het herhaalde 6 keer de vraag (dan staat het antwoord zonder taalmodel er) "
    "en kopieerde 8 keer de gekozen zinnen, zonder eigen antwoord; gemiddeld 170 s per antwoord."
)


# Measured (issue 13): the 0.5B in-process model copies or distorts sentences and needs 30 s to
# minutes per answer on 2 cores. It shows that the model path works; it is not an answer mode.
LOCAL_MODEL_NOTICE = (
    "Dit antwoord is geschreven door het kleine lokale taalmodel (0,5B). Dat is een rooktest van de "
    "koppeling met een taalmodel, geen betrouwbare antwoordmodus: het kan zinnen uit de handvatten "
    "verdraaien. Controleer elke zin in de passages, of gebruik de standaardmodus zonder taalmodel."
)


def local_model_setting_note() -> str:
    return " ".join(LOCAL_MODEL_SETTING_NOTE.format(figures=LOCAL_MODEL_FIGURES).split())


def model_notice(answer: Answer) -> str | None:
    """The warning under an answer the local model wrote; none when its draft was replaced by the
    extractive answer (the text itself says so then) or the question was refused."""
    from deelwijzer.answer import MODEL_FALLBACK_NOTE

    if answer.refused or answer.llm.provider != "local" or MODEL_FALLBACK_NOTE in answer.answer:
        return None
    return LOCAL_MODEL_NOTICE


PII_WARNING = (
    "Uw vraag lijkt persoonsgegevens te bevatten (een BSN, of een naam met geboortedatum). "
    "Die zijn niet bewaard: de vraag is verwerkt en opgeslagen zonder die gegevens. "
    "Stel uw vraag liever algemeen, zonder namen of nummers."
)


def verdict_card_html(verdict: Verdict, style: OutcomeStyle | None = None) -> str:
    """The coloured head of the verdict card. Every text piece is HTML-escaped."""
    style = style or outcome_style(verdict.outcome)
    sub = f"Stappenplan: {plan_label(verdict.plan)}"
    if verdict.voorlopig:
        sub += f" · voorlopig: {outcome_style(verdict.voorlopig).label}"
    return (
        f'<div class="dw-verdict" data-outcome="{html.escape(verdict.outcome)}" '
        f'style="border-left: 8px solid {style.colour}; background: {style.colour}14; '
        f'padding: 0.8rem 1rem; border-radius: 6px; margin-bottom: 0.6rem">'
        f'<div style="font-size: 0.8rem; text-transform: uppercase; letter-spacing: .05em; '
        f'color: {style.colour}">Oordeel volgens het stappenplan</div>'
        f'<div style="font-size: 1.25rem; font-weight: 700; color: {style.colour}">'
        f"{html.escape(style.label)}</div>"
        f'<div style="font-size: 0.85rem">{html.escape(sub)}</div></div>'
    )


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def ingest_summary(report: Any) -> str:
    """What a re-ingest changed, in Dutch (report: ingest.pipeline.IngestReport or its dict)."""
    docs = _get(report, "documents", default=()) or ()
    status_labels = (("added", "nieuw"), ("updated", "bijgewerkt"), ("removed", "verwijderd"),
                     ("unchanged", "ongewijzigd"))
    counts = Counter(str(_get(d, "status", default="")) for d in docs)
    parts = [f"{counts[s]} document(en) {label}" for s, label in status_labels if counts.get(s)]
    changed = [d for d in docs if _get(d, "status") in ("added", "updated", "removed")]
    for name, label in (("chunks_added", "passages toegevoegd"), ("chunks_removed", "passages verwijderd"),
                        ("chunks_embedded", "passages opnieuw ingebed"), ("chunks_total", "passages totaal")):
        value = _get(report, name, default=None)
        if value is not None:
            parts.append(f"{value} {label}")
    errors = _get(report, "errors", default=()) or ()
    if errors:
        parts.append(f"{len(errors)} bestand(en) met fouten")
    text = "Inlezen klaar: " + ", ".join(parts) + "." if parts else "Inlezen klaar."
    if changed:
        text += " Gewijzigd: " + "; ".join(
            f"{_get(d, 'title', default=_get(d, 'doc_id'))} ({_get(d, 'version')}, "
            f"{dict(status_labels).get(_get(d, 'status'), _get(d, 'status'))})"
            for d in changed) + "."
    elif docs:
        text += " Er is niets veranderd."
    review = _get(report, "rules_review", default=()) or ()
    if review:
        steps = list(dict.fromkeys(str(_get(r, "step")) for r in review))
        text += f" Regels te herzien: {', '.join(steps)} (zie hieronder)."
    for warning in _get(report, "warnings", default=()) or ():
        text += f" Let op: {warning}"
    return text


# --- versions: what changed, rules written for another version ---------------------------------

@dataclass(frozen=True)
class DocumentChange:
    doc_id: str
    label: str  # expander title
    markdown: str  # escaped list of sections


def document_changes(history: Any, documents: Iterable[Any]) -> list[DocumentChange]:
    """Per indexed document whose history has a change to its current version: "Wat is er veranderd"
    (sections added, removed and changed against the version before)."""
    out = []
    for d in documents:
        doc_id, version = _get(d, "doc_id"), _get(d, "version")
        entry = history.latest(doc_id) if doc_id else None
        if not entry or entry.get("version") != version or not entry.get("changes"):
            continue
        ch = entry["changes"]
        lines = []
        for key, label in (("added", "Nieuw"), ("removed", "Verdwenen"), ("changed", "Gewijzigd")):
            for path in ch.get(key, []):
                lines.append(f"- **{label}:** {inert_markdown(path)}")
        if not lines:
            lines.append("- Geen secties veranderd (alleen het versienummer).")
        n = sum(len(ch.get(k, [])) for k in ("added", "removed", "changed"))
        title = _get(d, "title", default=doc_id) or doc_id
        short = title if len(title) <= 48 else title[:45].rstrip() + "…"
        out.append(DocumentChange(
            doc_id,
            f"{short}: {entry.get('previous_version') or 'vorige versie'} → {version} ({n} secties)",
            "\n".join(lines) + f"\n\nWoord voor woord: `deelwijzer diff {doc_id}`"))
    return out


REVIEW_KIND_LABELS = {"heading": "kop niet meer gevonden", "anchor": "geciteerde zin niet meer gevonden",
                      "changed": "passage gewijzigd"}


def stale_rules_warning(item: dict[str, Any]) -> str:
    """The sidebar warning for a plan whose rules were written for another version than the index holds
    (`item` from deelwijzer.versions.stale_plans)."""
    text = (f"{plan_label(item['plan'])}: de regels zijn geschreven voor versie {item['written_for']}, "
            f"de index bevat versie {item['indexed']}.")
    steps = item.get("steps") or []
    if steps:
        by_step: dict[str, list[str]] = {}
        for r in steps:
            by_step.setdefault(r["step"], []).append(REVIEW_KIND_LABELS.get(r["kind"], r["kind"]))
        listed = "; ".join(f"{s} ({', '.join(dict.fromkeys(k))})" for s, k in by_step.items())
        text += f" Te herzien: {listed}."
    else:
        text += " Geen geciteerde passage geraakt; controleer de regels en werk hun bronversie bij."
    return text


def stale_rules_warnings(items: Iterable[dict[str, Any]]) -> list[str]:
    """One warning per plan with steps to review; the plans written for another version whose cited
    passages were not touched share one warning."""
    items = list(items)
    out = [stale_rules_warning(i) for i in items if i.get("steps")]
    rest = [i for i in items if not i.get("steps")]
    if len(rest) == 1:
        out.append(stale_rules_warning(rest[0]))
    elif rest:
        versions = sorted({(i["written_for"], i["indexed"]) for i in rest})
        which = "; ".join(f"geschreven voor versie {w}, de index bevat versie {n}" for w, n in versions)
        out.append(f"{', '.join(plan_label(i['plan']) for i in rest)}: {which}. Geen geciteerde passage "
                   "geraakt; controleer de regels en werk hun bronversie bij.")
    return out


def format_timestamp(value: Any) -> str:
    """ISO timestamp -> '23-11-2026 16:05 UTC'; anything else shown as is."""
    if not value:
        return "onbekend"
    from datetime import datetime

    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    zone = " UTC" if dt.utcoffset() is not None and dt.utcoffset().total_seconds() == 0 else ""
    return dt.strftime("%d-%m-%Y %H:%M") + zone


def pii_warning(kinds: Iterable[str] = ()) -> str:
    """The warning shown under a question that looked like it held personal data."""
    found = "; ".join(kinds)
    return PII_WARNING + (f" Herkend: {found}." if found else "")


_CODE = re.compile(r"^[a-z0-9_]+$")


def help_lines(help_text: str, options: Iterable[Any] = ()) -> list[str]:
    """Split a fact's help ("code: uitleg; code: uitleg") into lines with readable option labels.
    A described option this question does not offer (e.g. "geconstateerd" in plan zorg) is left
    out, so every option the help describes has its button."""
    if not help_text:
        return []
    codes = {str(o): option_label(o) for o in options}
    parts = re.split(r";\s+", help_text.strip())
    if not any(p.partition(": ")[0] in codes for p in parts):
        return [help_text.strip()]
    lines = []
    for part in parts:
        code, sep, rest = part.partition(": ")
        if sep and code in codes:
            lines.append(f"{codes[code]}: {rest}")
        elif sep and _CODE.match(code):
            continue  # an option of another plan: no button here, so no description either
        else:
            lines.append(part)
    return lines


UNKNOWN_LABEL = "Weet ik niet"
ASK_ME = "Klopt niet: vraag het mij"


def is_declined(value: Any) -> bool:
    return isinstance(value, str) and value == DECLINED


def fact_value_label(value: Any) -> str:
    """A known fact's value as the panel shows it ("weet ik niet" for a declined fact)."""
    return UNKNOWN_LABEL if is_declined(value) else option_label(value)


def option_columns(question_type: str, n_options: int) -> int:
    """How many buttons per row: Ja/Nee side by side, up to 8 options one per row (never truncated),
    a longer list (e.g. every recipient) in a grid of two, so every option keeps its own button."""
    if question_type == "bool":
        return max(n_options, 1)
    return 1 if n_options <= 8 else 2


def assumption_choices(value: Any, options: Iterable[Any] = ()) -> list[tuple[str, Any]]:
    """(button label, new value) pairs that each change an assumption with one click: a yes/no
    flips; an option of a list is replaced by any other option of that list; anything else (and
    "vraag het mij") is removed so the stappenplan asks it (None)."""
    if isinstance(value, bool):
        return [assumption_change(value)]
    others = [o for o in options if o != value and not is_declined(o)]
    return [(option_label(o), o) for o in others] + [(ASK_ME, None)]


def assumption_change(value: Any) -> tuple[str, Any]:
    """(button label, new value) to change an assumption with one click: a yes/no flips, anything
    else is removed so the stappenplan asks it (None)."""
    if value is True:
        return "Nee, dat klopt niet", False
    if value is False:
        return "Toch wel (ja)", True
    return ASK_ME, None
