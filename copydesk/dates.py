"""Date expressions in news copy: where they are, what they say, which day they mean.

:func:`extract` finds the date expressions of a text with exact spans —
month-name dates either way round ("Oct. 7, 2023", "22 November 2024"), ISO and
numeric dates, months and years, weekdays, and relative expressions ("last
October", "two months ago", "this Monday"). :func:`resolve` turns one into a
calendar interval against a publication date, the way news copy means it: a
bare weekday in past-tense copy is the most recent such day, "last October"
written in November is the October of the year before. :func:`publication`
says when a story was published and how that is known.

Spans follow TimeML: prepositions ("in", "since", "on") are left out,
modifiers ("last", "early", "mid-") are kept.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from copydesk.document import Document

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# AP's abbreviations, used with a day: "Aug. 1". March to July are never abbreviated.
AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.",
             "Oct.", "Nov.", "Dec.")
_MONTH_NUMBER = {name.lower(): number for number, name in enumerate(MONTHS, 1)}
_MONTH_NUMBER.update({name[:3].lower(): number for number, name in enumerate(MONTHS, 1)})
_MONTH_NUMBER["sept"] = 9
_WEEKDAY_NUMBER = {name.lower(): number for number, name in enumerate(WEEKDAYS)}
_NUMBER_WORDS = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_NUMBER_WORDS.update({"a": 1, "an": 1, "a couple of": 2, "a few": 3, "several": 3})

_WD = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MON = ("January|February|March|April|May|June|July|August|September|October|November|December"
        "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?!\d)"
_ORD = r"(?:st|nd|rd|th)"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?![\d/-])"


def _weekday_lead(kind: str) -> str:
    return rf"(?:(?P<{kind}_wd>{_WD}),?\s+(?:the\s+)?)?"


_AMOUNT = r"\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of|a few|several|an?"
_UNIT = r"day|week|month|year|decade"
# What may stand before a bare month or year for it to be a date ("in May",
# "since 2008"): without one, "May" is a verb or a name and "2008" a number.
_CUE = (r"(?:[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Dd]uring|[Bb]efore|[Aa]fter|[Tt]hrough"
        r"|[Tt]hroughout|[Bb]etween|[Ee]nd\s+of|[Ss]tart\s+of|[Bb]eginning\s+of|[Mm]iddle\s+of|[Tt]o|and|or|[Oo]f)")

_PATTERN = re.compile(
    rf"""
    # "Friday, Nov. 21, 2024", "Oct. 7", "April 2nd", "March 12 2009"
    (?P<md>{_weekday_lead('md')}(?P<md_month>{_MON})\.?\s+(?P<md_day>{_DAY}){_ORD}?\b
        (?:\s*,?\s+(?P<md_year>{_YEAR}))?)
    # "22 November 2024", "Friday 21 November", "5th of March"
    | (?P<dm>{_weekday_lead('dm')}(?P<dm_day>{_DAY}){_ORD}?\s+(?:of\s+)?
        (?P<dm_month>{_MON})\.?\b(?:,?\s+(?P<dm_year>{_YEAR}))?)
    # "October last year", "November 2006", "mid-2011", "early June"
    | (?P<my>(?P<my_mod>(?:[Ee]arly|[Ll]ate|[Mm]id)(?:-|\s+)|[Tt]his\s+|[Ll]ast\s+|[Nn]ext\s+)?
        (?P<my_month>{_MON})\b(?P<my_dot>\.)?
        (?:,?\s+(?P<my_year>{_YEAR})|\s+(?:of\s+)?(?P<my_rel>last|this|next)\s+year\b)?)
    | (?P<iso>\b(?P<iso_year>\d{{4}})-(?P<iso_month>\d\d)-(?P<iso_day>\d\d)\b)
    # 7/8/07, 25.12.2024: which number is the month is decided later
    | (?P<num>(?<![\d./-])(?P<num_a>\d{{1,2}})(?P<num_sep>[/.])(?P<num_b>\d{{1,2}})(?P=num_sep)
        (?P<num_year>\d{{4}}|\d\d)(?![\d/]|\.\d))
    | (?P<year>(?P<year_mod>(?:[Ee]arly|[Ll]ate|[Mm]id)(?:-|\s+))?(?P<year_value>{_YEAR})\b)
    # "this Monday", "said Friday", "Monday night"
    | (?P<wday>(?P<wday_rel>[Tt]his|[Ll]ast|[Nn]ext|[Pp]ast|[Cc]oming)?\s*\b(?P<wday_name>{_WD})\b
        (?:\s+(?:morning|afternoon|evening|night))?)
    | (?P<ago>\b(?P<ago_amount>{_AMOUNT})\s+(?P<ago_unit>{_UNIT})s?\s+ago)\b
    | (?P<rel>\b(?P<rel_mod>(?:[Ee]arlier|[Ll]ater)\s+)?(?P<rel_rel>[Tt]his|[Ll]ast|[Nn]ext|[Pp]ast|[Cc]oming)
        \s+(?P<rel_unit>week|weekend|month|year|morning|afternoon|evening)\b)
    | (?P<deictic>\b(?:[Ee]arlier\s+)?(?P<deictic_word>[Tt]oday|[Tt]onight|[Yy]esterday|[Tt]omorrow)\b)
    """,
    re.VERBOSE,
)
# Where a date expression can start: scanning for these first and trying the
# full pattern only there is many times faster than trying it everywhere.
_START = re.compile(
    rf"\b(?:{_MON}|{_WD}|[Tt]oday|[Tt]onight|[Yy]esterday|[Tt]omorrow|[Tt]his|[Ll]ast|[Nn]ext|[Pp]ast"
    rf"|[Cc]oming|[Ee]arl|[Ll]ate|[Mm]id|\d|(?:{_AMOUNT})\s+(?:{_UNIT})s?\s+ago\b)"
)
_CUE_BEFORE = re.compile(rf"\b{_CUE}\s+$")
# A weekday that names something rather than dating it: "Friday prayers",
# "Black Monday", "the Sunday Times".
_WEEKDAY_NAME_BEFORE = re.compile(
    r"\b(?:Black|Good|Super|Ash|Easter|Bloody|Cyber|Holy|Palm|Whit|Shrove|Maundy|Giving|Manic)\s+$")
_WEEKDAY_NOUN_AFTER = re.compile(
    r"\s+(?:prayers?|sermons?|services?|mass|papers?|newspapers?|editions?|supplements?|league"
    r"|school|market|club|shows?|programme)\b|\s+[A-Z]|'s?\s+[A-Z]|’s?\s+[A-Z]")

Kind = Literal["date", "month", "year", "iso", "numeric", "weekday", "relative"]


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression; ``start``/``end`` are positions in the text it was found in."""

    start: int
    end: int
    text: str
    kind: Kind
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # a stated weekday, Monday = 0
    order: Literal["month-first", "day-first"] | None = None
    relation: str | None = None  # this, last, next, ago, today, yesterday, tomorrow, early, late, mid
    unit: str | None = None  # day, week, weekend, month, year, decade
    amount: int = 0
    # A numeric date whose day and month could be either number: (month, day) readings.
    readings: tuple[tuple[int, int], ...] = ()

    @property
    def valid(self) -> bool:
        """False for a day the calendar does not have: Feb. 30, April 31, month 13."""
        if self.year is not None and not MINYEAR <= self.year <= MAXYEAR:
            return False  # "0000-01-01": no calendar has a year 0
        if self.month is None:
            return not self.readings or any(_exists(self.year, m, d) for m, d in self.readings)
        if not 1 <= self.month <= 12:
            return False
        return self.day is None or _exists(self.year, self.month, self.day)

    @property
    def relative(self) -> bool:
        """Whether it counts from the publication date: "last October", "two months ago", "Monday"."""
        return self.kind in ("weekday", "relative") or self.relation in ("last", "this", "next")

    @property
    def needs_publication(self) -> bool:
        """Whether the day it means depends on when the story was published."""
        if self.kind in ("weekday", "relative"):
            return True
        return self.kind in ("date", "month") and self.year is None


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _exists(year: int | None, month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return False
    if month == 2 and day == 29:
        return year is None or calendar.isleap(year)
    return 1 <= day <= _MONTH_DAYS[month - 1]


def _full_year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        return 2000 + value if value < 50 else 1900 + value
    return value


def extract(text: str) -> list[DateMention]:
    """The date expressions of ``text``, in order."""
    mentions = []
    covered = 0
    match_at = _PATTERN.match
    for start in _START.finditer(text):
        position = start.start()
        if position < covered:
            continue
        match = match_at(text, position)
        if match is None:
            continue
        mention = _mention(text, match)
        if mention is not None:
            mentions.append(mention)
            covered = match.end()
    return mentions


def _mention(text: str, match: re.Match[str]) -> DateMention | None:
    group = match.group
    kind = match.lastgroup
    start, end = match.span()
    if kind in ("md", "dm"):
        weekday = group(f"{kind}_wd")
        year = group(f"{kind}_year")
        return DateMention(
            start, end, text[start:end], "date",
            year=int(year) if year else None,
            month=_MONTH_NUMBER[group(f"{kind}_month").lower()],
            day=int(group(f"{kind}_day")),
            weekday=_WEEKDAY_NUMBER[weekday.lower()] if weekday else None,
            order="month-first" if kind == "md" else "day-first",
        )
    if kind == "my":
        modifier = (group("my_mod") or "").strip(" -").lower() or None
        year = group("my_year")
        month_text = group("my_month") + (group("my_dot") or "")
        bare = not (year or modifier or group("my_rel"))
        if bare and not _CUE_BEFORE.search(text, max(0, start - 24), start):
            return None  # "May" the verb or name, "March" the noun
        if month_text.endswith(".") and not year:
            end -= 1  # "in Oct." at a sentence end: the full stop is the sentence's
        elif len(month_text) == 3 and month_text != "May" and not year:
            return None  # "Jan", "Dec" alone are names
        relation = group("my_rel") or (modifier if modifier in ("this", "last", "next") else None)
        return DateMention(
            start, end, text[start:end], "month",
            year=int(year) if year else None,
            month=_MONTH_NUMBER[group("my_month").lower()],
            relation=relation,
            unit="year" if group("my_rel") else None,
        )
    if kind == "iso":
        return DateMention(start, end, text[start:end], "iso", year=int(group("iso_year")),
                           month=int(group("iso_month")), day=int(group("iso_day")))
    if kind == "num":
        return _numeric(text, match)
    if kind == "year":
        if not group("year_mod") and not _CUE_BEFORE.search(text, max(0, start - 24), start):
            return None  # "the 1967 war" names a war; "2008 people" counts
        return DateMention(start, end, text[start:end], "year", year=int(group("year_value")),
                           relation=(group("year_mod") or "").strip(" -").lower() or None)
    if kind == "wday":
        name_start = match.start("wday_name")
        if _WEEKDAY_NAME_BEFORE.search(text, max(0, name_start - 12), name_start):
            return None
        if _WEEKDAY_NOUN_AFTER.match(text, match.end("wday_name")):
            return None
        relation = (group("wday_rel") or "").lower() or None
        if relation is None:
            start = name_start
        return DateMention(start, end, text[start:end], "weekday",
                           weekday=_WEEKDAY_NUMBER[group("wday_name").lower()],
                           relation={"past": "last", "coming": "next"}.get(relation, relation))
    if kind == "ago":
        amount = group("ago_amount").lower()
        return DateMention(start, end, text[start:end], "relative", relation="ago",
                           unit=group("ago_unit"),
                           amount=int(amount) if amount.isdigit() else _NUMBER_WORDS[amount])
    if kind == "rel":
        relation = group("rel_rel").lower()
        unit = group("rel_unit")
        if unit in ("morning", "afternoon", "evening"):
            if relation != "this":
                return None
            relation, unit = "today", "day"
        return DateMention(start, end, text[start:end], "relative",
                           relation={"past": "last", "coming": "next"}.get(relation, relation),
                           unit=unit)
    word = group("deictic_word").lower()
    return DateMention(start, end, text[start:end], "relative",
                       relation="today" if word == "tonight" else word, unit="day")


def _numeric(text: str, match: re.Match[str]) -> DateMention | None:
    first, second = int(match.group("num_a")), int(match.group("num_b"))
    if not (1 <= first <= 31 and 1 <= second <= 31):
        return None
    start, end = match.span()
    year = _full_year(match.group("num_year"))
    readings = tuple((m, d) for m, d in ((first, second), (second, first)) if m <= 12)
    if not readings:  # 13/13/2024: a date the calendar does not have
        return DateMention(start, end, text[start:end], "numeric", year=year, month=first, day=second)
    if len(readings) == 1 or first == second:
        month, day = readings[0]
        order = "month-first" if month == first else "day-first"
        return DateMention(start, end, text[start:end], "numeric", year=year, month=month, day=day,
                           order=order if first != second else None)
    return DateMention(start, end, text[start:end], "numeric", year=year, readings=readings)


# -- Tense -------------------------------------------------------------------------------

_FUTURE = frozenset(
    "will 'll ’ll shall would going scheduled expected due plans plan planning upcoming set "
    "intends aims hopes wants next later coming tomorrow should could must may might until".split())
_PAST = frozenset(
    "said says was were had did told announced reported ago earlier last yesterday came went "
    "began took made gave met won lost saw left held got found became".split())
_NOT_PAST = frozenset("scheduled expected planned united need speed feed bed red shed hundred "
                      "based indeed".split())
# "should be completed": a participle after these is no past tense.
_PASSIVE = frozenset("be been being is are am".split())
_WORD = re.compile(r"[A-Za-z']+|’ll")


Tense = Literal["past", "future", "unmarked"]


def tense(sentence: str, start: int, end: int, reach: int = 8) -> Tense:
    """Whether the clause around ``sentence[start:end]`` looks forward or back.

    The nearest tense marker within ``reach`` words wins ("said he will visit
    Monday" is future). Resolution reads unmarked copy as past, as news copy
    mostly is.
    """
    # One word more before than ``reach``: "is reshuffled next month" is no past tense.
    before = _WORD.findall(sentence, max(0, start - 10 * (reach + 1)), start)[-(reach + 1):]
    after = _WORD.findall(sentence, end, end + 10 * reach)[:reach]
    words = [word.lower() for word in (*before, *after)]
    middle = len(before)
    for distance in range(reach):
        for index in (middle - 1 - distance, middle + distance):
            if not 0 <= index < len(words) or index < middle - reach:
                continue
            word = words[index]
            if word == "set" and (index + 1 == len(words) or words[index + 1] not in ("for", "to")):
                continue  # "set on Aug. 6" is a past; "set for", "set to" look ahead
            if word in _FUTURE:
                return "future"
            if word in _PAST or (word.endswith("ed") and len(word) > 4 and word not in _NOT_PAST
                                 and (index == 0 or words[index - 1] not in _PASSIVE)):
                return "past"
    return "unmarked"


def looks_forward(sentence: str, start: int, end: int) -> bool:
    """Whether the sentence, outside ``sentence[start:end]``, has any word of the future."""
    return any(word.lower() in _FUTURE
               for word in _WORD.findall(sentence, 0, start) + _WORD.findall(sentence, end))


# -- Resolution --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Resolved:
    """The calendar interval a date expression means, and its TimeML-style value."""

    value: str  # 2024-11-18, 2024-W47, 2024-11, 2024
    first: date
    last: date
    # True when the year came from the publication date rather than the copy.
    year_assumed: bool = False
    # Why that year, when it was assumed: "the coming one, 56 days after publication".
    reason: str = ""


def _day(day: date) -> Resolved:
    return Resolved(day.isoformat(), day, day)


def _month(year: int, month: int, year_assumed: bool = False) -> Resolved:
    last = calendar.monthrange(year, month)[1]
    return Resolved(f"{year:04d}-{month:02d}", date(year, month, 1), date(year, month, last),
                    year_assumed)


def _year(year: int) -> Resolved:
    return Resolved(f"{year:04d}", date(year, 1, 1), date(year, 12, 31))


def _week(day: date, weekend: bool = False) -> Resolved:
    year, week, _ = day.isocalendar()
    monday = day - timedelta(days=day.weekday())
    if weekend:
        return Resolved(f"{year:04d}-W{week:02d}-WE", monday + timedelta(5), monday + timedelta(6))
    return Resolved(f"{year:04d}-W{week:02d}", monday, monday + timedelta(6))


def _shift_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def resolve(mention: DateMention, published: date | None, direction: Tense = "unmarked") -> Resolved | None:
    """What ``mention`` means, or None when it cannot be told (no publication date, no day)."""
    kind = mention.kind
    if not mention.valid:
        return None
    if kind in ("date", "iso", "numeric"):
        if mention.month is None:
            return None  # an ambiguous numeric date is not guessed
        if mention.year is not None:
            return _day(date(mention.year, mention.month, mention.day))
        if published is None:
            return None
        return _nearest_day(mention.month, mention.day, published, direction, mention.weekday)
    if kind == "year":
        return _year(mention.year)
    if kind == "month":
        if mention.year is not None:
            return _month(mention.year, mention.month)
        if published is None:
            return None
        return _month_without_year(mention, published, direction)
    if published is None:
        return None
    if kind == "weekday":
        return _day(_weekday(mention.weekday, mention.relation, published, direction))
    relation, unit = mention.relation, mention.unit
    if relation in ("today", "yesterday", "tomorrow"):
        return _day(published + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[relation]))
    step = {"last": -1, "this": 0, "next": 1}.get(relation, -mention.amount)
    if unit == "day":
        return _day(published + timedelta(days=step))
    if relation == "ago" and unit == "week":  # "a week ago" is a day
        return _day(published + timedelta(weeks=step))
    if unit in ("week", "weekend"):
        return _week(published + timedelta(weeks=step), weekend=unit == "weekend")
    if unit == "month":
        return _month(*_shift_months(published, step))
    if unit == "year":
        return _year(published.year + step)
    return None  # decades are too coarse to check


