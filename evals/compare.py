"""Two configurations, the same cases, the deltas side by side."""

from __future__ import annotations

import html
from dataclasses import dataclass

from evals.report import METRIC_LABELS, fmt, fmt_delta
from evals.runner import SuiteResult


@dataclass
class Comparison:
    label_a: str
    label_b: str
    a: list[SuiteResult]
    b: list[SuiteResult]

    def rows(self) -> list[tuple[str, str, str, float | None, float | None]]:
        """(suite, metric, label, value A, value B) for every metric measured on either side."""
        out = []
        for ra, rb in zip(self.a, self.b):
            for metric, label, _ in METRIC_LABELS:
                va, vb = ra.metrics.get(metric), rb.metrics.get(metric)
                if va is None and vb is None:
                    continue
                out.append((ra.suite, metric, label, va, vb))
        return out

    def changed_cases(self) -> list[tuple[str, str, bool, bool]]:
        """Cases that pass on one side and fail on the other: (suite, case key, A passed, B passed)."""
        out = []
        for ra, rb in zip(self.a, self.b):
            b_by = {c.key: c for c in rb.cases}
            for ca in ra.cases:
                cb = b_by.get(ca.key)
                if cb is not None and cb.passed != ca.passed:
                    out.append((ra.suite, ca.key, ca.passed, cb.passed))
        return out

    def to_dict(self) -> dict:
        return {
            "a": {"label": self.label_a, "suites": [r.to_dict() for r in self.a]},
            "b": {"label": self.label_b, "suites": [r.to_dict() for r in self.b]},
            "deltas": [
                {"suite": s, "metric": m, "a": va, "b": vb, "delta": None if va is None or vb is None else vb - va}
                for s, m, _, va, vb in self.rows()
            ],
            "changed_cases": [
                {"suite": s, "case": k, "a_passed": pa, "b_passed": pb} for s, k, pa, pb in self.changed_cases()
            ],
        }

    def to_markdown(self, command: str = "") -> str:
        lines = ["# Deelwijzer vergelijking", ""]
        if command:
            lines += [f"Commando: `{command}`", ""]
        lines += [f"A = `{self.label_a}` · B = `{self.label_b}`", ""]
        lines += ["| Suite | Metriek | A | B | Δ (B−A) |", "|---|---|---:|---:|---:|"]
        for s, m, label, va, vb in self.rows():
            lines.append(f"| {s} | {label} | {fmt(m, va)} | {fmt(m, vb)} | {fmt_delta(m, va, vb)} |")
        changed = self.changed_cases()
        lines += ["", f"## Cases met een andere uitkomst ({len(changed)})", ""]
        for s, k, pa, pb in changed:
            lines.append(f"- {s} · `{k}`: A {'geslaagd' if pa else 'mislukt'}, B {'geslaagd' if pb else 'mislukt'}")
        return "\n".join(lines) + "\n"

    def to_html(self, command: str = "") -> str:
        e = html.escape
        parts = [
            "<!doctype html><html lang=nl><head><meta charset=utf-8><title>Deelwijzer vergelijking</title>",
            "<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.3rem .6rem}td.n{text-align:right}"
            ".up{color:#176b2c}.down{color:#a4161a}</style></head><body>",
            "<h1>Deelwijzer vergelijking</h1>",
        ]
        if command:
            parts.append(f"<p><code>{e(command)}</code></p>")
        parts.append(f"<p>A = <code>{e(self.label_a)}</code> · B = <code>{e(self.label_b)}</code></p>")
        parts.append("<table><tr><th>Suite</th><th>Metriek</th><th>A</th><th>B</th><th>Δ (B−A)</th></tr>")
        for s, m, label, va, vb in self.rows():
            cls = ""
            if va is not None and vb is not None and vb != va:
                better = (vb < va) if (m.endswith("_ms") or m == "false_refusal_rate") else (vb > va)
                cls = "up" if better else "down"
            parts.append(
                f"<tr><td>{e(s)}</td><td>{e(label)}</td><td class=n>{e(fmt(m, va))}</td>"
                f"<td class=n>{e(fmt(m, vb))}</td><td class='n {cls}'>{e(fmt_delta(m, va, vb))}</td></tr>"
            )
        parts.append("</table><h2>Cases met een andere uitkomst</h2><ul>")
        for s, k, pa, pb in self.changed_cases():
            parts.append(f"<li>{e(s)} · <code>{e(k)}</code>: A {'geslaagd' if pa else 'mislukt'}, B {'geslaagd' if pb else 'mislukt'}</li>")
        parts.append("</ul></body></html>")
        return "\n".join(parts)
