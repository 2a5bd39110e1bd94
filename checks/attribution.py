"""attribution: says who? Unattributed claims and quotes, anonymous and vague sources.

Rules and a learned model together. The rules read every sentence; the model
(:mod:`copydesk.checks.attribution_model`, a CRF trained on PolNeAR that tags
the Source, Cue and Content of attributions) is asked only where a decision
needs it: a claim or quotation the rules leave unsourced, and the head of an
unnamed source next to a reporting word, whose kind is read from the model's
source span. For every sentence of the running copy
the check finds its attributions — a reporting expression ("said", "told
Reuters", "according to", "data … show", "ruled out") with its source, named,
anonymous ("a senior official") or vague ("critics", "it is believed") — and
the direct quotations. A sentence that asserts a checkable claim (a figure or
statistic framed as a change or comparison, a count of harm, a record, a
measurable trend, an accusation made, a forecast — not background a newsroom
states on its own authority) is attributed when the sentence after it, or the
one before a paragraph it opens, attributes anything, when it continues an
attributed sentence ("That figure …",
"It …"), restates a figure the story has already sourced, reports the figures
of a poll or study the story names, or when the model finds its source. A
quotation needs a speaker in its paragraph or the one before, or a credit or
label.

Every word list lives in ``rules.yaml``. Per story the check also leaves a
sourcing summary (named, anonymous and vague attributions) for the JSON report.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Iterator, Literal

from copydesk.checking import CheckContext, Option, Rule, document_check
from copydesk.document import Block, Document, Sentence
from copydesk.findings import Finding
from copydesk.hookspecs import hookimpl
from copydesk.patterns import Pattern, compile_pattern, problem_in_patterns

if TYPE_CHECKING:
    from copydesk.checks.attribution_model import Model, Span

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
_PREPOSITIONS = _AFTER_HEAD | frozenset("among by between about like than".split())
# A reporting verb after one of these is passive and names no source: "are expected", "was told".
_PASSIVE = frozenset("is are was were be been being".split())
# A quotation: curly, straight or doubled-apostrophe marks, mixed as scraped copy
# mixes them; one left open runs to the end of its paragraph, or to the next
# opening mark (a quoted speech whose paragraphs were joined on one line).
_QUOTE = re.compile(r"(?:“|''|\")(?<![\w,.!?]\")(?=\S)[^“”\"]*?(?:(?<=\S)(?:”|''|\")|$|(?=\s[“\"]))")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_NAME = re.compile(r"[A-Z][\w'’-]*")
_CLOSERS = "\"'”’)]"
_POSSESSIVES = frozenset("his her their its our my your".split())
# Vague however they go on: "some Republicans", "many of his supporters".
_QUANTIFIERS = frozenset("some many others".split())
_INDEFINITE = frozenset("a an one two three several".split())
# A source after one of these refers back to one already met.
_DEFINITE = frozenset("the this that these those".split())
# What introduces a name after an unnamed head: "experts such as Jane Doe".
_INTRODUCING = frozenset("such including like named".split())
# Before a source, a hypothetical ("when a leader says …"); around a cue, a report that did not happen
# or might ("have not said", "could call on", "declined to say").
_HYPOTHETICAL = frozenset("whenever if unless".split())  # and "when" before a verb not in the past
_NOT_TOLD = frozenset(
    "not never no could would might may should can cannot will declined refused reluctant unwilling".split())
_RELATIVE_WORD = re.compile(r"\b(?:who|whose|which)\b", re.IGNORECASE)
# A head after "by" or after a noun and "of" is not the source: "a super PAC started by a former aide",
# "a survey of Republican operatives" — but "one of the officials" is.
_COMPLEMENT = re.compile(r"\bby\s|\b(?!(?:one|some|two|three|several|many|most|none|any|each|all|both|few)\s)"
                         r"[\w'’]+\s+of\s", re.IGNORECASE)
# The same, just before the source span: "a survey on Tuesday of leading Republican operatives found".
_COMPLEMENT_BEFORE = re.compile(r"(?:\bby|\b(?!(?:one|some|two|three|several|many|most|none|any|each|all|both|few)"
                                r"\s)[\w'’]+\s+of)(?:\s+[\w'’]+)?\s+$", re.IGNORECASE)
_LAST_CONJUNCT = re.compile(r",|\b(?:and|or)\b")
_NAME_PARTICLES = frozenset("of the de del da di van von al bin la le and".split())
_APPOSED_NAME = re.compile(r",\s+(?:[A-Z][\w'’.-]*\s+){1,3}[A-Z][\w'’.-]*(?:,|$)")
# How near a reporting word the head of an unnamed source must be for the model to be asked about
# it, in words: (at most this many before the reporting word, at most this many after it).
# "officials have said", "said a spokeswoman"; "according to a GOP strategist".
_CUE_REACH = {False: (3, 2), True: (0, 4)}
# How many words a source of the rules may have for its kind to be trusted without the model.
_SHORT_SOURCE = 2
# How many characters may stand between a source and its cue for a finding to show both.
_NEAR_CUE = 40
# Speaker labels of transcripts ("PENCE:", "MR. TRUMP:"), roundups ("Meghan McCain, Twitter:") and
# dash credits ("― Carla Sanchez").
_SPEAKER_LABEL = re.compile(r"\s*[“\"]?(?:[A-Z][A-Z.'’ -]{1,40}|[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)*(?:, [A-Z@][\w.@ -]{0,40})?):\s")
_LABEL_BEFORE = re.compile(r"(?:^|[.!?]\s+)[A-Z][\w.'’-]*(?: [A-Z@][\w.'’@-]*){0,5}(?: \([^)]{1,20}\))?"
                           r"(?:, [A-Z@][\w.@ -]{0,40})?:\s*$")
_DASH_CREDIT = re.compile(r"\s*(?:[―—–-]{1,2}\s*[A-Z@]|\[[A-Z]|\((?:[A-Z][\w.]*[ /]?)+\)|https?://|by\s+(?:the\s+)?[A-Z])")
# A paragraph that is only a credit for the quotation closing the paragraph above it: a dash and a name
# ("– Jane D."), as testimonials and epigraphs are signed, or a bracketed source line ("[Reuters]").
_CREDIT_LINE = re.compile(r"\s*(?:[―—–-]{1,2}\s*[A-Z@][^\n]{0,80}|\[[A-Z][^\]]{0,200}\]|\([A-Z][^)]{0,200}\))\s*")
# A credit closing the paragraph: "[AP.]", "(SVP/Global Risk Insights.)", a line "Jane Doe, Group".
_CREDIT_LAST = re.compile(r"(?:\[[A-Z][^\]]{0,40}\]|\([A-Z][^)]{0,40}\)|\n[A-Z][\w.'’-]* [A-Z][\w.'’-]*,[^\n]{0,40})"
                          r"[.\s]*[\"”]?\s*$")
# How many paragraphs back a poll or study named with figures sources the figures after it.
_DATA_PARAGRAPHS = 5
_FIGURE_MARK = re.compile(r"\d|%|per\s?cent")
# A year or "years ago": a count in such a sentence is history ("one of 20 students killed three years ago").
_HISTORY = re.compile(r"\b(?:(?:1[89]|20)\d\d|ago)\b")
# How many paragraphs of a quoted speech, each opening with a quotation mark, carry its speaker on.
_CONTINUED_PARAGRAPHS = 6
_OPENING_MARKS = "“\"‘'"
# Claims made of figures; restating one the story has sourced needs no new source.
_FIGURES = ("counts", "proportions")
# Claims a framing word in the sentence can cancel (accusation_framing, public_data_words).
_FRAMED_KINDS = ("accusations", "proportions", "superlatives", "trends")
# RE2's \s is ASCII whitespace: a no-break or other Unicode space in the copy becomes a plain one,
# character for character, before the rules file's patterns read it.
_OTHER_SPACE = re.compile(r"[^\S \t\n\r\f]")
# The names the check gives its groups when it joins the rules file's patterns.
_GROUP_NAME = re.compile(r"\(\?P?<")


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
    # Which paragraph of the story it belongs to (an index into Story.paragraphs).
    paragraph: int = 0
    # The model's Source, Cue and Content spans, tagged on first need (see :meth:`Story.spans`).
    spans: list[Span] | None = None

    @property
    def attributed(self) -> bool:
        return bool(self.attributions) or self.carried


@dataclass
class Quotation:
    block: Block
    span: tuple[int, int]
    words: int
    sentences: list[int]  # indices into Story.sentences
    # Closes its paragraph, and the next block is a credit line for it ("– Jane D.").
    signed: bool = False


@dataclass
class AnonymousSource:
    """A source the model found that names nobody, or nobody in particular."""

    facts: SentenceFacts
    kind: SourceKind
    head: str  # the word that makes it so: "official", "critics"
    span: tuple[int, int]  # source and cue, in the block's text
    anonymity: tuple[int, int] | None = None


@dataclass
class Story:
    sentences: list[SentenceFacts]
    quotations: list[Quotation]
    # The first and last + 1 sentence index of each paragraph read, in order.
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    # What counts as evidence ("poll", "survey"): the check's evidence_nouns.
    evidence_nouns: frozenset[str] = frozenset()

    def spans(self, index: int) -> list[Span]:
        """The model's spans in sentence ``index``, tagged on first need: most sentences never are."""
        facts = self.sentences[index]
        if facts.spans is None:
            facts.spans = _model().tag(facts.block.text, [(facts.sentence.start, facts.sentence.end)])[0]
        return facts.spans

    def has_speaker(self, paragraph: int) -> bool:
        """Whether a paragraph attributes: an attribution of the rules, or a Source or Cue of the model
        ("Trump went on")."""
        first, end = self.paragraphs[paragraph]
        return any(self.sentences[k].attributions for k in range(first, end)) or \
            any(span.role != "Content" for k in range(first, end) for span in self.spans(k))

    def unattributed_claims(self, kinds: frozenset[str]) -> Iterator[tuple[SentenceFacts, tuple[tuple[int, int], str]]]:
        """Sentences that make a claim of one of ``kinds`` with no attribution in or around them (questions and
        quotes aside), each with its first such claim."""
        for index, facts in enumerate(self.sentences):  # _carry found the claims of every unattributed sentence
            reported = [claim for claim in facts.claims or () if claim[1] in kinds]
            if reported and not (facts.attributed or facts.question or facts.quoted) and \
                    not self._attributed_around(facts.paragraph, index) and \
                    not self._from_sourced_data(index) and not self._sourced_by_model(index):
                yield facts, min(reported)

    def _attributed_around(self, paragraph: int, index: int) -> bool:
        """Whether the sentence after the claim in its paragraph, or for a claim opening its paragraph the
        last sentence of the paragraph before, attributes anything (by the rules): a claim next to it may
        well be that source's ("Trade fell 40 percent. Yang Shu says …"), and an editor is asked only
        about claims the copy leaves bare. A source earlier in the claim's own paragraph is left to the
        continuation rules and the model, which tell a claim carried on from one said anew ("In that
        time, attacks … have also grown more common")."""
        first, end = self.paragraphs[paragraph]
        around = [index - 1] if index == first and index else []
        if index + 1 < end:
            around.append(index + 1)
        return any(self.sentences[k].attributions for k in around)

    def _from_sourced_data(self, index: int) -> bool:
        """A figure in a story reporting a poll, survey or study: a sentence of its own paragraph or of the
        _DATA_PARAGRAPHS before it, or itself, names the evidence ("In an NBC News poll released Monday, 50
        percent …" … "Rubio comes in at 9 percent.")."""
        facts = self.sentences[index]
        if not any(kind in _FIGURES for _, kind in facts.claims):
            return False
        start = self.paragraphs[max(0, facts.paragraph - _DATA_PARAGRAPHS)][0]
        return any(_FIGURE_MARK.search(earlier.sentence.text) and
                   not self.evidence_nouns.isdisjoint(_WORD.findall(earlier.sentence.text.lower()))
                   for earlier in self.sentences[start:index + 1])

    def _sourced_by_model(self, index: int) -> bool:
        """The model finds the claim's source and cue in its sentence, or reads the claim as the content of an
        attribution whose source is in its paragraph ("Data from the survey show … Women composed
        about 25 percent …")."""
        facts = self.sentences[index]
        first, end = self.paragraphs[facts.paragraph]
        if _model().cues.isdisjoint(_WORD.findall(facts.sentence.text.lower())) and \
                not any(self.sentences[k].attributions for k in range(first, end)):
            return False  # no cue word to find and no source in the paragraph to carry it: not worth tagging
        spans = self.spans(index)
        roles = {span.role for span in spans}
        if "Source" in roles and "Cue" in roles:  # a Source alone is often a misread subject
            return True
        (start, end), _ = min(facts.claims)
        return any(span.role == "Content" and span.start <= start and end <= span.end for span in spans) and \
            self.has_speaker(facts.paragraph)

    def unattributed_quotations(self, min_words: int) -> Iterator[Quotation]:
        """Quotations of ``min_words`` or more with no speaker in their sentences, the ones either
        side, their paragraph or the paragraph before (see :meth:`_speaker_nearby`), and no credit
        or label; titles and partial quotes are left alone."""
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
            if quotation.words < min_words or _is_title(quotation.block.text[slice(*quotation.span)]) or \
                    _partial(quotation, sentences[first].sentence):
                continue
            if quotation.signed or _labelled(quotation) or self._speaker_nearby(quotation):
                attributed_until = max(attributed_until, last)
                continue
            yield quotation

    def _speaker_nearby(self, quotation: Quotation) -> bool:
        """A speaker in the quotation's paragraph or the one before (news quotes on without repeating
        the speaker), a paragraph before ending on a colon that introduces it, or — for a run of
        paragraphs each opening with a quotation mark, as a quoted speech runs — before the run."""
        paragraph = self.sentences[quotation.sentences[0]].paragraph
        if self.has_speaker(paragraph):
            return True
        if paragraph == 0:
            return False
        if self.has_speaker(paragraph - 1) or self._block(paragraph - 1).text.rstrip().endswith(":"):
            return True
        opens = quotation.block.text[:quotation.span[0]].strip() == ""
        for earlier in range(paragraph - 1, max(0, paragraph - 1 - _CONTINUED_PARAGRAPHS), -1):
            if not (opens and self._block(earlier).text.lstrip()[:1] in _OPENING_MARKS):
                return False
            if self.has_speaker(earlier - 1):
                return True
        return False

    def _block(self, paragraph: int) -> Block:
        return self.sentences[self.paragraphs[paragraph][0]].block

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
        # The rules file's patterns run on RE2 (linear time whatever a newsroom writes), matched in lower
        # case: faster than case-insensitive matching over every position.
        self.phrases = compile_pattern(
            rf"\b(?:(?P<phrase>{'|'.join(options['reporting_phrases'])})"
            rf"|(?P<vague>{'|'.join(options['vague_phrases'])}))\b")
        self.vague_group = self.phrases.groupindex["vague"]
        # What looks like a reporting phrase, a claim or a continuation but is none ("according to plan",
        # "100 percent", a year): RE2 has no look-around to say so inside those patterns.
        self.exceptions = compile_pattern("|".join(f"(?:{pattern})" for pattern in options["exceptions"])) \
            if options["exceptions"] else None
        self.evidence_nouns = _plurals(tuple(w.lower() for w in options["evidence_nouns"]))
        self.anonymous_heads = _plurals(tuple(options["anonymous_sources"]))
        self.vague_heads = frozenset(w.lower() for w in options["vague_sources"])
        self.role_heads = _plurals(tuple(options["role_sources"]))
        self.all_heads = self.anonymous_heads | self.vague_heads | self.role_heads
        self.singular_heads = frozenset(w.lower() for w in (*options["anonymous_sources"], *options["role_sources"]))
        # The past forms of the reporting verbs: "when officials said" tells of a time, "when a leader says"
        # of a hypothesis.
        self.past_forms = frozenset(word for word in self.acts if word.endswith("ed")) | \
            frozenset("said told wrote thought felt knew saw found".split())
        self.non_source_verbs = frozenset(form.lower() for entry in options["non_source_verbs"]
                                          for form in _inflections(entry))
        self.anonymity = compile_pattern("|".join(options["anonymity_phrases"]))
        patterns = {kind: "|".join(options[f"claim_{kind}"])
                    for kind in ("proportions", "superlatives", "trends", "accusations", "forecasts")}
        # A number, then at most three words, then what it counts: "at least 19 entire Palestinian communities".
        patterns["counts"] = (rf"(?:{options['claim_number']}|{'|'.join(options['claim_count_words'])})"
                              rf"(?:\s+[\pL\pN_'’-]+){{0,3}}?\s+(?:{'|'.join(options['claim_counted'])})")
        # Whole words: the character after a claim is consumed, outside its group, as no letter or digit.
        self.claim = compile_pattern(r"\b(?:" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in patterns.items())
                                     + r")(?:[^\pL\pN_]|$)")
        self.claim_groups = [(kind, self.claim.groupindex[kind]) for kind in patterns]
        self.continuation = compile_pattern(
            rf"(?:(?:but|and|yet|however|still),?\s+)?(?P<subject>{'|'.join(options['continuation_subjects'])})\b",
            ignore_case=True)
        self.accusation_framing = frozenset(options["accusation_framing"])
        self.public_data_words = frozenset(options["public_data_words"])
        self.statistic_framing = frozenset(options["statistic_framing"])
        self.reported_claims = frozenset(options["reported_claims"])
        self.blocks = frozenset(options["blocks"])
        self.min_quote_words = options["min_quote_words"]

    # -- attributions -----------------------------------------------------------

    def attributions(self, block: Block, quotations: list[tuple[int, int]] = ()) -> list[list[Attribution]]:
        """The attributions of each sentence of a block; reporting words inside a quotation are the speaker's."""
        text, sentences = block.text, block.sentences
        starts = [sentence.start for sentence in sentences]
        found: list[list[Attribution]] = [[] for _ in sentences]
        taken: list[tuple[int, int]] = []
        lowered = _matchable(text)
        for match in self._unexcepted(self.phrases, lowered):
            if _inside(match.start(), quotations):
                continue
            start, end = match.span()
            index = bisect_right(starts, start) - 1
            if match.start(self.vague_group) >= 0:
                attribution = Attribution((start, end), "speech", "vague")
            else:
                attribution = self._with_source(text, sentences[index], start, end, "speech",
                                                after=lowered.startswith("according", start))
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

    # -- anonymous and vague sources, from the model ---------------------------------

    def unnamed_sources(self, story: Story) -> list[AnonymousSource]:
        """The model's sources that name nobody, in the sentences that could hold one (see
        :meth:`_source_candidates`). "Reportedly" and its like, which name nobody at all, come from the rules."""
        found = [AnonymousSource(facts, "vague", "", attribution.cue) for facts in story.sentences
                 for attribution in facts.attributions if attribution.kind == "vague" and attribution.source is None]
        for index, clause in self._source_candidates(story):
            facts = story.sentences[index]
            spans = story.spans(index)
            text = facts.block.text
            before = len(found)
            for span in spans:
                if span.role != "Source":
                    continue
                cue = _nearest_cue(text, span, spans)
                # Sources of speech, reports and beliefs: not "aides spent Saturday delivering …".
                if cue is None or not self._reports(text[cue.start:cue.end]):
                    continue
                if text[span.start:span.end].split(" ", 1)[0].lower() in _DEFINITE and clause is None:
                    continue  # "the bespectacled, 71-year-old diplomat": one met before
                start = _subject_start(text, span)
                kind_head = self.unnamed_kind(text[start:span.end], anonymous=clause is not None)
                if kind_head is not None and clause is None and not self._informs(
                        facts, (start, span.end), (cue.start, cue.end), *kind_head):
                    continue
                if kind_head is not None:
                    found.append(AnonymousSource(facts, *kind_head, (min(start, cue.start), max(span.end, cue.end)),
                                                 clause))
            if len(found) == before:
                found.extend(self._unnamed_by_rules(facts, clause))
        return found

    def _unnamed_by_rules(self, facts: SentenceFacts, clause: tuple[int, int] | None) -> Iterator[AnonymousSource]:
        """Where the model found no source, the rules' own: any granted anonymity ("The diplomat, who
        spoke on condition of anonymity, said"), else a source of a few words right before its verb
        ("But some note that …"), the one shape the rules read as well as the model."""
        text = facts.block.text
        for attribution in facts.attributions:
            if attribution.source is None:
                continue
            (start, end), (cue, _) = attribution.source, attribution.cue
            if clause is not None:
                yield AnonymousSource(facts, "anonymous", attribution.head, attribution.span, clause)
            elif end <= cue and not text[end:cue].strip():
                words = [word.lower() for word in _WORD.findall(text, start, end)]
                kind_head = self.unnamed_kind(text[start:end])
                # "some", "critics", "US officials": the head ends the source, no preposition leads it.
                if kind_head is not None and len(words) <= _SHORT_SOURCE and kind_head[1] == words[-1] and \
                        words[0] not in _PREPOSITIONS and self._informs(facts, (start, end), attribution.cue, *kind_head):
                    yield AnonymousSource(facts, *kind_head, attribution.span)

    def _informs(self, facts: SentenceFacts, source: tuple[int, int], cue: tuple[int, int], kind: SourceKind,
                 head: str) -> bool:
        """Whether an unnamed source tells the reader something through its cue:
        not in a question, not negated or hypothetical ("officials have not said", "aides could call on",
        "when a leader says"); for an anonymous one, not a verb that only asks or urges ("aides asked",
        "lawmakers called on"), and not a named person's description ("McDonough (then deputy national
        security adviser)", "David Axelrod, who was Obama's strategist"), a name ("Business Insider") or a
        known office ("Obama's former campaign strategist", one person the story has named)."""
        if facts.question:
            return False
        text, sentence = facts.block.text, facts.sentence
        start, end = source
        cue_words = [word.lower() for word in _WORD.findall(text, cue[0], cue[1])]
        before_source = _WORD.findall(text, max(sentence.start, start - 12), start)[-1:]
        if before_source and (before_source[0].lower() in _HYPOTHETICAL or before_source[0].lower() == "when" and
                              cue_words and cue_words[-1] not in self.past_forms):
            return False
        # The auxiliaries between a source and its cue, and the cue: "officials have not said".
        told = [word.lower() for word in _WORD.findall(text, end, cue[0])] if end <= cue[0] else []
        if any(word in _NOT_TOLD or word.endswith(("n't", "n’t")) for word in told + cue_words):
            return False
        if kind != "anonymous" or not head:
            return True
        # The cue and the word after it, for entries with a particle: "called on the government".
        said = f" {' '.join(cue_words + [word.lower() for word in _WORD.findall(text, cue[1], sentence.end)[:1]])} "
        if any(f" {form} " in said for form in self.non_source_verbs):
            return False
        if cue_words and said.split()[-1] == "to" and self.acts.get(cue_words[-1], ("", ""))[1] == "belief":
            return False  # an intention, not a belief: "the message party officials expect to hear"
        if _COMPLEMENT_BEFORE.search(text, max(sentence.start, start - 30), start):
            return False
        source_text = text[start:end]
        at = re.search(rf"\b{re.escape(head)}\b", source_text, re.IGNORECASE)
        if at is None or (at.start() and at.group()[0].isupper()):
            return False  # a head inside a name: "Business Insider also commented"
        described = source_text[:at.start()]
        if described.count("(") > described.count(")") or _RELATIVE_WORD.search(described) or \
                _COMPLEMENT.search(described):
            return False
        # A document the person made is the source: "according to a fact sheet lawmakers released" (but
        # "media reports and party sources" are two).
        last_conjunct = _LAST_CONJUNCT.split(described)[-1]
        if not self.evidence_nouns.isdisjoint(word.lower() for word in _WORD.findall(last_conjunct)):
            return False
        singular = head in self.singular_heads
        return not (singular and any(word.lower() in _POSSESSIVES or word.endswith(("'s", "’s"))
                                     for word in _WORD.findall(described)))

    def _source_candidates(self, story: Story) -> Iterator[tuple[int, tuple[int, int] | None]]:
        """The sentences worth tagging for an unnamed source, with their anonymity clause: a word of
        anonymous_sources, role_sources or vague_sources next to a reporting word (_CUE_REACH:
        "officials said", "according to a GOP strategist") or inside the source the rules found,
        or an attribution granted anonymity. Checked on the block's words: most blocks have none."""
        heads, acts = self.all_heads, self.acts
        for first, end in story.paragraphs:
            block = story.sentences[first].block
            words = block.lowered_words
            at_heads = [] if heads.isdisjoint(words) else [i for i, word in enumerate(words) if word in heads]
            clauses = {k: a.anonymity for k in range(first, end) for a in story.sentences[k].attributions
                       if a.anonymity is not None}
            if not (at_heads or clauses):
                continue
            at_cues = [(i, _CUE_REACH[word == "according"]) for i, word in enumerate(words)
                       if word in acts or word == "according"]
            positions = _Positions(block)
            starts = [story.sentences[k].sentence.start for k in range(first, end)]
            sources = [a.source for k in range(first, end) for a in story.sentences[k].attributions if a.source]
            chosen = set(clauses)
            for i in at_heads:
                start = positions.start(i)
                if any(-before <= j - i <= after for j, (after, before) in at_cues) or _inside(start + 1, sources):
                    chosen.add(first + bisect_right(starts, start) - 1)
            for k in sorted(chosen):
                yield k, clauses.get(k)

    def _reports(self, cue: str) -> bool:
        """Whether a cue reports speech, writing or belief: a verb of the rules' lists or a reporting phrase."""
        return any(word in self.acts for word in _WORD.findall(cue.lower())) or \
            next(self._unexcepted(self.phrases, _matchable(cue)), None) is not None

    def _unexcepted(self, pattern: Pattern, text: str) -> Iterator[Any]:
        """The matches of ``pattern`` in ``text`` (lower case) but those starting inside a match of the
        exceptions; after one of those the search goes on from its next character, as look-around would."""
        excepted: list[tuple[int, int]] | None = None  # found on the first match: most texts have none
        position = 0
        while (match := pattern.search(text, position)) is not None:
            start, end = match.span()
            if excepted is None:
                excepted = self._excepted(text)
            if any(first <= start < last for first, last in excepted):
                position = start + 1
                continue
            yield match
            position = max(end, start + 1)

    def continues(self, text: str) -> bool:
        """Whether a sentence begins as one continuing the sentence before it: "It …", "That figure …"."""
        match = self.continuation.match(text)
        if match is None:
            return False
        subject = match.start(self.continuation.groupindex["subject"])
        return not any(first <= subject < last for first, last in self._excepted(_matchable(text)))

    def _excepted(self, text: str) -> list[tuple[int, int]]:
        return [found.span() for found in self.exceptions.finditer(text)] if self.exceptions else []

    def unnamed_kind(self, source: str, anonymous: bool = False) -> tuple[SourceKind, str] | None:
        """Whether a source span is anonymous ("a Dow spokeswoman", "officials in Baghdad") or vague
        ("critics", "some Republicans"), and its head; None when it names someone, is a pronoun,
        refers back ("the official", "these critics": reported where first met) or is not a
        person ("many other polls")."""
        words = _WORD.findall(source)
        lowered = [word.lower() for word in words]
        if not words or all(word in _PRONOUNS or word in _POSSESSIVES for word in lowered):
            return None
        if (lowered[0] in _DEFINITE and not anonymous) or lowered[-1] in self.evidence_nouns:
            return None
        for i, word in enumerate(lowered):
            following = lowered[i + 1] if i + 1 < len(words) else None
            if word in self.vague_heads:
                kind: SourceKind = "vague"
                if word not in _QUANTIFIERS and following is not None and following not in _AFTER_HEAD:
                    continue  # "opponents' ads"
            elif word in self.anonymous_heads and (following is None or following in _AFTER_HEAD or
                                                    following.endswith(("ing", "ed"))):  # "a strategist monitoring …"
                kind = "anonymous"
            elif word in self.role_heads and lowered[0] in _INDEFINITE:
                kind = "anonymous"  # "a Dow spokeswoman", not "the prime minister's spokesman"
            else:
                continue
            if _names_someone(source, words, i):
                return None
            return ("anonymous" if anonymous else kind), word
        if anonymous and not any(_NAME.fullmatch(word) for word in words[1:]):
            return "anonymous", ""
        return None

    # -- the story ----------------------------------------------------------------

    def read(self, document: Document) -> Story:
        """Every sentence of the story's running copy with its attributions, and its quotations."""
        sentences: list[SentenceFacts] = []
        quotations: list[Quotation] = []
        paragraphs: list[tuple[int, int]] = []
        for position, block in enumerate(document.blocks):
            if block.kind not in self.blocks:
                continue
            first = len(sentences)
            for i, sentence in enumerate(block.sentences):
                sentences.append(SentenceFacts(block, sentence, i == 0, paragraph=len(paragraphs),
                                               question=sentence.text.rstrip(_CLOSERS).endswith("?")))
            if len(sentences) == first:
                continue
            paragraphs.append((first, len(sentences)))
            # A mark after "=" or before ">" belongs to markup (an embedded tweet's attributes).
            quoted = [match.span() for match in _QUOTE.finditer(block.text)
                      if block.text[match.start() - 1:match.start()] != "=" and
                      block.text[match.start() + 1:match.start() + 2] != ">"]
            following = document.blocks[position + 1].text if position + 1 < len(document.blocks) else ""
            for start, end in quoted:
                inside = [first + i for i, s in enumerate(block.sentences) if s.start < end and s.end > start]
                signed = not block.text[end:].strip(" \t\n.,;") and bool(_CREDIT_LINE.fullmatch(following))
                quotations.append(Quotation(block, (start, end), len(_WORD.findall(block.text, start, end)), inside,
                                            signed))
                for index in inside:
                    facts = sentences[index]
                    if facts.sentence.start >= start and facts.sentence.end <= end + 1:
                        facts.quoted = True
            for facts, found in zip(sentences[first:], self.attributions(block, quoted)):
                facts.attributions = found
        self._resolve_pronouns(sentences)
        self._carry(sentences)
        return Story(sentences, quotations, paragraphs, self.evidence_nouns)

    def claims(self, facts: SentenceFacts) -> list[tuple[tuple[int, int], str]]:
        """The claims of a sentence, found on first use: most attributed sentences never need them."""
        if facts.claims is not None:
            return facts.claims
        block, sentence = facts.block, facts.sentence
        facts.claims = []
        if "{" in sentence.text or "}" in sentence.text:
            return facts.claims  # code or a style sheet scraped with the copy, not prose
        for match in self._unexcepted(self.claim, _matchable(sentence.text)):
            kind, group = next((kind, group) for kind, group in self.claim_groups if match.start(group) >= 0)
            start, end = sentence.start + match.start(group), sentence.start + match.end(group)
            if kind == "counts" and (any(d.start <= start < d.end for d in block.dates) or
                                     _HISTORY.search(sentence.text)):
                continue  # "Oct. 7 attacks" counts nothing; "26 people killed in the 2012 shooting" is history
            if kind == "accusations" and start > sentence.start and block.text[start].isupper():
                continue  # a name: "the Convention against Torture"
            if kind in _FRAMED_KINDS:
                words = {word.lower() for word in _WORD.findall(sentence.text)}
                if kind == "accusations" and self.accusation_framing.intersection(words):
                    continue  # "jailed on fraud charges": the court is the source
                if kind != "accusations" and self.public_data_words.intersection(words):
                    continue  # "the dollar hit a record low": public data
                if kind == "proportions" and self.statistic_framing.isdisjoint(words):
                    continue  # "the tax rate of 35 percent", "Kasich got 10 percent": background, results
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
            if previous is not None and previous.attributed and self.continues(facts.sentence.text):
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


