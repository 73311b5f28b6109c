"""Reports people read: Markdown and one self-contained HTML file (inline CSS, no scripts, no
external assets). Failures come first; every failure carries its reasons."""

from __future__ import annotations

import html
import json
from pathlib import Path

from evals.runner import SuiteResult, is_lower_better

# (metric, Dutch label, unit) in report order; "rate" metrics are shown as percentages.
METRIC_LABELS: list[tuple[str, str, str]] = [
    ("recall_at_k", "Recall@k (sleutelzinnen in top-k)", "rate"),
    ("hit_at_k", "Hit@k (≥1 juiste passage)", "rate"),
    ("mrr", "MRR", "score"),
    ("ndcg_at_10", "nDCG@10", "score"),
    ("heading_hit_rate", "Juiste kop in top-k", "rate"),
    ("verdict_accuracy", "Oordeel juist", "rate"),
    ("deciding_step_accuracy", "Beslissende stap juist", "rate"),
    ("basis_accuracy", "Grondslag juist", "rate"),
    ("refusal_rate", "Geweigerd buiten corpus", "rate"),
    ("false_refusal_rate", "Ten onrechte geweigerd", "rate"),
    ("citation_validity", "Geldige bronvermeldingen", "rate"),
    ("must_cite_rate", "Verplichte bron geciteerd", "rate"),
    ("must_not_contain_rate", "Geen verboden inhoud", "rate"),
    ("key_fact_overlap", "Overlap kernfeiten met referentie", "rate"),
    ("key_phrase_in_answer", "Sleutelzin antwoordpassage in antwoord", "rate"),
    ("first_bullet_from_section", "Eerste geciteerde regel uit de antwoordsectie", "rate"),
    ("answer_pass_rate", "Antwoordcases geslaagd", "rate"),
    ("faithfulness_model_judged", "Trouw aan bronnen (MODEL-BEOORDEELD)", "rate"),
    ("dialogue_verdict_accuracy", "Dialoog: oordeel = engine op alle feiten", "rate"),
    ("dialogue_expected_agreement", "Dialoog: oordeel = verwacht oordeel", "rate"),
    ("engine_expected_agreement", "Engine op alle feiten = verwacht oordeel", "rate"),
    ("oneshot_verdict_accuracy", "Eén beurt: oordeel juist uit de vraag alleen", "rate"),
    ("questions_asked_median", "Dialoog: vragen gesteld (mediaan)", "count"),
    ("questions_asked_max", "Dialoog: vragen gesteld (max)", "count"),
    ("stated_facts_reasked", "Dialoog: genoemde feiten toch gevraagd", "count"),
    ("extracted_fact_errors", "Uit de vraag afgeleide feiten in strijd met de case", "count"),
    ("dialogue_past_case_by_assumption", "Dialoog: voorbij de feiten van de case door een getoonde aanname", "count"),
    ("case_pass_rate", "Alle cases geslaagd", "rate"),
    ("latency_p50_ms", "Latentie p50", "ms"),
    ("latency_p95_ms", "Latentie p95", "ms"),
]
_UNIT = {m: u for m, _, u in METRIC_LABELS}
_LABEL = {m: label for m, label, _ in METRIC_LABELS}


def fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    unit = _UNIT.get(metric, "score")
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "count":
        return f"{value:g}"
    return f"{value:.3f}"


