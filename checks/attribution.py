"""attribution: says who? Unattributed claims and quotes, anonymous and vague sources.

Rule-based on the Document's sentences. For every sentence of the running copy
the check finds its attributions — a reporting expression ("said", "told
Reuters", "according to", "data … show", "ruled out") with its source, named,
anonymous ("a senior official") or vague ("critics", "it is believed") — and
the direct quotations. A sentence that asserts a checkable fact (a statistic,
a superlative or record, a trend, an accusation, a plan) is attributed when it
has an attribution of its own, continues the attributed sentence before it
("That figure …", "It …"), restates a figure the story has already sourced, or
is backed by a sourced statistic in the next sentence of its paragraph.

Every word list lives in ``rules.yaml``. Per story the check also leaves a
sourcing summary (named, anonymous and vague attributions) for the JSON report.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import accumulate
from typing import Iterator, Literal

from copydesk.checking import CheckContext, Option, Rule, document_check
from copydesk.document import Block, Document, Sentence
from copydesk.findings import Finding
from copydesk.hookspecs import hookimpl

Act = Literal["speech", "belief"]
SourceKind = Literal["named", "anonymous", "vague"]

# A reporting word used as a noun: "the call", "a warning", "his statement".
_NOUN_MAKERS = frozenset(
    "the a an his her its their our my your this that these those of no any every each whose".split())
# What may stand between a subject and its reporting verb: "the minister has also said".
_AUXILIARIES = frozenset(
    "has have had also later earlier previously then repeatedly publicly recently would will could did "
    "does do not never once again often still already reportedly is are was were been being".split())
# Where a subject begins, looking back from its verb: after a clause boundary.
_BOUNDARY_MARKS = tuple(",;:(\"“”‘’—–")
_BOUNDARY_WORD = re.compile(
    r"\b(that|and|but|while|as|when|after|because|who|which|where|although|though|since|if|so|"
    r"then|or)\s", re.IGNORECASE)
_RELATIVE = re.compile(r"\s*(?:who|which|whose|a|an|the)\b")
# The source after its cue: '", said Deputy Secretary Michael Faulkender.', "according to Peace Now,".
_SOURCE_AFTER = re.compile(
    r"\s+([\w'’.-]+(?: [\w'’.-]+){0,12}?)(?=\s*(?:[,;:.!?()\"“”—–]|\s(?:in|on|at|who|when|during|after|"
    r"before|last|this)\s|$))")
# "called for calm", 'called the move a "correction"' — not "a man called John".
_NAMING = re.compile(r"\s+(?:for|on|upon)\b|[^.;]{0,60}[“\"]")
# "added to the list", "adds up", "added 300 jobs".
_ADDS_UP = re.compile(r"\s+(?:to|up|\d)")
_PRONOUNS = frozenset("he she they we i it you".split())
# What may follow the head of an anonymous source: "officials in", "a source close to".
_AFTER_HEAD = frozenset(
    "in of from at with for close familiar who on to inside within involved based across".split())
# A reporting verb after one of these is passive and names no source: "are expected", "was told".
_PASSIVE = frozenset("is are was were be been being".split())
# A quotation: curly, straight or doubled-apostrophe marks, mixed as scraped copy
# mixes them; one left open runs to the end of its paragraph, or to the next
# opening mark (a quoted speech whose paragraphs were joined on one line).
_QUOTE = re.compile(r"(?:“|''|\")(?<![\w,.!?]\")(?=\S)[^“”\"]*?(?:(?<=\S)(?:”|''|\")|$|(?=\s[“\"]))")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_NAME = re.compile(r"[A-Z][\w'’-]*")
_CLOSERS = "\"'”’)]"
# Claims made of figures; restating one the story has sourced needs no new source.
_FIGURES = ("counts", "proportions")
# Claims a framing word in the sentence can cancel (accusation_framing, public_data_words).
_FRAMED_KINDS = ("accusations", "proportions", "superlatives", "trends")


def _inflections(entry: str) -> list[str]:
    """The forms of a verb entry.

    "announce" is inflected (announces, announced, announcing); "say/says/said/saying"
    lists every form it may take; "rule out" inflects its verb and keeps its particle.
    """
    if "/" in entry:
        return [form.strip() for form in entry.split("/")]
    verb, _, rest = entry.partition(" ")
    tail = f" {rest}" if rest else ""
    if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
        third = verb + "es"
    elif len(verb) > 1 and verb.endswith("y") and verb[-2] not in "aeiou":
        third = verb[:-1] + "ies"
    else:
        third = verb + "s"
    if verb.endswith("e"):
        past, ing = verb + "d", (verb[:-1] if not verb.endswith("ee") else verb) + "ing"
    elif len(verb) > 1 and verb.endswith("y") and verb[-2] not in "aeiou":
        past, ing = verb[:-1] + "ied", verb + "ing"
    else:
        past, ing = verb + "ed", verb + "ing"
    return [form + tail for form in (verb, third, past, ing)]


def _plurals(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(words) | frozenset(w + "s" if not w.endswith("s") else w for w in words) | \
        frozenset(w[:-1] + "ies" for w in words if w.endswith("y"))


@dataclass(frozen=True)
class Attribution:
    """A reporting expression in a block and who it names.

    Positions are in the block's text. ``source`` is None when the expression
    names nobody ("reportedly", "it is believed").
    """

    cue: tuple[int, int]
    act: Act
    kind: SourceKind
    source: tuple[int, int] | None = None
    # An anonymity clause in the same sentence ("who wished to remain anonymous").
    anonymity: tuple[int, int] | None = None
    # The word that makes the source anonymous or vague ("official", "critics").
    head: str = ""
    # The source is "he", "they": it stands for an earlier one.
    pronoun: bool = False

    @property
    def span(self) -> tuple[int, int]:
        """The whole attribution: source and cue."""
        if self.source is None:
            return self.cue
        return min(self.cue[0], self.source[0]), max(self.cue[1], self.source[1])


@dataclass
class SentenceFacts:
    """What the check knows about one sentence of the running copy."""

    block: Block
    sentence: Sentence
    paragraph_start: bool
    attributions: list[Attribution] = field(default_factory=list)
    # (block-text span, kind) of each claim the sentence makes; found only for
    # the sentences that need it (see :meth:`Detector.claims`).
    claims: list[tuple[tuple[int, int], str]] | None = None
    # Every word of the sentence lies inside a quotation.
    quoted: bool = False
    question: bool = False
    # Attributed by its context (see :meth:`Detector._carry`).
    carried: bool = False

    @property
    def attributed(self) -> bool:
        return bool(self.attributions) or self.carried


@dataclass
class Quotation:
    block: Block
    span: tuple[int, int]
    words: int
    sentences: list[int]  # indices into Story.sentences


@dataclass
class Story:
    sentences: list[SentenceFacts]
    quotations: list[Quotation]

    def unattributed_claims(self) -> Iterator[SentenceFacts]:
        """Sentences that make a claim with no attribution in or around them (questions and quotes aside)."""
        for facts in self.sentences:  # _carry found the claims of every unattributed sentence
            if facts.claims and not (facts.attributed or facts.question or facts.quoted):
                yield facts

    def unattributed_quotations(self, min_words: int) -> Iterator[Quotation]:
        """Quotations of ``min_words`` or more with no attribution in their sentences, the ones
        either side or their paragraph; titles are not quotations."""
        sentences = self.sentences
        attributed_until = -2  # the last sentence of the latest attributed quotation
        for quotation in self.quotations:
            if not quotation.sentences:
                continue
            first, last = quotation.sentences[0], quotation.sentences[-1]
            around = range(max(0, first - 1), min(len(sentences), last + 2))
            # A quotation that runs on from an attributed one (a speech quoted over
            # several paragraphs) is the same speaker's.
            if first <= attributed_until + 1 or any(sentences[i].attributions for i in around) or \
                    any(f.attributions for f in sentences if f.block is quotation.block):
                attributed_until = max(attributed_until, last)
                continue
            if quotation.words < min_words or _is_title(quotation.block.text[slice(*quotation.span)]):
                continue
            yield quotation

    def summary(self) -> dict[str, object]:
        """Sourcing counts for the JSON report, and the first 20 named sources as written."""
        kinds = [a.kind for facts in self.sentences for a in facts.attributions]
        named = []
        for facts in self.sentences:
            for attribution in facts.attributions:
                if attribution.kind == "named" and attribution.source is not None and not attribution.pronoun:
                    text = facts.block.text[slice(*attribution.source)]
                    if text not in named:
                        named.append(text)
        return {"attributions": len(kinds), "named": kinds.count("named"),
                "anonymous": kinds.count("anonymous"), "vague": kinds.count("vague"),
                "named_sources": named[:20]}


class Detector:
    """Attribution and claim finder compiled from the check's options."""

    def __init__(self, options: dict) -> None:
        # form → (role, act, particle): "ruled" reports only in "ruled out".
        self.acts: dict[str, tuple[str, Act, str]] = {}
        for option, role, act in (("belief_verbs", "verb", "belief"), ("naming_verbs", "naming", "speech"),
                                  ("evidence_verbs", "evidence", "speech"), ("reporting_verbs", "verb", "speech")):
            for entry in options[option]:
                for form in _inflections(entry):
                    word, _, particle = form.lower().partition(" ")
                    self.acts[word] = self.acts[word.capitalize()] = (role, act, particle)
        self.phrases = re.compile(
            rf"\b(?:(?P<phrase>{'|'.join(options['reporting_phrases'])})"
            rf"|(?P<vague>{'|'.join(options['vague_phrases'])}))\b")
        self.evidence_nouns = _plurals(tuple(w.lower() for w in options["evidence_nouns"]))
        self.anonymous_heads = _plurals(tuple(options["anonymous_sources"]))
        self.vague_heads = frozenset(w.lower() for w in options["vague_sources"])
        self.anonymity = re.compile("|".join(options["anonymity_phrases"]))
        # Matched against the lower-cased text: faster than IGNORECASE over every position.
        patterns = {kind: "|".join(options[f"claim_{kind}"])
                    for kind in ("proportions", "superlatives", "trends", "accusations", "plans")}
        # A number, then at most three words, then what it counts: "at least 19 entire Palestinian communities".
        patterns["counts"] = (rf"(?:{options['claim_number']}|{'|'.join(options['claim_count_words'])})"
                              rf"(?:\s+[\w'’-]+){{0,3}}?\s+(?:{'|'.join(options['claim_counted'])})")
        self.claim = re.compile(r"\b(?:" + "|".join(f"(?P<{kind}>(?:{pattern})(?!\\w))"
                                                    for kind, pattern in patterns.items()) + ")")
        self.continuation = re.compile(
            rf"^(?:(?:but|and|yet|however|still),?\s+)?"
            rf"(?:{'|'.join(options['continuation_subjects'])})\b", re.IGNORECASE)
        self.accusation_framing = frozenset(options["accusation_framing"])
        self.public_data_words = frozenset(options["public_data_words"])
        self.blocks = frozenset(options["blocks"])
        self.min_quote_words = options["min_quote_words"]

    # -- attributions -----------------------------------------------------------

    def attributions(self, block: Block, quotations: list[tuple[int, int]] = ()) -> list[list[Attribution]]:
        """The attributions of each sentence of a block; reporting words inside a quotation are the speaker's."""
        text, sentences = block.text, block.sentences
        starts = [sentence.start for sentence in sentences]
        found: list[list[Attribution]] = [[] for _ in sentences]
        taken: list[tuple[int, int]] = []
        lowered = text.lower()  # the phrase lists are matched without IGNORECASE, which is slower
        for match in self.phrases.finditer(lowered):
            if _inside(match.start(), quotations):
                continue
            start, end = match.span()
            index = bisect_right(starts, start) - 1
            if match.group("vague"):
                attribution = Attribution((start, end), "speech", "vague")
            else:
                attribution = self._with_source(text, sentences[index], start, end, "speech",
                                                after=match.group().startswith("according"))
            found[index].append(attribution)
            taken.append((start - 1, end))
        acts = self.acts
        positions: _Positions | None = None
        for i, word in enumerate(block.words):
            entry = acts.get(word)
            if entry is None:
                continue
            positions = positions or _Positions(block)
            start = positions.start(i)
            if _inside(start, quotations) or _inside(start, taken):
                continue
            index = bisect_right(starts, start) - 1
            attribution = self._verb(text, sentences[index], positions, i, entry)
            if attribution is not None:
                found[index].append(attribution)
        for sentence, attributions in zip(sentences, found):
            if attributions:
                anonymity = self.anonymity.search(lowered, sentence.start, sentence.end)
                if anonymity is not None:
                    attributions[:] = [replace(a, kind="anonymous", anonymity=anonymity.span()) for a in attributions]
        return found

    def _verb(self, text: str, sentence: Sentence, positions: _Positions, i: int,
              entry: tuple[str, Act, str]) -> Attribution | None:
        role, act, particle = entry
        words = positions.words
        word, start, end = words[i], positions.start(i), positions.end(i)
        if word[0].isupper() and start != sentence.start and text[start - 1] not in "“\"‘'(":
            return None  # a name: Edward Said, the United States
        previous = words[i - 1].lower() if i and positions.start(i - 1) >= sentence.start else None
        following = words[i + 1].lower() if i + 1 < len(words) and positions.start(i + 1) < sentence.end else None
        if particle:
            if following != particle:
                return None
            end = positions.end(i + 1)
        if previous is not None and (previous in _NOUN_MAKERS or previous.endswith(("'s", "’s"))):
            return None  # a noun: "the call", "Trump's comments"
        if previous in _PASSIVE:
            return Attribution((start, end), act, "named")  # "are expected", "was told": no source named
        if text[start - 1:start] in ("-", "<", "/"):  # "so-called"; markup: "<tweet"
            return None
        if word == "say" and text[start - 2:start] == ", " and text[end:end + 1] == ",":
            return None  # ", say, " as in "for example"
        if role == "evidence" and not any(
                words[k].lower() in self.evidence_nouns
                for k in range(max(0, i - 12), i) if positions.start(k) >= sentence.start):
            return None
        after = text[end:min(sentence.end, end + 80)]
        if role == "naming" and not _NAMING.match(after):
            return None
        if word.lower().startswith("add") and _ADDS_UP.match(after):
            return None
        return self._with_source(text, sentence, start, end, act)

    def _with_source(self, text: str, sentence: Sentence, start: int, end: int, act: Act,
                     after: bool = False) -> Attribution:
        """The attribution with its source: after the cue ("according to X", '", said X') or before it."""
        if after or text[max(sentence.start, start - 3):start].rstrip().endswith(("”", '"', "''")):
            source = self._source_after(text, end, sentence.end)  # '…,” said Jane Doe.'
        else:  # "the ministry said", else ", said Jane Doe, the director"
            source = self._source_before(text, sentence.start, start) or \
                self._source_after(text, end, sentence.end)
        kind, head = self._kind(text, source)
        return Attribution((start, end), act, kind, source, head=head)

    @staticmethod
    def _source_after(text: str, end: int, limit: int) -> tuple[int, int] | None:
        match = _SOURCE_AFTER.match(text[:limit], end)
        if match is None or not match.group(1).strip():
            return None
        return match.start(1), match.start(1) + len(match.group(1).rstrip(" ."))

    def _source_before(self, text: str, limit: int, start: int) -> tuple[int, int] | None:
        """The subject of a reporting verb: back from the verb, past auxiliaries, to a clause boundary."""
        begin = max(limit, start - 160)
        end = start
        while True:  # "the minister has also said": leave "has also" out
            head = text[begin:end].rstrip()
            space = head.rfind(" ")
            if space < 0 or head[space + 1:].lower() not in _AUXILIARIES:
                end = begin + len(head)
                break
            end = begin + space
        head = text[begin:end]
        if head.endswith(","):
            # "The commander, who wished to remain anonymous, said": skip the relative clause.
            comma = head.rfind(",", 0, len(head) - 1)
            if comma >= 0 and _RELATIVE.match(head, comma + 1):
                head = head[:comma]
        mark = max(map(head.rfind, _BOUNDARY_MARKS))
        cut = mark
        for match in _BOUNDARY_WORD.finditer(head, mark + 1):
            joined = head[cut + 1:match.start()]
            # "two leaders from Badr and Asa'ib Ahl al-Haq confirmed": "and" joins one subject
            # unless a verb of its own stands before it ("Katz said so and Ben-Gvir agreed").
            if match.group(1).lower() in ("and", "or") and not any(
                    word in self.acts for word in _WORD.findall(joined)):
                continue
            cut = match.end() - 1
        subject = head[cut + 1:]
        stripped = subject.strip()
        if not stripped:
            return None
        first = begin + cut + 1 + subject.index(stripped[0])
        return first, first + len(stripped)

    def _kind(self, text: str, source: tuple[int, int] | None) -> tuple[SourceKind, str]:
        """Whether a source is named, anonymous or vague, and the word that says so."""
        if source is None:
            return "named", ""
        words = _WORD.findall(text[slice(*source)])
        for i, word in enumerate(words):
            lowered = word.lower()
            following = words[i + 1] if i + 1 < len(words) else None
            if lowered in self.anonymous_heads and (following is None or following in _AFTER_HEAD):
                return "anonymous", lowered.rstrip("s")
            if lowered in self.vague_heads and not any(_NAME.fullmatch(w) for w in words[i + 1:]):
                return "vague", lowered
        return "named", ""

    # -- the story ----------------------------------------------------------------

    def read(self, document: Document) -> Story:
        """Every sentence of the story's running copy with its attributions, and its quotations."""
        sentences: list[SentenceFacts] = []
        quotations: list[Quotation] = []
        for block in document.blocks:
            if block.kind not in self.blocks:
                continue
            first = len(sentences)
            for i, sentence in enumerate(block.sentences):
                sentences.append(SentenceFacts(block, sentence, i == 0,
                                               question=sentence.text.rstrip(_CLOSERS).endswith("?")))
            if len(sentences) == first:
                continue
            quoted = [match.span() for match in _QUOTE.finditer(block.text)]
            for start, end in quoted:
                inside = [first + i for i, s in enumerate(block.sentences) if s.start < end and s.end > start]
                quotations.append(Quotation(block, (start, end), len(_WORD.findall(block.text, start, end)), inside))
                for index in inside:
                    facts = sentences[index]
                    if facts.sentence.start >= start and facts.sentence.end <= end + 1:
                        facts.quoted = True
            for facts, found in zip(sentences[first:], self.attributions(block, quoted)):
                facts.attributions = found
        self._resolve_pronouns(sentences)
        self._carry(sentences)
        return Story(sentences, quotations)

    def claims(self, facts: SentenceFacts) -> list[tuple[tuple[int, int], str]]:
        """The claims of a sentence, found on first use: most attributed sentences never need them."""
        if facts.claims is not None:
            return facts.claims
        block, sentence = facts.block, facts.sentence
        facts.claims = []
        for match in self.claim.finditer(sentence.text.lower()):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            kind = match.lastgroup or "counts"
            if kind == "counts" and any(d.start <= start < d.end for d in block.dates):
                continue  # "Oct. 7 attacks" counts nothing
            if kind in _FRAMED_KINDS:
                words = {word.lower() for word in _WORD.findall(sentence.text)}
                if kind == "accusations" and self.accusation_framing.intersection(words):
                    continue  # "jailed on fraud charges": the court is the source
                if kind != "accusations" and self.public_data_words.intersection(words):
                    continue  # "the dollar hit a record low": public data
            facts.claims.append(((start, end), kind))
        return facts.claims

    @staticmethod
    def _resolve_pronouns(sentences: list[SentenceFacts]) -> None:
        """A pronoun source is as anonymous as the source it stands for ("The commander … he")."""
        last: SourceKind = "named"
        for facts in sentences:
            for i, attribution in enumerate(facts.attributions):
                if attribution.source is None:
                    continue
                source = facts.block.text[slice(*attribution.source)].lower()
                if source in _PRONOUNS and attribution.anonymity is None:
                    kind = "anonymous" if last == "anonymous" else "named"
                    facts.attributions[i] = replace(attribution, kind=kind, pronoun=True)
                else:
                    last = attribution.kind

    def _carry(self, sentences: list[SentenceFacts]) -> None:
        """Mark the unattributed claims that their context attributes."""
        sourced_figures: set[str] = set()
        scanned = 0  # sentences before this one whose figures are in sourced_figures
        for i, facts in enumerate(sentences):
            if facts.attributions:
                continue
            previous = sentences[i - 1] if i else None
            if previous is not None and previous.attributed and self.continuation.match(facts.sentence.text):
                facts.carried = True  # and may carry on to the next: "It … They …"
                continue
            if not self.claims(facts):
                continue
            following = sentences[i + 1] if i + 1 < len(sentences) else None
            if following is not None and not following.paragraph_start and following.attributions and \
                    any(kind in _FIGURES for _, kind in self.claims(following)):
                facts.carried = True
                continue
            figures = self._figures(facts)
            if figures:
                for earlier in sentences[scanned:i]:
                    if earlier.attributed:
                        sourced_figures |= self._figures(earlier)
                scanned = i
                facts.carried = bool(figures & sourced_figures)

    def _figures(self, facts: SentenceFacts) -> set[str]:
        keys = {_figure_key(facts.block.text, span) for span, kind in self.claims(facts) if kind in _FIGURES}
        keys.discard("")
        return keys