def _names_someone(source: str, words: list[str], head: int) -> bool:
    """Whether a source span with an unnamed head also names its person: "spokeswoman Haley Morris",
    "experts such as Jane Doe", "Paula Jones, a former state employee who …"."""
    after = words[head + 1:head + 4]
    if after and (_NAME.fullmatch(after[0]) or after[0].lower() in _INTRODUCING and
                  any(_NAME.fullmatch(word) for word in after[1:])):
        return True
    # "Paula Jones, a former state employee", "Edwards and others": a name joined before the head.
    at = source.lower().find(words[head].lower())
    before = source[:at]
    joint = max(before.find(","), before.find(" and "))
    if joint > 0 and _is_name(before[:joint]):
        return True
    # "the leader of the group, Abu Alaa al-Walae": a name in apposition after it.
    return _APPOSED_NAME.search(source, at) is not None


def _is_name(text: str) -> bool:
    """Whether a few words are a proper name: "Paula Jones", "Abu Alaa al-Walae", "Bank of England"."""
    words = _WORD.findall(text)
    return 0 < len(words) <= 6 and _NAME.fullmatch(words[0]) is not None and \
        all(_NAME.fullmatch(word) or word in _NAME_PARTICLES or "-" in word for word in words)


def _subject_start(text: str, source: Span) -> int:
    """Where a source span's subject starts: after its last comma unless what comes before is a name
    ("… war on the Gaza Strip, Iraqi sources" → "Iraqi sources"; "Paula Jones, a former …" stays)."""
    comma = text.rfind(",", source.start, source.end)
    if comma < 0 or _is_name(text[source.start:comma]):
        return source.start
    return comma + 1 + len(text[comma + 1:source.end]) - len(text[comma + 1:source.end].lstrip())


