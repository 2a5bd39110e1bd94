"""dates: wrong weekdays, impossible and future dates, contradictions, mixed and off-style dates.

Every rule works on the story's date expressions (:mod:`copydesk.dates`, found
once per block and shared) and, where it needs one, the publication date
(metadata, ``--published``, or inferred: the report's ``published`` says
which). Without a publication date the rules that need one say so once per
story (``publication-date-unknown``) instead of guessing.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from datetime import date
from typing import Iterator

from copydesk.checking import CheckContext, Option, Rule, document_check
from copydesk.dates import (AP_MONTHS, MONTHS, WEEKDAYS, DateMention, Publication, Resolved, Tense,
                            day_candidates, looks_forward, resolve, tense)
from copydesk.document import Block, Document
from copydesk.findings import Finding
from copydesk.hookspecs import hookimpl

MAX_RELATED = 10  # other places listed with a finding that stands for many
HOUSE_EXAMPLES = 3  # dates in the story's own order listed with each one that departs from it
HOUSE_STYLES = ("ap", "chicago", "guardian", "iso", "none")
_ORDER_OF_STYLE = {"ap": "month-first", "chicago": "month-first", "guardian": "day-first"}
_CONTEXT_WORD = re.compile(r"[a-z]{4,}")
# Words too common to tie two dates to one event.
_GENERIC = frozenset(
    "said says that with have been were this last next year years month months week weeks "
    "their they them there which when where what will would from into than then also about "
    "after before more most other some such only over under against between during "
    "early late ago days day time".split())
_QUOTE_MARK = re.compile('["\u201c\u201d]')
_ON_WEEKDAY = re.compile(r"(?<=[a-z,] )on (?=(?:" + "|".join(WEEKDAYS) + r")\b)")


class _Mention:
    """A date expression in its story: block, sentence, source span and what it resolves to."""

    __slots__ = ("block", "date", "valid", "span", "sentence", "resolved", "key", "quoted")

    def __init__(self, block: Block, mention: DateMention, publication: Publication,
                 sentence_starts: list[int], quoted: bool) -> None:
        self.block = block
        self.date = mention
        self.valid = mention.valid
        self.span = block.source_span(mention.start, mention.end)
        sentences = block.sentences
        index = max(0, bisect_right(sentence_starts, mention.start) - 1)
        self.sentence = sentences[index] if sentences else None
        # "tomorrow" or "Monday" in a quotation counts from when it was said, or is a figure of
        # speech ("tomorrow belongs to us"): not from the publication date.
        self.quoted = quoted and mention.kind in ("weekday", "relative")
        direction = self.tense if mention.needs_publication else "unmarked"
        self.resolved: Resolved | None = None if self.quoted else resolve(mention, publication.date, direction)
        # A repeated block (a duplicated caption) says the same thing again: one voice.
        self.key = (block.text, mention.start)

    def _in_sentence(self) -> tuple[str, int, int]:
        """The sentence's text and the expression's span in it."""
        sentence = self.sentence
        if sentence is None:
            return "", 0, 0
        return sentence.text, self.date.start - sentence.start, self.date.end - sentence.start

    @property
    def tense(self) -> Tense:
        return tense(*self._in_sentence())

    def reports_past(self, reach: int) -> bool:
        """A past tense within ``reach`` words of the date and no word of the future in its sentence."""
        text, start, end = self._in_sentence()
        return tense(text, start, end, reach) == "past" and not looks_forward(text, start, end)

    def mid_sentence(self) -> bool:
        """Whether the expression stands mid-sentence (so a capital there means a name or title)."""
        sentence = self.sentence
        return sentence is not None and self.date.start > sentence.start

    def context(self) -> set[str]:
        """Content words just before the expression: what it dates ("since the conflict erupted")."""
        text = self.block.text[max(0, self.date.start - 60):self.date.start].lower()
        return set(_CONTEXT_WORD.findall(text)[-6:]) - _GENERIC


@document_check(
    name="dates",
    description="Weekdays that do not match their date, impossible, future and contradicting dates, "
                "mixed date orders and dates off the house style.",
    rules=[
        Rule("weekday-mismatch", "error", 'A weekday stated with a date that falls on another day.'),
        Rule("impossible-date", "error", "A date the calendar does not have: Feb. 30, April 31, month 13."),
        Rule("ambiguous-date", "warning", "A numeric date that reads two ways: 7/8/07."),
        Rule("future-date", "warning", "A date after publication in copy that reports the past."),
        Rule("date-conflict", "warning", "Two dates of one event that resolve to different years."),
        Rule("mixed-date-format", "warning", "Day-first and month-first dates in one story."),
        Rule("date-style", "info", "A date not written in the house style."),
        Rule("publication-date-unknown", "info",
             "Relative dates could not be checked: the story's publication date is unknown."),
    ],
    options=[
        Option("house_style", str, "How dates are written: ap, chicago, guardian, iso or none.",
               choices=HOUSE_STYLES),
        Option("drop_on_before_weekday", bool,
               'AP: "said Monday", not "said on Monday" (at the start of a sentence "On Monday" stays).'),
    ],
)
def dates(document: Document, ctx: CheckContext) -> Iterator[Finding]:
    publication = document.publication
    style = ctx.options["house_style"]
    mentions = [mention for block in document.blocks if block.kind != "residue"
                for mention in _mentions(block, publication)]
    ambiguous = [mention for mention in mentions if mention.valid and mention.date.readings]
    for mention in mentions:
        if mention.valid and mention.date.readings:
            continue
        yield from _calendar(ctx, mention, publication)
    yield from _ambiguous(ctx, ambiguous, mentions, publication)
    yield from _future(ctx, mentions, publication)
    yield from _conflicts(ctx, mentions, publication.date)
    mixed = yield from _mixed_orders(ctx, mentions, style)
    yield from _styles(ctx, [m for m in mentions if m not in mixed], style)
    if ctx.options["drop_on_before_weekday"]:
        yield from _on_before_weekday(ctx, document)
    if publication.date is None:
        waiting = [m for m in mentions if m.date.needs_publication and m.valid and not m.quoted]
        if waiting:
            unknown = (f'Publication date unknown (the metadata\'s "{publication.placeholder}" is a '
                       'placeholder for "no date")' if publication.placeholder else "Publication date unknown")
            yield ctx.finding(
                "publication-date-unknown",
                f"{unknown}, so {_count(len(waiting), 'date')} that depend on it "
                f'(first: "{waiting[0].date.text}") could not be checked: add a date to the '
                "story's metadata or run with --published YYYY-MM-DD.",
                waiting[0].span)


def _mentions(block: Block, publication: Publication) -> Iterator[_Mention]:
    found = block.dates
    if not found:
        return
    starts = [sentence.start for sentence in block.sentences]
    quoted = _quoted_spans(block.text)
    opening = [start for start, _ in quoted]
    for mention in found:
        index = bisect_left(opening, mention.start) - 1  # the last quotation opened before it
        inside = index >= 0 and mention.start < quoted[index][1]
        yield _Mention(block, mention, publication, starts, inside)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans between quotation marks; a quotation still open at the block's end runs to it
    (news copy leaves a quote that goes on into the next paragraph open)."""
    spans, opened = [], None
    for match in _QUOTE_MARK.finditer(text):
        mark = match.group()
        if opened is None and mark != "\u201d":
            opened = match.end()
        elif opened is not None and mark != "\u201c":
            spans.append((opened, match.start()))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return spans