class _Positions:
    """Where each word of a block starts and ends, from the Document's shared ``Block.parts``."""

    __slots__ = ("words", "_ends")

    def __init__(self, block: Block) -> None:
        self.words = block.words
        # parts is [separator, word, separator, word, …]: word i is parts[2i + 1].
        self._ends = list(accumulate(map(len, block.parts)))

    def start(self, i: int) -> int:
        return self._ends[2 * i]

    def end(self, i: int) -> int:
        return self._ends[2 * i + 1]


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < position < end for start, end in spans)


def _figure_key(text: str, span: tuple[int, int]) -> str:
    """A figure and the word after it ("half of" + "attacks" in "half of the attacks"): the same
    key in two sentences is one figure restated, which needs no new source."""
    figure = text[slice(*span)].lower().rstrip("%")
    following = re.match(r"(?:\s+(?:of|the|out|per|cent|percent|%|\d[\d,.]*|[a-z]+ly))*\s+(\w+)", text[span[1]:span[1] + 60])
    return f"{figure} {following.group(1).lower()}" if following else ""


@cache
def _detector(options: tuple) -> Detector:
    return Detector({name: list(value) if isinstance(value, tuple) else value for name, value in options})


def detector_for(options: dict) -> Detector:
    """The detector for a check's options, compiled once per distinct set of options."""
    return _detector(tuple(sorted((name, tuple(value) if isinstance(value, list) else value)
                                  for name, value in options.items())))