# How far after publication a day written without its year is still read as the coming
# one, whatever the verb: news copy names the next few months' days ("payable Dec. 7",
# "the rights expire March 4", "rescheduled to May 11") far more often than the same day
# ten months back. Past that, the day is the latest one before publication.
COMING_DAYS = 92


def _nearest_day(month: int, day: int, published: date, direction: Tense,
                 weekday: int | None = None) -> Resolved:
    """A day given without its year: the one a stated weekday fits within a year of
    publication; else the coming one when it is at most :data:`COMING_DAYS` ahead (any
    day ahead in future-tense copy), else the latest one before publication."""
    candidates = day_candidates(month, day, published)
    if not candidates:  # Feb. 29 with no leap year within one of publication (1900, 2100)
        leap = next(year for year in range(published.year, 0, -1) if calendar.isleap(year))
        last = date(leap, month, day)
        return Resolved(last.isoformat(), last, last, year_assumed=True, reason="the last leap year")
    ahead = [c for c in candidates if c > published]
    behind = [c for c in candidates if c <= published]
    if ahead and (ahead[0] - published).days <= COMING_DAYS:
        chosen = ahead[0]
        reason = f"the coming one, {_days(chosen - published)} after publication"
    elif ahead and direction == "future":
        chosen = ahead[0]
        reason = "the next one after publication: the copy looks ahead"
    else:
        chosen = behind[-1] if behind else ahead[0]
        reason = "the latest one before publication" if behind else "the next one after publication"
    if weekday is not None and chosen.weekday() != weekday:
        fitting = [c for c in candidates if c.weekday() == weekday]
        if fitting:  # the weekday says which year: "Monday, May 11" written in March 2020 is 2020's
            chosen = min(fitting, key=lambda c: abs(c - published))
            reason = f"the one that falls on a {WEEKDAYS[weekday]}"
    return Resolved(chosen.isoformat(), chosen, chosen, year_assumed=True, reason=reason)