def _calendar(ctx: CheckContext, mention: _Mention, publication: Publication) -> Iterator[Finding]:
    found = mention.date
    if not mention.valid:
        yield ctx.finding("impossible-date", f'"{found.text}": {_why_impossible(found)}.', mention.span)
        return
    if found.weekday is None or found.day is None or mention.resolved is None:
        return
    day = mention.resolved.first
    if day.weekday() == found.weekday:
        return
    stated, actual = WEEKDAYS[found.weekday], WEEKDAYS[day.weekday()]
    suggestion = found.text.replace(stated, actual, 1)
    if not mention.resolved.year_assumed:
        yield ctx.finding("weekday-mismatch", f"{_render_day(day)} was a {actual}, not a {stated}.",
                          mention.span, suggestions=[suggestion], fixable=True)
        return
    # No year within one of publication puts the day on the stated weekday (resolution would
    # have taken it), so whichever year the copy means, the weekday or the date is wrong.
    falls = [f"a {WEEKDAYS[candidate.weekday()]} in {candidate.year}"
             for candidate in day_candidates(found.month, found.day, publication.date)]
    yield ctx.finding(
        "weekday-mismatch",
        f'{MONTHS[found.month - 1]} {found.day} is {" and ".join(falls)}, never a {stated} within a year '
        f"of publication on {_render_day(publication.date)} ({publication.source}); taking {day.year} "
        f"({mention.resolved.reason}), it is a {actual}.",
        mention.span,
        suggestions=[suggestion],
        fixable=False,  # which of the two is wrong is the reporter's to say
    )