_CLAIM_KINDS = {
    "counts": "a figure", "proportions": "a figure", "superlatives": "a superlative or record",
    "trends": "a trend", "accusations": "an accusation", "plans": "a claim about someone's plans",
}


@document_check(
    name="attribution",
    description="Claims and quotations with no source, anonymous and vague sourcing.",
    rules=[
        Rule("unattributed-claim", "warning",
             "A statistic, record, trend, accusation or plan with no attribution in or around its sentence."),
        Rule("unattributed-quote", "warning", "A direct quotation of four or more words with no speaker."),
        Rule("anonymous-source", "info", 'Attribution to an unnamed source: "sources said", "a senior official".'),
        Rule("vague-attribution", "warning", '"Critics say", "it is believed", "reportedly", unnamed experts.'),
    ],
    options=[
        Option("blocks", list[str], "The kinds of block read (headlines and captions are not)."),
        Option("min_quote_words", int, "How many words make a quotation rather than scare quotes."),
        Option("reporting_verbs", list[str], 'Verbs that report speech ("say/said" lists irregular forms).'),
        Option("belief_verbs", list[str], "Verbs that report a belief or intention."),
        Option("evidence_verbs", list[str], 'Verbs that report only after evidence: "figures show".'),
        Option("evidence_nouns", list[str], "What counts as evidence before an evidence verb."),
        Option("naming_verbs", list[str], 'Verbs that report only with a quotation or "for"/"on": "called".'),
        Option("reporting_phrases", list[str], 'Other reporting expressions (regular expressions): "according to".'),
        Option("vague_phrases", list[str], 'Attributions that name nobody: "reportedly", "it is believed".'),
        Option("anonymous_sources", list[str], 'Heads of an unnamed source: "official", "source".'),
        Option("vague_sources", list[str], 'Heads of a vague source: "critics", "experts".'),
        Option("anonymity_phrases", list[str], 'Said of an unnamed source: "on condition of anonymity".'),
        Option("claim_proportions", list[str], 'Proportions and rates: "47%", "half", "the majority".'),
        Option("claim_count_words", list[str], 'Numbers in words: "dozens", "thousands".'),
        Option("claim_number", str, 'How the figure of a count is written (a regular expression).'),
        Option("claim_counted", list[str], 'What a count counts that needs a source: "people", "killed".'),
        Option("claim_superlatives", list[str], "Superlatives and records (regular expressions)."),
        Option("claim_trends", list[str], "Trends and frequencies (regular expressions)."),
        Option("claim_accusations", list[str], "Accusations (regular expressions)."),
        Option("claim_plans", list[str], "Claims about plans (regular expressions)."),
        Option("accusation_framing", list[str], 'Words that frame an accusation as legal process: "charged".'),
        Option("public_data_words", list[str], 'Words of market data, which needs no source: "shares", "dollar".'),
        Option("continuation_subjects", list[str],
               "How a sentence continuing an attributed one begins (regular expressions)."),
    ],
)
def attribution(document: Document, ctx: CheckContext) -> Iterator[Finding]:
    detector = detector_for(ctx.options)
    story = detector.read(document)
    yield from _unattributed_claims(story, ctx)
    yield from _unattributed_quotes(story, detector.min_quote_words, ctx)
    yield from _sourcing(story, ctx)
    ctx.summary.update(story.summary())


