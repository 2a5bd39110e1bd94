"""The HTML report: one self-contained page an editor can open in any browser.

Each story is shown as it stands in its file, line by line, with every finding
highlighted where it is; hovering or focusing a highlight shows its messages, and
the findings are listed beside the copy. Checkboxes filter by severity and check.

Everything from the copy goes through :func:`html.escape`, and the page's
Content-Security-Policy allows only its own inline script (by hash) and style, and
no network fetch at all — so a story containing ``<script>`` shows it as text.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from html import escape
from typing import TextIO

from copydesk.findings import SEVERITIES, Finding
from copydesk.formatters import Formatter
from copydesk.hookspecs import hookimpl
from copydesk.report import DocumentResult, Report

_STYLE = """
:root { --error: #b3261e; --warning: #a15c00; --info: #1f5fa8; --line: #eee; font: 15px/1.5 system-ui, sans-serif; }
body { margin: 0; color: #1b1b1b; background: #fafafa; }
header, main { max-width: 1280px; margin: 0 auto; padding: 0 1.25rem; }
h1 { font-size: 1.4rem; margin: 1rem 0 .25rem; }
h2 { font-size: 1.05rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
.summary { margin: .25rem 0 .75rem; }
.counts { border-collapse: collapse; margin-bottom: .75rem; font-size: .9rem; }
.counts td, .counts th { padding: .1rem .75rem .1rem 0; text-align: left; }
#filters { display: flex; flex-wrap: wrap; gap: 1rem; margin-bottom: 1rem; }
#filters fieldset { border: 1px solid #ccc; border-radius: 4px; padding: .25rem .75rem; }
#filters label { margin-right: .75rem; white-space: nowrap; }
.story { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 0 0 1.25rem; padding: 1rem; }
.story[hidden] { display: none; }
.columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(16rem, 2fr); gap: 1rem; }
@media (max-width: 900px) { .columns { grid-template-columns: 1fr; } }
.copy { font: 14px/1.55 ui-monospace, Menlo, Consolas, monospace; overflow-x: auto; }
.line { display: flex; }
.line:target { background: #fff6d6; }
.no { flex: none; width: 3.5em; padding-right: .75em; text-align: right; color: #888; user-select: none; }
.tx { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 0; }
mark.hl { position: relative; background: #fde2df; border-bottom: 2px solid var(--error); color: inherit; border-radius: 2px; }
mark.hl.sev-warning { background: #fdefd3; border-bottom-color: var(--warning); }
mark.hl.sev-info { background: #dde9f8; border-bottom-color: var(--info); }
mark.hl.point::before { content: "\\2038"; color: var(--error); font-weight: bold; }
mark.hl:focus { outline: 2px solid #000; outline-offset: 1px; }
mark.hl:hover::after, mark.hl:focus::after {
  content: attr(data-tip); position: absolute; left: 0; top: 1.6em; z-index: 2; width: max-content; max-width: 32rem;
  white-space: pre-line; background: #222; color: #fff; padding: .4rem .6rem; border-radius: 4px;
  font: 13px/1.4 system-ui, sans-serif; box-shadow: 0 2px 6px rgba(0,0,0,.3); }
mark.hl.off { background: none; border-bottom: none; }
mark.hl.off::before, mark.hl.off::after { content: none; }
.findings { list-style: none; margin: 0; padding: 0; font-size: .9rem; }
.finding { border-left: 4px solid var(--error); padding: .25rem .5rem; margin-bottom: .5rem; background: #fcfcfc; }
.finding.sev-warning { border-left-color: var(--warning); }
.finding.sev-info { border-left-color: var(--info); }
.finding[hidden] { display: none; }
.finding .sev { font-weight: 600; text-transform: uppercase; font-size: .75rem; }
.sev-error .sev { color: var(--error); } .sev-warning .sev { color: var(--warning); } .sev-info .sev { color: var(--info); }
.finding code { font-size: .8rem; color: #555; }
.finding .fix { color: #2d6a2d; }
.quiet { color: #666; font-size: .9rem; }
"""

# Filters, and keyboard/focus wiring; the page works (unfiltered) without it.
_SCRIPT = """
(function () {
  var form = document.getElementById("filters");
  if (!form) return;
  var rank = {error: 0, warning: 1, info: 2};
  function checked(kind) {
    var on = {};
    form.querySelectorAll("input[data-" + kind + "]").forEach(function (box) {
      on[box.getAttribute("data-" + kind)] = box.checked;
    });
    return on;
  }
  function apply() {
    var severities = checked("severity"), checks = checked("check"), shown = {}, count = 0;
    document.querySelectorAll("li.finding").forEach(function (item) {
      var visible = severities[item.dataset.severity] && checks[item.dataset.check];
      item.hidden = !visible;
      if (visible) { shown[item.id] = item.dataset.severity; count++; }
    });
    document.querySelectorAll("mark.hl").forEach(function (mark) {
      var best = null;
      mark.dataset.findings.split(" ").forEach(function (id) {
        var severity = shown[id];
        if (severity && (best === null || rank[severity] < rank[best])) best = severity;
      });
      mark.classList.remove("sev-error", "sev-warning", "sev-info");
      mark.classList.toggle("off", best === null);
      if (best !== null) mark.classList.add("sev-" + best);
      mark.tabIndex = best === null ? -1 : 0;
    });
    document.querySelectorAll("article.story").forEach(function (story) {
      story.hidden = story.querySelector("li.finding:not([hidden])") === null;
    });
    document.getElementById("shown").textContent = count;
  }
  form.addEventListener("change", apply);
  document.querySelectorAll("a.goto").forEach(function (link) {
    link.addEventListener("click", function () {
      var id = link.closest("li.finding").id;
      var mark = document.querySelector('mark.hl[data-findings~="' + id + '"]');
      if (mark) { setTimeout(function () { mark.focus(); }, 0); }
    });
  });
  apply();
})();
"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
_POLICY = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; "
           "img-src data:; form-action 'none'; base-uri 'none'")


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _story_ranges(results: list[DocumentResult]) -> dict[int, tuple[int, int]]:
    """Each story's stretch of its file, whole lines: files holding several stories are split between them.

    Keyed by ``id(result)``; the stretches of one file's stories cover the file exactly once.
    """
    by_path: dict[str, list[tuple[int, DocumentResult]]] = defaultdict(list)
    for result in results:
        document = result.document
        starts = [block.start for block in document.blocks] + [f.location.offset for f in result.findings]
        by_path[document.source.path].append((min(starts, default=0), result))
    ranges: dict[int, tuple[int, int]] = {}
    for stories in by_path.values():
        stories.sort(key=lambda pair: pair[0])
        source = stories[0][1].document.source
        line_starts = [source.offset_of_line(source.position(start)[0]) for start, _ in stories]
        line_starts[0] = 0
        ends = line_starts[1:] + [len(source.text)]
        for (_, result), start, end in zip(stories, line_starts, ends):
            ranges[id(result)] = (start, max(start, end))
    return ranges


def _segments(start: int, end: int, spans: list[tuple[int, int, int]]
              ) -> Iterator[tuple[int, int, list[int]]]:
    """Split ``text[start:end]`` where highlights begin or end: (from, to, numbers of the findings covering it).

    ``spans`` are (offset, end, finding number); a zero-length span yields an empty piece.
    """
    cuts = {start, end}
    for span_start, span_end, _ in spans:
        cuts.update(position for position in (span_start, span_end) if start <= position <= end)
    ordered = sorted(cuts)
    points = defaultdict(list)
    for span_start, span_end, number in spans:
        if span_start == span_end:
            points[span_start].append(number)
    for left, right in zip(ordered, ordered[1:] + [None]):
        if points.get(left):
            yield left, left, points[left]
        if right is None:
            break
        covering = [number for span_start, span_end, number in spans if span_start < right and span_end > left]
        yield left, right, covering


def _copy(result: DocumentResult, start: int, end: int, story: int, numbers: dict[int, int],
          out: list[str]) -> None:
    """Story number ``story``'s lines, with highlights; ``numbers`` maps id(finding) to its number in the page."""
    source = result.document.source
    text = source.text
    findings = {numbers[id(f)]: f for f in result.findings}
    spans = [(f.location.offset, min(f.location.offset + f.location.length, len(text)), number)
             for number, f in findings.items()]
    line = source.position(start)[0]
    out.append('<div class="copy" role="region" aria-label="Copy">')
    while True:
        line_start = source.offset_of_line(line)
        content_end = min(line_start + len(source.line_text(line)), end)
        here = [span for span in spans if span[0] <= content_end and span[1] >= line_start]
        pieces = []
        for left, right, covering in _segments(line_start, content_end, here):
            piece = escape(text[left:right])
            if covering:
                piece = _highlight(piece, [findings[n] for n in covering], covering, point=left == right)
            pieces.append(piece)
        out.append(f'<div class="line" id="d{story}-L{line}"><span class="no">{line}</span>'
                   f'<span class="tx">{"".join(pieces)}</span></div>')
        line += 1
        if line > source.last_line or source.offset_of_line(line) >= end:
            break
    out.append("</div>")


def _highlight(piece: str, covering: list[Finding], numbers: list[int], point: bool) -> str:
    """A highlight over ``piece`` (already escaped), most severe finding first."""
    ordered = sorted(zip(covering, numbers), key=lambda pair: (SEVERITIES.index(pair[0].severity), pair[1]))
    tip = "\n".join(f"{f.severity} {f.rule}: {f.message}" for f, _ in ordered)
    ids = " ".join(f"f{number}" for _, number in ordered)
    return (f'<mark class="hl sev-{_attr(ordered[0][0].severity)}{" point" if point else ""}" tabindex="0" '
            f'data-findings="{ids}" aria-describedby="{ids}" data-tip="{_attr(tip)}">{piece}</mark>')


def _finding_item(finding: Finding, number: int, story: int) -> str:
    location = finding.location
    suggestion = ""
    if finding.suggestions:
        first = finding.suggestions[0]
        shown = f"“{escape(first)}”" if first else "delete it"
        suggestion = f'<br><span class="fix">suggestion: {shown}{" (--fix applies it)" if finding.fixable else ""}</span>'
    related = "".join(
        f'<br><span class="quiet">{escape(r.message or "see also")}: {escape(r.path)}:{r.line}:{r.column}</span>'
        for r in finding.related[:5])
    return (f'<li class="finding sev-{_attr(finding.severity)}" id="f{number}" '
            f'data-severity="{_attr(finding.severity)}" data-check="{_attr(finding.check)}">'
            f'<a class="goto" href="#d{story}-L{location.line}">{location.line}:{location.column}</a> '
            f'<span class="sev">{escape(finding.severity)}</span> <code>{escape(finding.rule)}</code> '
            f"{escape(finding.message)}{suggestion}{related}</li>")


def _header(report: Report, shown_results: int) -> list[str]:
    summary = report.summary()
    findings = report.findings
    by_check = Counter(finding.check for finding in findings)
    by_rule = Counter((finding.check, finding.rule, finding.severity) for finding in findings)
    counts = summary["by_severity"]
    out = ["<header><h1>copydesk report</h1>",
           (f'<p class="summary"><strong>{_count(summary["findings"], "finding")}</strong> '
            f'({_count(counts["error"], "error")}, {_count(counts["warning"], "warning")}, {counts["info"]} info) '
            f'in {shown_results} of {_count(summary["documents"], "story", "stories")}; '
            f'showing <span id="shown">{summary["findings"]}</span>.</p>')]
    if by_rule:
        out.append('<table class="counts"><thead><tr><th>Check</th><th>Rule</th><th>Severity</th>'
                   '<th>Findings</th></tr></thead><tbody>')
        for (check, rule, severity), count in sorted(by_rule.items(), key=lambda item: (-item[1], item[0])):
            out.append(f"<tr><td>{escape(check)}</td><td><code>{escape(rule)}</code></td>"
                       f"<td>{escape(severity)}</td><td>{count}</td></tr>")
        out.append("</tbody></table>")
        out.append('<form id="filters" aria-label="Filter findings"><fieldset><legend>Severity</legend>')
        for severity in SEVERITIES:
            if counts[severity]:
                out.append(f'<label><input type="checkbox" checked data-severity="{severity}"> '
                           f"{severity} ({counts[severity]})</label>")
        out.append("</fieldset><fieldset><legend>Check</legend>")
        for check, count in sorted(by_check.items()):
            out.append(f'<label><input type="checkbox" checked data-check="{_attr(check)}"> '
                       f"{escape(check)} ({count})</label>")
        out.append("</fieldset></form>")
    for problem in report.problems:
        out.append(f'<p class="quiet">input problem: {escape(str(problem))}</p>')
    out.append("</header>")
    return out


def render_html(report: Report, out: TextIO, color: bool) -> None:
    flagged = [result for result in report.results if result.findings]
    ranges = _story_ranges(report.results)
    numbers = {id(finding): number for number, finding in enumerate(report.findings, 1)}
    parts = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
             f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>copydesk report — {_count(len(report.findings), 'finding')}</title>",
             f"<style>{_STYLE}</style></head><body>"]
    parts += _header(report, len(flagged))
    parts.append("<main>")
    for story, result in enumerate(flagged, 1):
        document = result.document
        title = escape(document.id) + (f" — {escape(document.headline)}" if document.headline else "")
        parts.append(f'<article class="story" id="d{story}" aria-labelledby="d{story}-title">'
                     f'<h2 id="d{story}-title">{title}</h2><div class="columns">')
        _copy(result, *ranges[id(result)], story, numbers, parts)
        parts.append('<aside aria-label="Findings"><ol class="findings">')
        parts += [_finding_item(finding, numbers[id(finding)], story) for finding in result.findings]
        parts.append("</ol></aside></div></article>")
    if not flagged:
        parts.append(f"<p>No findings in {_count(len(report.results), 'story', 'stories')}.</p>")
    parts.append(f"</main><script>{_SCRIPT}</script></body></html>\n")
    out.write("\n".join(parts))


@hookimpl
def register_formatters() -> list[Formatter]:
    return [Formatter("html", "One self-contained page: each story with its findings highlighted in place.",
                      render_html)]
