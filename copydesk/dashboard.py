"""The audit dashboard: one self-contained page for a standards desk, and a report for each story it links.

Figures are gathered as the audit streams past (counts only, and the worst
stories so far); at the end the few stories the page links to — the worst ones
and the members of duplicate clusters — are read again and each gets the same
HTML report ``copydesk check --format html`` writes.
"""

from __future__ import annotations

import heapq
import os
from collections import Counter, defaultdict
from html import escape
from typing import Any

from copydesk.findings import SEVERITIES, Finding
from copydesk.formatters.html import render_html
from copydesk.report import Report
from copydesk.sources import write_atomically

WORST = 25
MAX_LINKED = 200
_WEIGHT = {"error": 100, "warning": 10, "info": 1}
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"
_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 0 1.25rem 2rem; color: #1b1b1b; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; } td, th { padding: .2rem .8rem .2rem 0; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; } tr:nth-child(even) td { background: #f6f6f6; }
.totals { display: flex; gap: 2rem; flex-wrap: wrap; } .totals div { font-size: .9rem; color: #555; }
.totals strong { display: block; font-size: 1.6rem; color: #1b1b1b; }
svg text { font: 11px system-ui, sans-serif; fill: #444; } .bar { fill: #a15c00; }
.quiet { color: #666; font-size: .9rem; }
"""


def _score(findings: list[Finding]) -> int:
    return sum(_WEIGHT[finding.severity] for finding in findings)


class Dashboard:
    def __init__(self, paths: list[str], settings: Any) -> None:
        from copydesk.audit import engine_for

        self.paths = paths
        self.settings = settings
        self.collection_checks = {active.check.name for active in engine_for(settings).checks
                                  if active.check.scope == "collection"}
        self.by_rule: Counter[tuple[str, str, str]] = Counter()
        self.by_month: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # stories, words, findings
        self.worst: list[tuple[int, int, str, str, str, dict[str, int]]] = []
        self.unit_of: dict[str, int] = {}
        self.units = 0
        self.late: dict[str, list[Finding]] = defaultdict(list)  # collection findings, by story

    def add_unit(self, result: Any) -> None:
        """Count one unit's stories; units come in archive order, so a unit's number finds it again."""
        self.units += 1
        for story in result.stories:
            self.unit_of[story.id] = self.units - 1
            month = self.by_month[story.published[:7] if story.published else "unknown"]
            month[0] += 1
            month[1] += story.words
            month[2] += len(story.findings)
            if story.findings:
                counts = Counter(finding.severity for finding in story.findings)
                entry = (_score(story.findings), -len(self.unit_of), story.id, story.path, story.headline or "",
                         dict(counts))
                (heapq.heappush if len(self.worst) < WORST else heapq.heappushpop)(self.worst, entry)

    def add_finding(self, finding: Finding) -> None:
        self.by_rule[(finding.check, finding.rule, finding.severity)] += 1
        if finding.check in self.collection_checks:
            self.late[finding.document_id].append(finding)

    def write(self, folder: str, outcome: Any) -> None:
        os.makedirs(os.path.join(folder, "stories"), exist_ok=True)
        worst = sorted(self.worst, reverse=True)
        clusters = outcome.collections.get("duplicate-article", {}).get("clusters", [])
        wanted = [entry[2] for entry in worst] + [doc for cluster in clusters for doc in cluster["documents"]]
        links = self._story_pages(folder, list(dict.fromkeys(wanted))[:MAX_LINKED])
        page = self._page(outcome, worst, clusters, links)
        write_atomically(os.path.join(folder, "index.html"), page.encode("utf-8"))

    def _story_pages(self, folder: str, wanted: list[str]) -> dict[str, str]:
        """Read the wanted stories again and write each one's report; their links by story id."""
        from copydesk.archive import units
        from copydesk.audit import RECORDS_PER_UNIT, _shift, engine_for, read_and_check
        from copydesk.sources import InputProblem

        engine = engine_for(self.settings)
        needed = {self.unit_of[story] for story in wanted if story in self.unit_of}
        links: dict[str, str] = {}
        items = units(self.paths, engine.registry.extensions(), max_bytes=engine.config.max_file_bytes(),
                      records_per_unit=RECORDS_PER_UNIT)
        index = -1
        for unit in items:
            if isinstance(unit, InputProblem):
                continue
            index += 1
            if index not in needed:
                continue
            report, _ = read_and_check(engine, unit)
            report.results = [result for result in report.results if result.document.id in wanted]
            for result in report.results:
                # Collection findings count offsets from the top of the file; this text starts at the unit.
                result.findings += [_shift(finding, -unit.first_offset)
                                    for finding in self.late.get(result.document.id, [])]
            engine.suppress(report)
            for result in report.results:
                name = f"stories/{len(links) + 1}.html"
                single = Report(results=[result], rules=report.rules)
                write_atomically(os.path.join(folder, name), _render(single).encode("utf-8"))
                links[result.document.id] = name
        return links

    def _page(self, outcome: Any, worst: list, clusters: list, links: dict[str, str]) -> str:
        severities = Counter()
        for (_, _, severity), count in self.by_rule.items():
            severities[severity] += count
        per_check = Counter()
        for (check, _, _), count in self.by_rule.items():
            per_check[check] += count
        words = max(outcome.words, 1)
        parts = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
                 f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
                 f"<title>copydesk audit — {outcome.stories:,} stories</title><style>{_STYLE}</style></head><body>",
                 "<h1>copydesk audit</h1>", '<div class="totals">']
        for label, value in (("stories", f"{outcome.stories:,}"), ("words", f"{outcome.words:,}"),
                             ("findings", f"{outcome.findings:,}"),
                             ("per 1,000 words", f"{1000 * outcome.findings / words:.2f}"),
                             *((severity, f"{severities[severity]:,}") for severity in SEVERITIES),
                             ("input problems", f"{len(outcome.problems):,}")):
            parts.append(f"<div><strong>{escape(value)}</strong>{escape(label)}</div>")
        parts.append("</div>")

        parts.append('<h2>Findings per check</h2><table><tr><th>Check</th><th class="n">Findings</th>'
                     '<th class="n">per 1,000 words</th></tr>')
        for check, count in per_check.most_common():
            parts.append(f'<tr><td>{escape(check)}</td><td class="n">{count:,}</td>'
                         f'<td class="n">{1000 * count / words:.2f}</td></tr>')
        parts.append('</table><h2>Findings per rule</h2><table><tr><th>Rule</th><th>Check</th><th>Severity</th>'
                     '<th class="n">Findings</th></tr>')
        for (check, rule, severity), count in sorted(self.by_rule.items(), key=lambda item: -item[1]):
            parts.append(f"<tr><td><code>{escape(rule)}</code></td><td>{escape(check)}</td>"
                         f'<td>{escape(severity)}</td><td class="n">{count:,}</td></tr>')
        parts.append("</table>")

        parts.append("<h2>Findings per publication month</h2>")
        parts.append(_month_chart(self.by_month))

        parts.append('<h2>Stories with the most serious findings</h2><table><tr><th>Story</th><th>Headline</th>'
                     '<th class="n">Errors</th><th class="n">Warnings</th><th class="n">Info</th></tr>')
        for _, _, story, _, headline, counts in worst:
            parts.append(f"<tr><td>{_link(story, links)}</td><td>{escape(headline)}</td>"
                         + "".join(f'<td class="n">{counts.get(s, 0)}</td>' for s in SEVERITIES) + "</tr>")
        parts.append("</table>")

        parts.append(f"<h2>Duplicate articles: {len(clusters):,} clusters</h2>")
        if clusters:
            parts.append("<ol>")
            for cluster in clusters[:500]:
                kind = "identical" if cluster["identical"] else f"≥ {cluster['similarity']:.0%} similar"
                members = ", ".join(_link(doc, links) for doc in cluster["documents"])
                parts.append(f"<li>{escape(kind)}: {members}</li>")
            parts.append("</ol>")
            if len(clusters) > 500:
                parts.append(f'<p class="quiet">… and {len(clusters) - 500:,} more (in the JSONL findings).</p>')
        if outcome.problems:
            parts.append(f"<h2>Input problems ({len(outcome.problems):,})</h2><ul>")
            parts += [f"<li>{escape(str(problem))}</li>" for problem in outcome.problems[:200]]
            parts.append("</ul>")
        parts.append("</body></html>\n")
        return "\n".join(parts)


def _link(story: str, links: dict[str, str]) -> str:
    if story in links:
        return f'<a href="{escape(links[story], quote=True)}">{escape(story)}</a>'
    return escape(story)


def _render(report: Report) -> str:
    import io

    out = io.StringIO()
    render_html(report, out, False)
    return out.getvalue()


def _month_chart(by_month: dict[str, list[int]]) -> str:
    """Findings per 1,000 words for each publication month, as an inline SVG bar chart."""
    months = sorted(month for month in by_month if month != "unknown")
    unknown = by_month.get("unknown")
    note = (f'<p class="quiet">{unknown[0]:,} stories with no known publication date '
            f"({unknown[2]:,} findings) are not charted.</p>") if unknown else ""
    if not months:
        return note or '<p class="quiet">No publication dates known.</p>'
    rates = [1000 * by_month[m][2] / max(by_month[m][1], 1) for m in months]
    top = max(rates) or 1
    width, height, bar = max(300, 28 * len(months)), 180, 22
    bars = []
    for i, (month, rate) in enumerate(zip(months, rates)):
        h = round(130 * rate / top)
        x = 28 * i + 3
        bars.append(f'<rect class="bar" x="{x}" y="{150 - h}" width="{bar}" height="{h}">'
                    f"<title>{month}: {rate:.2f} findings per 1,000 words, {by_month[month][0]:,} stories"
                    "</title></rect>"
                    f'<text x="{x + bar / 2}" y="{165}" text-anchor="middle">{month[2:]}</text>')
    return (f'<svg role="img" aria-label="Findings per 1,000 words by publication month" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}">{"".join(bars)}</svg>'
            f'<p class="quiet">Bars: findings per 1,000 words; hover for the month\'s figures. '
            f"Highest: {top:.2f}.</p>{note}")