def _unattributed_claims(story: Story, ctx: CheckContext) -> Iterator[Finding]:
    for facts in story.unattributed_claims():
        (start, end), kind = min(facts.claims)
        sentence = facts.sentence
        yield ctx.finding(
            "unattributed-claim",
            f'{_CLAIM_KINDS[kind].capitalize()} ("{facts.block.text[start:end]}") with no source: say who says so.',
            facts.block.source_span(sentence.start, sentence.end))


def _unattributed_quotes(story: Story, min_words: int, ctx: CheckContext) -> Iterator[Finding]:
    for quotation in story.unattributed_quotations(min_words):
        yield ctx.finding(
            "unattributed-quote",
            f"A quotation of {quotation.words} words with no speaker: say who said it.",
            quotation.block.source_span(*quotation.span))


def _is_title(quoted: str) -> bool:
    """A Title Case name of a work ("The Lord of the Rings", "Bridge Over Troubled Water.") is not a quotation."""
    long_words = [w for w in _WORD.findall(quoted) if len(w) > 3]
    return len(long_words) > 1 and all(w[0].isupper() for w in long_words)


def _sourcing(story: Story, ctx: CheckContext) -> Iterator[Finding]:
    anonymous_seen: set[str] = set()
    anonymous_total = sum(a.kind == "anonymous" for f in story.sentences for a in f.attributions)
    for facts in story.sentences:
        text = facts.block.text
        for attribution in facts.attributions:
            span = facts.block.source_span(*attribution.span)
            said = text[slice(*attribution.span)]
            if attribution.pronoun:
                continue  # counted in the summary; its source was reported where it was named
            if attribution.kind == "vague":
                yield ctx.finding("vague-attribution",
                                  f'Vague attribution "{said}": name who says so, or cut the claim.', span)
            elif attribution.kind == "anonymous":
                if attribution.anonymity is None and attribution.head in anonymous_seen:
                    continue
                anonymous_seen.add(attribution.head)
                count = f" ({anonymous_total} attributions to unnamed sources in this story)" \
                    if anonymous_total > 1 else ""
                if attribution.anonymity is not None:
                    why = f'granted anonymity ("{text[slice(*attribution.anonymity)]}")'
                    span = facts.block.source_span(min(attribution.span[0], attribution.anonymity[0]),
                                                   max(attribution.span[1], attribution.anonymity[1]))
                    message = f"Anonymous source, {why}: say why the source cannot be named{count}."
                else:
                    message = f'Anonymous source "{said}": name the source or say why it cannot be named{count}.'
                yield ctx.finding("anonymous-source", message, span)


@hookimpl
def register_checks() -> list:
    return [attribution]