def _nearest_cue(text: str, source: Span, spans: list[Span]) -> Span | None:
    """The cue of a source: the nearest, within _NEAR_CUE characters and no quotation mark away
    ("a senior official said", "according to officials …")."""
    best, gap = None, _NEAR_CUE + 1
    for cue in spans:
        if cue.role != "Cue":
            continue
        between = text[min(source.end, cue.end):max(source.start, cue.start)]
        if len(between) < gap and not any(mark in between for mark in "“”\""):
            best, gap = cue, len(between)
    return best


def _partial(quotation: Quotation, sentence: Sentence) -> bool:
    """A phrase quoted inside the writer's own sentence ("hoped to “look like Donald Trump.”"), not
    introduced by a colon: a partial quote or scare quotes, which the rule leaves to the editor."""
    before = quotation.block.text[sentence.start:quotation.span[0]].rstrip()
    return bool(_WORD.search(before)) and not before.endswith(":")


def _labelled(quotation: Quotation) -> bool:
    """A quotation credited without a verb: a transcript label ("PENCE: Well, look …"), a roundup
    ("Meghan McCain, Twitter: “…”") or a dash credit after it ("“… gangsters.” ― Carla Sanchez")."""
    text, (start, end) = quotation.block.text, quotation.span
    return bool(_SPEAKER_LABEL.match(text) or _LABEL_BEFORE.search(text[:start]) or
                _DASH_CREDIT.match(text, end) or _CREDIT_LAST.search(text))