def _ambiguous(ctx: CheckContext, ambiguous: list[_Mention], mentions: list[_Mention],
               publication: Publication) -> Iterator[Finding]:
    """Numeric dates that read two ways: one finding for each way of writing them (a table of
    "04/09/87 03/09/87 …" is one finding), none when the story settles the order — another
    date written the same way with a day over 12, or one reading after publication."""
    groups: dict[tuple[str, int], list[_Mention]] = {}
    for mention in ambiguous:
        groups.setdefault(_numeric_form(mention.date), []).append(mention)
    for form, group in groups.items():
        settled = {m.date.order for m in mentions
                   if m.date.kind == "numeric" and m.date.order and _numeric_form(m.date) == form}
        if len(settled) == 1:
            continue
        possible = [index for index in (0, 1) if all(_possible(m.date, index, publication) for m in group)]
        if len(possible) == 1:
            continue
        first = group[0]
        readings = [_render_day(date(first.date.year, month, day)) for month, day in first.date.readings]
        others = f" and {_count(len(group) - 1, 'other date')} written the same way" if len(group) > 1 else ""
        yield ctx.finding(
            "ambiguous-date",
            f'"{first.date.text}"{others} read as {readings[0]} or {readings[1]}: write the month out.',
            first.span, suggestions=readings,
            related=[ctx.location(m.span, message=f"also ambiguous: {m.date.text}")
                     for m in group[1:MAX_RELATED + 1]])


def _numeric_form(found: DateMention) -> tuple[str, int]:
    """How a numeric date is written: its separator and the digits of its year."""
    separator = "/" if "/" in found.text else "."
    return separator, len(found.text.rsplit(separator, 1)[1])


def _possible(found: DateMention, reading: int, publication: Publication) -> bool:
    """Whether one reading (0: month first, 1: day first) of an ambiguous date can be meant:
    a real day, not after an exact publication date."""
    month, day = found.readings[reading]
    try:
        meant = date(found.year, month, day)
    except ValueError:
        return False
    return not (publication.exact and publication.date is not None and meant > publication.date)


def _why_impossible(found: DateMention) -> str:
    if found.year is not None and not 1 <= found.year <= 9999:
        return f"the calendar has no year {found.year}"
    if found.month is None or not 1 <= found.month <= 12:
        return "no reading of it has a month 1 to 12"
    if found.month == 2 and found.day == 29:
        return f"{found.year} was not a leap year"
    return f"{MONTHS[found.month - 1]} has no day {found.day}"


