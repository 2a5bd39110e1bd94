"""Retrain the attribution model (checks/models/) from PolNeAR's training split.

    pip install . && python tools/train_attribution_model.py [--shared ../shared]

Reads ../shared/corpus/polnear-train (brat standoff: Source, Cue and Content
spans) with copydesk's own reader and sentence splitter, so the model is
trained on the sentences the check will tag; articles annotated twice are read
once, from the first annotator's file. Writes checks/models/attribution.crfsuite
and the cue words it learned (checks/models/attribution-cues.json);
benchmarks/accuracy_attribution.py scores the installed model on polnear-dev
(:func:`evaluate`). The same inputs and settings give the same model: crfsuite's
L-BFGS training is deterministic.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "checks" / "models"
# A word is a cue word when PolNeAR marks it part of a Cue this often, and at least MIN_CUE times.
CUE_RATE, MIN_CUE = 0.2, 5
TRAINING = {"c1": 0.05, "c2": 0.01, "max_iterations": 120, "feature.possible_transitions": True,
            "feature.minfreq": 2}


@dataclass
class Sentence:
    text: str  # the paragraph's text
    start: int
    end: int
    tokens: list[tuple[int, int]]
    labels: list[str]  # gold BIO tags
    gold: list[tuple[str, int, int]]  # gold spans clipped to the sentence, in paragraph positions
    first_in_paragraph: bool


def _annotations(path: Path) -> list[tuple[str, int, int, int]]:
    """(role, start, end, span id) of each Source, Cue and Content fragment of a brat file."""
    found = []
    for match in re.finditer(r"^T(\d+)\t(Source|Cue|Content) ([\d; ]+)\t", path.read_text(encoding="utf-8"), re.M):
        for fragment in match.group(3).split(";"):
            start, end = map(int, fragment.split())
            found.append((match.group(2), start, end, int(match.group(1))))
    return found


def articles(split: Path) -> dict[str, Path]:
    """Each article's annotation file, the first annotator's where there are two."""
    chosen: dict[str, Path] = {}
    for annotation in sorted((split / "attributions").glob("*.ann")):
        chosen.setdefault(annotation.name.rsplit("_", 1)[0], annotation)
    return chosen


def read_split(split: Path) -> list[list[Sentence]]:
    """Every paragraph of a PolNeAR split as tokenised sentences with their gold tags."""
    from copydesk.checks.attribution_model import spans, tokenize
    from copydesk.config import load_config
    from copydesk.engine import Engine
    from copydesk.plugins import load_registry

    engine = Engine(load_registry(), load_config(), [])
    paragraphs = []
    for article, annotation in articles(split).items():
        path = split / "text" / f"{article}.txt"
        size = len(path.read_text(encoding="utf-8")) + 1
        role_at: list[str | None] = [None] * size
        span_at = [0] * size
        for role, start, end, ident in _annotations(annotation):
            role_at[start:end] = [role] * (end - start)
            span_at[start:end] = [ident] * (end - start)
        for document in engine.documents([str(path)]):
            for block in getattr(document, "blocks", []):
                if block.kind != "paragraph":
                    continue
                sentences = []
                for index, sentence in enumerate(block.sentences):
                    tokens = tokenize(block.text, sentence.start, sentence.end)
                    if not tokens:
                        continue
                    labels, previous = [], None
                    for start, end in tokens:
                        source_start = block.source_span(start, end)[0]
                        role = role_at[source_start]
                        ident = span_at[source_start]
                        labels.append("O" if role is None else f"{'I' if ident == previous else 'B'}-{role}")
                        previous = ident if role is not None else None
                    gold = [tuple(span) for span in spans(labels, tokens)]
                    sentences.append(Sentence(block.text, sentence.start, sentence.end, tokens, labels, gold,
                                              index == 0))
                if sentences:
                    paragraphs.append(sentences)
    return paragraphs


def learn_cues(paragraphs: list[list[Sentence]]) -> list[str]:
    seen, cue = Counter(), Counter()
    for paragraph in paragraphs:
        for sentence in paragraph:
            for (start, end), label in zip(sentence.tokens, sentence.labels):
                word = sentence.text[start:end].lower()
                if not word[0].isalpha():
                    continue
                seen[word] += 1
                if label.endswith("-Cue"):
                    cue[word] += 1
    return sorted(w for w, n in cue.items() if n >= MIN_CUE and n / seen[w] >= CUE_RATE)


def sequences(paragraphs: list[list[Sentence]], cues: frozenset[str]):
    from copydesk.checks.attribution_model import features, quote_state

    for paragraph in paragraphs:
        quote_open, done = False, 0
        for sentence in paragraph:
            quote_open = quote_state(sentence.text, done, sentence.start, quote_open)
            yield sentence, features(sentence.text, sentence.tokens, cues,
                                     first_in_paragraph=sentence.first_in_paragraph, quote_open=quote_open)
            quote_open, done = quote_state(sentence.text, sentence.start, sentence.end, quote_open), sentence.end


def train(paragraphs: list[list[Sentence]], model_path: Path, cues: frozenset[str]) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for sentence, xseq in sequences(paragraphs, cues):
        trainer.append(xseq, sentence.labels)
    trainer.set_params(TRAINING)
    trainer.train(str(model_path))


def evaluate(paragraphs: list[list[Sentence]]) -> dict[str, dict[str, float]]:
    """Exact-span and overlap precision, recall and F1 per role, spans clipped to sentences."""
    from copydesk.checks.attribution_model import ROLES, model

    tagger = model()
    counts = Counter()
    for paragraph in paragraphs:
        text = paragraph[0].text
        predicted = tagger.tag(text, [(s.start, s.end) for s in paragraph])
        for sentence, found in zip(paragraph, predicted):
            gold = [tuple(g) for g in sentence.gold]
            found = [tuple(f) for f in found]
            for role in ROLES:
                g = [x for x in gold if x[0] == role]
                f = [x for x in found if x[0] == role]
                counts[role, "gold"] += len(g)
                counts[role, "found"] += len(f)
                counts[role, "exact"] += len(set(g) & set(f))
                counts[role, "found_overlap"] += sum(any(a[1] < b[2] and b[1] < a[2] for b in g) for a in f)
                counts[role, "gold_overlap"] += sum(any(a[1] < b[2] and b[1] < a[2] for b in f) for a in g)
    scores = {}
    for role in ROLES:
        p = counts[role, "exact"] / max(1, counts[role, "found"])
        r = counts[role, "exact"] / max(1, counts[role, "gold"])
        op = counts[role, "found_overlap"] / max(1, counts[role, "found"])
        orr = counts[role, "gold_overlap"] / max(1, counts[role, "gold"])
        scores[role] = {"exact_p": p, "exact_r": r, "exact_f1": 2 * p * r / max(1e-9, p + r),
                        "overlap_p": op, "overlap_r": orr, "overlap_f1": 2 * op * orr / max(1e-9, op + orr),
                        "gold": counts[role, "gold"]}
    return scores


def print_scores(title: str, scores: dict[str, dict[str, float]]) -> None:
    print(title)
    for role, s in scores.items():
        print(f"  {role:8} exact P {s['exact_p']:.3f} R {s['exact_r']:.3f} F1 {s['exact_f1']:.3f} | "
              f"overlap P {s['overlap_p']:.3f} R {s['overlap_r']:.3f} F1 {s['overlap_f1']:.3f} "
              f"({s['gold']} gold spans)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--output", type=Path, default=MODELS, help="where the model and its cue words go")
    args = parser.parse_args()
    corpus = args.shared / "corpus"
    if not (corpus / "polnear-train").exists():
        sys.exit(f"PolNeAR is not at {corpus / 'polnear-train'}")
    started = time.time()
    paragraphs = read_split(corpus / "polnear-train")
    tokens = sum(len(s.tokens) for p in paragraphs for s in p)
    print(f"polnear-train: {len(paragraphs)} paragraphs, {tokens:,} tokens read in {time.time() - started:.0f} s")
    cues = learn_cues(paragraphs)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "attribution-cues.json").write_text(json.dumps(cues, indent=0) + "\n", encoding="utf-8")
    started = time.time()
    train(paragraphs, args.output / "attribution.crfsuite", frozenset(cues))
    print(f"trained in {time.time() - started:.0f} s: {len(cues)} cue words, "
          f"{(args.output / 'attribution.crfsuite').stat().st_size / 1e6:.1f} MB")
    if args.output == MODELS:
        print("reinstall (pip install --no-deps .) and run benchmarks/accuracy_attribution.py for the dev scores")


if __name__ == "__main__":
    main()