def fmt_delta(metric: str, a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return "–"
    d = b - a
    unit = _UNIT.get(metric, "score")
    if unit == "rate":
        return f"{d * 100:+.1f} pp"
    if unit == "ms":
        return f"{d:+.0f} ms"
    return f"{d:+.3f}"


def _bound(t) -> str:
    parts = []
    if t.min is not None:
        parts.append(f"≥ {fmt(t.metric, t.min)}")
    if t.max is not None:
        parts.append(f"≤ {fmt(t.metric, t.max)}")
    return " en ".join(parts)


def _counts(r: SuiteResult) -> str:
    by: dict[str, list[int]] = {}
    for c in r.cases:
        by.setdefault(c.kind, [0, 0])
        by[c.kind][0] += c.passed
        by[c.kind][1] += 1
    return ", ".join(f"{k}: {p}/{n}" for k, (p, n) in by.items())


def _present_metrics(results: list[SuiteResult]) -> list[str]:
    return [m for m, _, _ in METRIC_LABELS if any(r.metrics.get(m) is not None for r in results)]


# --- Markdown -------------------------------------------------------------------------------


def summary_table_md(results: list[SuiteResult]) -> str:
    """One column per suite, one row per metric: the table that goes into the README."""
    metrics = _present_metrics(results)
    head = "| Metriek | " + " | ".join(r.suite for r in results) + " |"
    sep = "|---|" + "---:|" * len(results)
    rows = [head, sep]
    for m in metrics:
        rows.append(f"| {_LABEL[m]} | " + " | ".join(fmt(m, r.metrics.get(m)) for r in results) + " |")
    rows.append("| Cases (geslaagd/totaal) | " + " | ".join(_counts(r) for r in results) + " |")
    return "\n".join(rows)


def _confusion_md(r: SuiteResult) -> str:
    labels = [l for l in r.confusion if any(r.confusion[l].values()) or any(row[l] for row in r.confusion.values())]
    if not labels:
        return ""
    out = ["| verwacht ↓ / gekregen → | " + " | ".join(labels) + " |", "|---|" + "---:|" * len(labels)]
    for e in labels:
        out.append(f"| {e} | " + " | ".join(str(r.confusion[e][p]) for p in labels) + " |")
    return "\n".join(out)


def to_markdown(results: list[SuiteResult], command: str = "") -> str:
    lines = ["# Deelwijzer evaluatierapport", ""]
    if command:
        lines += [f"Commando: `{command}`", ""]
    status = "GESLAAGD" if all(r.passed for r in results) else "DREMPELS NIET GEHAALD"
    lines += [f"**Status: {status}**", "", "## Samenvatting", "", summary_table_md(results), ""]
    for r in results:
        lines += [f"## Suite `{r.suite}`", "", f"Bestand: `{r.path}` · configuratie: `{r.config.get('label')}` · k={r.k}", ""]
        for note in r.notes:
            lines += [f"> {note}", ""]
        if r.thresholds:
            lines += ["| Drempel | Eis | Gemeten | |", "|---|---|---:|---|"]
            for t in r.thresholds:
                lines.append(f"| {t.metric} | {_bound(t)} | {fmt(t.metric, t.value)} | {'✅' if t.ok else '❌'} |")
            lines.append("")
        conf = _confusion_md(r)
        if conf:
            lines += ["### Verwarringsmatrix (oordelen)", "", conf, ""]
        fails = r.failures()
        lines += [f"### Mislukte cases ({len(fails)})", ""]
        for c in fails:
            lines.append(f"- **{c.key}** ({c.latency_ms:.0f} ms) — {c.question[:140]}")
            for reason in c.reasons:
                lines.append(f"  - {reason}")
        if not fails:
            lines.append("Geen.")
        lines += ["", f"### Geslaagde cases ({len(r.cases) - len(fails)})", ""]
        lines.append(", ".join(f"`{c.key}`" for c in r.cases if c.passed) or "Geen.")
        lines.append("")
    return "\n".join(lines)


# --- HTML -----------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;max-width:72rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#176b2c;font-weight:600}.bad{color:#a4161a;font-weight:600}
.bar{background:#eee;width:16rem;height:.9rem;border-radius:3px;display:inline-block;vertical-align:middle}
.bar>span{display:block;height:100%;border-radius:3px;background:#2f6db5}
.bar>span.low{background:#c0392b}
.fail{border-left:4px solid #a4161a;padding:.2rem .8rem;margin:.6rem 0;background:#fff6f6}
.fail code{font-size:.85em}.muted{color:#666}.judged{background:#fff3cd}
"""


def _e(x: object) -> str:
    return html.escape(str(x))


def _bar(metric: str, value: float | None, scale: float) -> str:
    if value is None:
        return ""
    frac = max(0.0, min(1.0, value / scale if scale else 0.0))
    low = (frac > 0.5) if is_lower_better(metric) else (frac < 0.5)
    return f'<span class="bar"><span class="{"low" if low else ""}" style="width:{frac * 100:.1f}%"></span></span>'


def _metrics_html(r: SuiteResult) -> str:
    lat_scale = max((r.metrics.get(m) or 0) for m in ("latency_p50_ms", "latency_p95_ms")) or 1.0
    rows = []
    for m, label, unit in METRIC_LABELS:
        v = r.metrics.get(m)
        if v is None:
            continue
        cls = ' class="judged"' if m.endswith("model_judged") else ""
        scale = lat_scale if unit == "ms" else 1.0
        rows.append(f"<tr{cls}><td>{_e(label)}</td><td class=n>{_e(fmt(m, v))}</td><td>{_bar(m, v, scale)}</td></tr>")
    return "<table><tr><th>Metriek</th><th>Waarde</th><th></th></tr>" + "".join(rows) + "</table>"


def _confusion_html(r: SuiteResult) -> str:
    labels = [l for l in r.confusion if any(r.confusion[l].values()) or any(row[l] for row in r.confusion.values())]
    if not labels:
        return ""
    peak = max((v for row in r.confusion.values() for v in row.values()), default=1) or 1
    head = "<tr><th>verwacht ↓ / gekregen →</th>" + "".join(f"<th>{_e(l)}</th>" for l in labels) + "</tr>"
    body = []
    for e in labels:
        cells = []
        for p in labels:
            v = r.confusion[e][p]
            colour = "47,109,181" if e == p else "192,57,43"
            alpha = 0.85 * v / peak if v else 0
            cells.append(f'<td class=n style="background:rgba({colour},{alpha:.2f})">{v}</td>')
        body.append(f"<tr><th>{_e(e)}</th>{''.join(cells)}</tr>")
    return "<h3>Verwarringsmatrix (oordelen)</h3><table>" + head + "".join(body) + "</table>"


def to_html(results: list[SuiteResult], command: str = "") -> str:
    ok_all = all(r.passed for r in results)
    parts = [
        "<!doctype html><html lang=nl><head><meta charset=utf-8>",
        "<title>Deelwijzer evaluatierapport</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Deelwijzer evaluatierapport</h1>",
    ]
    if command:
        parts.append(f"<p class=muted>Commando: <code>{_e(command)}</code></p>")
    parts.append(
        f'<p class="{"ok" if ok_all else "bad"}">Status: {"GESLAAGD" if ok_all else "DREMPELS NIET GEHAALD"}</p>'
    )
    # Summary table across suites.
    metrics = _present_metrics(results)
    parts.append("<h2>Samenvatting</h2><table><tr><th>Metriek</th>" + "".join(f"<th>{_e(r.suite)}</th>" for r in results) + "</tr>")
    for m in metrics:
        parts.append(f"<tr><td>{_e(_LABEL[m])}</td>" + "".join(f"<td class=n>{_e(fmt(m, r.metrics.get(m)))}</td>" for r in results) + "</tr>")
    parts.append("<tr><td>Cases (geslaagd/totaal)</td>" + "".join(f"<td>{_e(_counts(r))}</td>" for r in results) + "</tr></table>")
    for r in results:
        parts.append(f"<h2>Suite <code>{_e(r.suite)}</code></h2>")
        parts.append(f"<p class=muted>{_e(r.path)} · configuratie {_e(r.config.get('label'))} · k={r.k}</p>")
        for note in r.notes:
            parts.append(f"<p class=judged>{_e(note)}</p>")
        fails = r.failures()
        # Failures first: that is what a reader opens the report for.
        parts.append(f"<h3>Mislukte cases ({len(fails)})</h3>")
        for c in fails:
            reasons = "".join(f"<li>{_e(x)}</li>" for x in c.reasons)
            parts.append(
                f'<div class=fail><b>{_e(c.key)}</b> <span class=muted>{c.latency_ms:.0f} ms</span><br>'
                f"{_e(c.question)}<ul>{reasons}</ul></div>"
            )
        if not fails:
            parts.append("<p>Geen.</p>")
        if r.thresholds:
            parts.append("<h3>Drempels</h3><table><tr><th>Metriek</th><th>Eis</th><th>Gemeten</th><th></th></tr>")
            for t in r.thresholds:
                mark = '<span class=ok>✔</span>' if t.ok else '<span class=bad>✘</span>'
                parts.append(f"<tr><td>{_e(t.metric)}</td><td>{_e(_bound(t))}</td><td class=n>{_e(fmt(t.metric, t.value))}</td><td>{mark}</td></tr>")
            parts.append("</table>")
        parts.append("<h3>Metrieken</h3>" + _metrics_html(r))
        parts.append(_confusion_html(r))
        passed = [c for c in r.cases if c.passed]
        parts.append(f"<h3>Geslaagde cases ({len(passed)})</h3><p class=muted>" + ", ".join(_e(c.key) for c in passed) + "</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def to_json(results: list[SuiteResult]) -> str:
    return json.dumps(
        {"passed": all(r.passed for r in results), "suites": [r.to_dict() for r in results]},
        ensure_ascii=False,
        indent=2,
    )


def write_reports(results: list[SuiteResult], out_dir: Path, command: str = "") -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.md", out_dir / "report.html", out_dir / "report.json"]
    paths[0].write_text(to_markdown(results, command), encoding="utf-8")
    paths[1].write_text(to_html(results, command), encoding="utf-8")
    paths[2].write_text(to_json(results), encoding="utf-8")
    return paths