def _future(ctx: CheckContext, mentions: list[_Mention], publication: Publication) -> Iterator[Finding]:
    """Dates after publication in copy that reports the past.

    "was signed on Dec. 3, 2024" in a story of Nov. 25 (a day without its year
    that falls ahead is the coming one, whatever the verb); a
    forward-looking word ("tomorrow", "next week") only right beside a past
    verb ("was passed tomorrow"): "said it would decide next week" is news.
    """
    published = publication.date
    if published is None or not publication.exact:
        return
    for mention in mentions:
        found, resolved = mention.date, mention.resolved
        if resolved is None or resolved.first <= published or found.kind == "year":
            continue  # "the 2026 budget was approved" dates the budget, not the approval
        if resolved.year_assumed:
            continue  # a day ahead without its year is the coming one: "said the rights expire March 4"
        if found.relative and (found.text[0].isupper() and mention.mid_sentence()):
            continue  # "Come Tomorrow", a title
        # "tomorrow", "next week" only right after a past verb ("was passed tomorrow"): a phrase
        # between ("predicted for next May", "involved in next year's") names a plan.
        if not mention.reports_past(reach=1 if found.relative else 8):
            continue
        yield ctx.finding(
            "future-date",
            f'"{found.text}" ({_describe(resolved)}) is after publication on '
            f"{_render_day(published)} ({publication.source}), in copy that reports the past.",
            mention.span,
        )


def _conflicts(ctx: CheckContext, mentions: list[_Mention], published: date | None) -> Iterator[Finding]:
    """Dates that put one event ("since …") in the same month of years one apart.

    One of the two must be a month counted from the publication date
    ("October last year", "two months ago"): two dates written out in full with
    different years ("June 2004 compared with June 2003") are a comparison, not
    a slip, and a weekday is only as sure as the publication date. A date before
    publication and one after it are two events, a past one and a plan ("was
    introduced last October", "rises again in October 2006"). Each date is
    reported once, against the first earlier date it contradicts; earlier dates
    are indexed by month, year and context word, so a story with thousands of
    dates is checked in linear time.
    """
    # (month, year, context word, counts from publication) -> a few earlier mentions
    earlier_by: dict[tuple[int, int, str, bool], list[_Mention]] = {}
    reported: set[tuple[str, int]] = set()  # a repeated block says it once
    for later in mentions:
        if not _datable(later):
            continue
        context = later.context()
        b = later.resolved
        month, year = b.first.month, b.first.year
        if later.key not in reported:
            relatives = (True, False) if later.date.relative else (True,)
            earlier = next((candidate for word in context for relative in relatives
                            for other in (year - 1, year + 1)
                            for candidate in earlier_by.get((month, other, word, relative), ())
                            if _contradicts(candidate, later, published)), None)
            if earlier is not None:
                reported.add(later.key)
                a = earlier.resolved
                yield ctx.finding(
                    "date-conflict",
                    f'"{later.date.text}" ({_describe(b)}) and "{earlier.date.text}" ({_describe(a)}) '
                    "date the same thing to different years.",
                    later.span,
                    related=[ctx.location(earlier.span, message=f"{_describe(a)}")],
                )
        for word in context:
            kept = earlier_by.setdefault((month, year, word, later.date.relative), [])
            if len(kept) < 2:  # two are enough to find one that is not the same block
                kept.append(later)


def _contradicts(earlier: _Mention, later: _Mention, published: date | None) -> bool:
    a, b = earlier.resolved, later.resolved
    if len(a.value) == len(b.value) == 10 and a.first.day != b.first.day:
        return False  # two different days of the month: two events
    if published is not None and (a.first <= published) != (b.first <= published):
        return False  # one done, one planned
    return earlier.key[0] != later.key[0]


def _datable(mention: _Mention) -> bool:
    """A day or month whose year the copy states, or a month it counts back to ("last October")."""
    resolved = mention.resolved
    if resolved is None or resolved.year_assumed or len(resolved.value) < 7 or "W" in resolved.value:
        return False
    return not mention.date.relative or len(resolved.value) == 7