def _days(span: timedelta) -> str:
    return f"{span.days} day{'' if span.days == 1 else 's'}"


def day_candidates(month: int, day: int, published: date) -> list[date]:
    """The days ``month``/``day`` names within a year either side of publication."""
    return [date(year, month, day) for year in range(published.year - 1, published.year + 2)
            if _exists(year, month, day) and abs((date(year, month, day) - published).days) < 366]


def _month_without_year(mention: DateMention, published: date, direction: Tense) -> Resolved:
    month, relation = mention.month, mention.relation
    if mention.unit == "year":  # "October last year"
        return _month(published.year + {"last": -1, "this": 0, "next": 1}[relation], month)
    if relation == "last":
        # "last October" written in November means a year and a month ago:
        # last month would have been "last month".
        year = published.year if month < published.month - 1 else published.year - 1
        return _month(year, month)
    if relation == "next":
        year = published.year if month > published.month + 1 else published.year + 1
        return _month(year, month)
    if relation == "this":
        return _month(published.year, month)
    if direction == "future":
        year = published.year if month >= published.month else published.year + 1
    else:
        year = published.year if month <= published.month else published.year - 1
    return _month(year, month, year_assumed=True)


def _weekday(weekday: int, relation: str | None, published: date, direction: Tense) -> date:
    """News convention: a bare weekday is within the week before (or after) publication."""
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    if relation == "last":
        return published - timedelta(days=back or 7)
    if relation == "next":
        return published + timedelta(days=ahead or 7)
    if direction == "future":
        return published + timedelta(days=ahead)
    return published - timedelta(days=back)