def _matchable(text: str) -> str:
    """Text as the rules file's patterns read it, one character for one (offsets stay the copy's):
    lower case, every space one RE2's \\s matches."""
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lowers to two characters: keep such a character as written
        lowered = "".join(low if len(low := char.lower()) == 1 else char for char in text)
    return _OTHER_SPACE.sub(" ", lowered) if _OTHER_SPACE.search(lowered) else lowered


def _problem_in_joined(patterns: list[str]) -> str | None:
    """Why a list of the rules file's patterns cannot be joined into the check's own: RE2 cannot run
    one, or one names a group, as the check names its own."""
    if (problem := problem_in_patterns(patterns)) is not None:
        return problem
    named = next((pattern for pattern in patterns if _GROUP_NAME.search(pattern)), None)
    return None if named is None else f"the pattern {named!r:.80} names a group; write (?:…) instead"


def _model() -> Model:
    """The attribution model, imported on first need: a run with nothing to ask it never loads it."""
    from copydesk.checks.attribution_model import model

    return model()


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
    "counts": "a figure or statistic", "proportions": "a figure or statistic", "superlatives": "a superlative or record",
    "trends": "a trend", "accusations": "an accusation or allegation", "forecasts": "a forecast",
}


def _unknown_claim_kinds(kinds: list[str]) -> str | None:
    unknown = sorted(set(kinds) - set(_CLAIM_KINDS))
    return f"no kind of claim is called {', '.join(unknown)}; the kinds are {', '.join(_CLAIM_KINDS)}" \
        if unknown else None