def _mixed_orders(ctx: CheckContext, mentions: list[_Mention], style: str):
    """Findings for the order that departs from the house (or the story's) order; returns those mentions."""
    ordered = [m for m in mentions if m.date.order is not None and m.valid]
    counts = Counter(order for _, order in {(m.key, m.date.order) for m in ordered})
    if len(counts) < 2:
        return set()
    house = _ORDER_OF_STYLE.get(style)
    if house is None:
        (first, n1), (_, n2) = counts.most_common()
        if n1 == n2:
            return set()
        house = first
    departing = [m for m in ordered if m.date.order != house]
    keeping = [m for m in ordered if m.date.order == house]
    render_style = style if style in _ORDER_OF_STYLE else ("chicago" if house == "month-first" else "guardian")
    # The same examples with every finding: made once (a story can have thousands of findings).
    examples = [ctx.location(m.span, message=f"{house}: {m.date.text}") for m in keeping[:HOUSE_EXAMPLES]]
    kept = _count(len(keeping), "time")
    for mention in departing:
        suggestion = _render(mention.date, render_style)
        yield ctx.finding(
            "mixed-date-format",
            f'"{mention.date.text}" is {mention.date.order}, but the story writes dates {house} ({kept}).',
            mention.span,
            suggestions=[suggestion] if suggestion else [],
            related=examples,
        )
    return set(departing)


def _styles(ctx: CheckContext, mentions: list[_Mention], style: str) -> Iterator[Finding]:
    if style == "none":
        return
    for mention in mentions:
        found = mention.date
        if found.kind not in ("date", "iso", "numeric", "month") or found.relation or not mention.valid:
            continue
        wanted = _render(found, style)
        written = " ".join(found.text.split())
        if wanted and wanted != written:
            yield ctx.finding("date-style", f'House style ({style}) writes "{written}" as "{wanted}".',
                              mention.span, suggestions=[wanted])


def _on_before_weekday(ctx: CheckContext, document: Document) -> Iterator[Finding]:
    """ "said on Monday": AP drops the "on", but keeps it after a name ("met John on Friday")."""
    for block in document.body:
        for match in _ON_WEEKDAY.finditer(block.text):
            before = block.text[:match.start()].split()
            if not before or before[-1][0].isupper():
                continue
            weekday = block.text[match.end():].split(None, 1)[0].rstrip(".,;:")
            yield ctx.finding("date-style", f'House style drops "on" before a weekday: "{weekday}".',
                              block.source_span(match.start(), match.end() + len(weekday)),
                              suggestions=[weekday])


def _render(found: DateMention, style: str, weekday: bool = True) -> str:
    """``found`` written in a house style; "" when the style cannot write it (ISO without a year)."""
    month, day, year = found.month, found.day, found.year
    if month is None:
        return ""
    weekday_name = WEEKDAYS[found.weekday] if weekday and found.weekday is not None else None
    if style == "iso":
        if year is None:
            return ""
        return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
    if day is None:  # a month, perhaps with its year: always spelled out
        return MONTHS[month - 1] + (f" {year}" if year else "")
    if style == "guardian":
        text = f"{day} {MONTHS[month - 1]}" + (f" {year}" if year else "")
        return f"{weekday_name} {text}" if weekday_name else text
    name = AP_MONTHS[month - 1] if style == "ap" else MONTHS[month - 1]
    text = f"{name} {day}" + (f", {year}" if year else "")
    return f"{weekday_name}, {text}" if weekday_name else text


def _render_day(day: date) -> str:
    return f"{AP_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _describe(resolved: Resolved) -> str:
    value = resolved.value
    if len(value) == 10:
        return _render_day(resolved.first)
    if len(value) == 7:
        return f"{MONTHS[resolved.first.month - 1]} {resolved.first.year}"
    return value


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@hookimpl
def register_checks() -> list:
    return [dates]