# -- Publication date --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Publication:
    """When a story was published, and how copydesk knows."""

    date: date | None
    source: str  # "front matter", "--published", "dateline", "caption", … or "unknown"
    # False when inferred from a caption or a dated anchor: the story is no
    # older than that, but may be days newer.
    exact: bool = True
    # A metadata value set aside as a "no date" placeholder ("0001-01-01T00:00:00Z").
    placeholder: str | None = None


# Publication dates copydesk reasons about: from the first newspapers to well past any archive.
# A CMS writes its "no date" as the smallest date it can store, or the Unix epoch.
EARLIEST_PUBLICATION = date(1600, 1, 1)
LATEST_PUBLICATION = date(2999, 12, 31)
_UNIX_EPOCH = date(1970, 1, 1)


def plausible_publication(day: date) -> bool:
    """Whether ``day`` can be a story's publication date rather than a placeholder for none."""
    return EARLIEST_PUBLICATION <= day <= LATEST_PUBLICATION and day != _UNIX_EPOCH


_ISO_PREFIX = re.compile(r"\s*(\d{4})-(\d\d)-(\d\d)")
_FILE_PHOTO = re.compile(r"\s*FILE\b")


def parse_date(value: object) -> date | None:
    """A date from a metadata value: a date, an ISO timestamp, or written out ("Nov. 25, 2024")."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = _ISO_PREFIX.match(value)
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return None
    return next(filter(None, map(_full_date, extract(value))), None)


def publication(document: Document) -> Publication:
    """The publication date: from metadata (or --published), else inferred from the copy.

    Inferred, in order: a dateline or a line near the top that holds a full
    date, then the latest full date in a caption (file photos excepted), then
    the latest full date stated with its weekday in the copy. A metadata date
    no story can have (0001-01-01, the Unix epoch) is a CMS's "no date": it is
    set aside, kept as ``placeholder``, and the date inferred as if it were absent.
    """
    metadata = document.metadata
    placeholder = None
    if metadata.published is not None:
        found = parse_date(metadata.published)
        if found is not None and plausible_publication(found):
            return Publication(found, metadata.published_source or "metadata")
        if found is not None:
            placeholder = str(metadata.published)
    inferred = _inferred_publication(document)
    if placeholder is not None:
        return replace(inferred, placeholder=placeholder)
    return inferred


def _inferred_publication(document: Document) -> Publication:
    metadata = document.metadata
    if metadata.dateline:
        found = parse_date(metadata.dateline)
        if found is not None and plausible_publication(found):
            return Publication(found, "dateline")
    for block in document.blocks[:4]:
        if block.kind in ("dateline", "byline", "subhead", "paragraph", "standfirst"):
            mentions = block.dates
            if len(mentions) == 1 and len(mentions[0].text) >= len(block.text.strip()) - 12:
                found = _full_date(mentions[0])
                if found is not None and plausible_publication(found):
                    return Publication(found, "date line")
    captions = [day for block in document.blocks_of("caption") if not _FILE_PHOTO.match(block.text)
                for day in map(_full_date, block.dates) if day is not None and plausible_publication(day)]
    if captions:
        return Publication(max(captions), "latest caption date", exact=False)
    anchors = [day for block in document.body for mention in block.dates
               if mention.weekday is not None and (day := _full_date(mention)) is not None
               and plausible_publication(day)]
    if anchors:
        return Publication(max(anchors), "latest weekday-and-date anchor", exact=False)
    return Publication(None, "unknown", exact=False)


def _full_date(mention: DateMention) -> date | None:
    if mention.year is None or mention.month is None or mention.day is None or not mention.valid:
        return None
    return date(mention.year, mention.month, mention.day)