@document_check(
    name="attribution",
    description="Claims and quotations with no source, anonymous and vague sourcing.",
    rules=[
        Rule("unattributed-claim", "warning",
             "A statistic framed as a change or comparison, a count of harm, a record, an accusation or a "
             "forecast with no source in or next to its sentence."),
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
        Option("reporting_phrases", list[str], 'Other reporting expressions (regular expressions): "according to".',
               validate=_problem_in_joined),
        Option("vague_phrases", list[str], 'Attributions that name nobody: "reportedly", "it is believed".',
               validate=_problem_in_joined),
        Option("anonymous_sources", list[str], 'Heads of an unnamed source: "official", "source".'),
        Option("role_sources", list[str], 'Heads of an unnamed source after "a"/"one": "a spokeswoman".'),
        Option("vague_sources", list[str], 'Heads of a vague source: "critics", "experts".'),
        Option("non_source_verbs", list[str],
               'Reporting verbs that make no anonymous source of their subject: "aides asked", "officials urged".'),
        Option("anonymity_phrases", list[str], 'Said of an unnamed source: "on condition of anonymity".',
               validate=_problem_in_joined),
        Option("claim_proportions", list[str], 'Proportions and rates: "47%", "half", "the majority".',
               validate=_problem_in_joined),
        Option("claim_count_words", list[str], 'Numbers in words: "dozens", "thousands".',
               validate=_problem_in_joined),
        Option("claim_number", str, 'How the figure of a count is written (a regular expression).',
               validate=lambda pattern: _problem_in_joined([pattern])),
        Option("claim_counted", list[str], 'What a count counts that needs a source: "people", "killed".',
               validate=_problem_in_joined),
        Option("claim_superlatives", list[str], "Superlatives and records (regular expressions).",
               validate=_problem_in_joined),
        Option("claim_trends", list[str], "Trends and frequencies (regular expressions).",
               validate=_problem_in_joined),
        Option("claim_accusations", list[str], "Accusations (regular expressions).",
               validate=_problem_in_joined),
        Option("claim_forecasts", list[str], "Forecasts (regular expressions).",
               validate=_problem_in_joined),
        Option("accusation_framing", list[str], 'Words that frame an accusation as legal process: "charged".'),
        Option("public_data_words", list[str], 'Words of market data, which needs no source: "shares", "dollar".'),
        Option("statistic_framing", list[str],
               'Words of change or comparison that make a proportion a claim: "rose", "compared".'),
        Option("reported_claims", list[str],
               "The kinds of claim unattributed-claim reports: proportions, counts, superlatives, trends, "
               "accusations, forecasts.", validate=_unknown_claim_kinds),
        Option("continuation_subjects", list[str],
               "How a sentence continuing an attributed one begins (regular expressions).", validate=_problem_in_joined),
        Option("exceptions", list[str],
               'What looks like a reporting phrase, a claim or a continuation but is none (regular expressions): '
               '"according to plan", "100 percent".', validate=_problem_in_joined),
    ],
)
def attribution(document: Document, ctx: CheckContext) -> Iterator[Finding]:
    detector = detector_for(ctx.options)
    story = detector.read(document)
    yield from _unattributed_claims(story, detector.reported_claims, ctx)
    yield from _unattributed_quotes(story, detector.min_quote_words, ctx)
    yield from _sourcing(story, detector.unnamed_sources(story), ctx)
    ctx.summary.update(story.summary())


def _unattributed_claims(story: Story, kinds: frozenset[str], ctx: CheckContext) -> Iterator[Finding]:
    for facts, ((start, end), kind) in story.unattributed_claims(kinds):
        sentence = facts.sentence
        yield ctx.finding(
            "unattributed-claim",
            f'{_CLAIM_KINDS[kind].capitalize()} ("{facts.block.text[start:end]}") with no source in or next to its '
            f'sentence: say who says so.',
            facts.block.source_span(sentence.start, sentence.end))


def _unattributed_quotes(story: Story, min_words: int, ctx: CheckContext) -> Iterator[Finding]:
    for quotation in story.unattributed_quotations(min_words):
        yield ctx.finding(
            "unattributed-quote",
            f"A quotation of {quotation.words} words with no speaker in this or the previous paragraph: "
            f"say who said it.",
            quotation.block.source_span(*quotation.span))


def _is_title(quoted: str) -> bool:
    """A Title Case name of a work ("The Lord of the Rings", "Bridge Over Troubled Water.") is not a quotation."""
    long_words = [w for w in _WORD.findall(quoted) if len(w) > 3]
    return len(long_words) > 1 and all(w[0].isupper() for w in long_words)


def _sourcing(story: Story, sources: list[AnonymousSource], ctx: CheckContext) -> Iterator[Finding]:
    anonymous_seen: set[str] = set()
    anonymous_total = sum(source.kind == "anonymous" for source in sources)
    for source in sources:
        block = source.facts.block
        said = block.text[slice(*source.span)]
        if source.kind == "vague":
            yield ctx.finding("vague-attribution",
                              f'Vague attribution "{said}": name who says so, or cut the claim.',
                              block.source_span(*source.span))
            continue
        head = source.head.rstrip("s")  # "two leaders …", then "One leader said": the same kind of source
        if source.anonymity is None and head in anonymous_seen:
            continue
        anonymous_seen.add(head)
        count = f" ({anonymous_total} attributions to unnamed sources in this story)" if anonymous_total > 1 else ""
        if source.anonymity is not None:
            clause = block.text[slice(*source.anonymity)]
            span = block.source_span(min(source.span[0], source.anonymity[0]), max(source.span[1], source.anonymity[1]))
            message = f'Anonymous source, granted anonymity ("{clause}"): say why the source cannot be named{count}.'
        else:
            span = block.source_span(*source.span)
            message = f'Anonymous source "{said}": name the source or say why it cannot be named{count}.'
        yield ctx.finding("anonymous-source", message, span)


@hookimpl
def register_checks() -> list:
    return [attribution]
