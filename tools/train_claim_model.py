"""Retrain the claim-sourcing model (checks/models/claim-sourcing.json) from PolNeAR's training split.

    pip install . && python tools/train_claim_model.py [--shared ../shared]

Every sentence of polnear-train in which the attribution check finds a claim, or
which holds a figure (not a question, not inside a quotation), is an example: its
features are copydesk.checks.claim_model.features, its label whether PolNeAR puts
at least half of the claim (or of the sentence) inside the Content of an
attribution with a Source. One article in five (by sorted name) is held out; a
logistic regression (L2, full-batch gradient descent, numpy) is fitted on the
rest. The threshold is the held-out rate of sourced examples among those with no
attribution the check sees in them: a bare claim is "normally sourced" when the
model rates it likelier to carry a source than the bare claims and figures of
held-out news are. The model fitted on the four fifths ships with that
threshold. The same inputs give the same model.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "checks" / "models" / "claim-sourcing.json"
HELD_OUT = 5  # every fifth article
L2, STEPS, RATE, MIN_COUNT = 1.0, 600, 0.5, 3
# Besides the check's claims, every sentence with a figure is an example: the check's claims alone are
# too few (under 200 in polnear-train) to learn from.
_FIGURE = re.compile(r"\d|%|\b(?:percent|half|third|quarter|majority|dozens|hundreds|thousands|millions|billions)\b")

sys.path.insert(0, str(REPO / "tools"))


def _detector():
    from copydesk.checks.attribution import detector_for
    from copydesk.config import load_config
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry

    registry, config = load_registry(), load_config()
    return detector_for(plan(registry, config, ["attribution"])[0].options), Engine(registry, config, [])


def attribution_words(detector) -> frozenset[str]:
    """The words of attribution the model is not shown: the attribution model's cue words and the
    check's reporting, belief, evidence and naming verbs."""
    from copydesk.checks.attribution_model import CUES_PATH

    cues = json.loads(CUES_PATH.read_text(encoding="utf-8"))
    return frozenset(cues) | frozenset(word.lower() for word in detector.acts) | {"according"}


def _sourced(annotation: Path, size: int) -> bytearray:
    """Which characters of an article lie inside the Content of an attribution with a Source."""
    text = annotation.read_text(encoding="utf-8")
    contents = {m.group(1): [tuple(map(int, part.split())) for part in m.group(2).split(";")]
                for m in re.finditer(r"^(T\d+)\tContent ([\d; ]+)\t", text, re.M)}
    sourced = bytearray(size)
    for match in re.finditer(r"^E\d+\t(.*)$", text, re.M):
        roles = [item.split(":") for item in match.group(1).split()]
        if not any(role.startswith("Source") for role, _ in roles):
            continue
        for role, name in roles:
            for start, end in contents.get(name, []) if role.startswith("Content") else []:
                sourced[start:end] = b"\1" * (end - start)
    return sourced


def examples(split: Path) -> list[tuple[str, list[str], bool, bool]]:
    """(article, features, sourced?, bare?) of every claim or figure sentence of a PolNeAR split; a bare one
    has no attribution the check sees in it."""
    from copydesk.checks.claim_model import features

    from train_attribution_model import articles

    detector, engine = _detector()
    words = attribution_words(detector)
    found = []
    for article, annotation in sorted(articles(split).items()):
        path = split / "text" / f"{article}.txt"
        sourced = _sourced(annotation, len(path.read_text(encoding="utf-8")) + 1)
        for document in engine.documents([str(path)]):
            if not hasattr(document, "blocks"):
                continue
            story = detector.read(document)
            for index, facts in enumerate(story.sentences):
                if facts.quoted or facts.question:
                    continue
                claims = detector.claims(facts)
                if not claims and not _FIGURE.search(facts.sentence.text):
                    continue
                start, end = facts.block.source_span(*(min(claims)[0] if claims else
                                                       (facts.sentence.start, facts.sentence.end)))
                found.append((article, features(facts.sentence.text, [kind for _, kind in claims],
                                                facts.paragraph_start, index == 0, words),
                              sum(sourced[start:end]) >= 0.5 * max(1, end - start), not facts.attributions))
    return found


def fit(rows: list[list[str]], labels: np.ndarray, vocabulary: dict[str, int]) -> tuple[float, np.ndarray]:
    """Logistic regression by full-batch gradient descent with an L2 penalty (bias unpenalised)."""
    x = np.zeros((len(rows), len(vocabulary)))
    for i, row in enumerate(rows):
        for feature in row:
            if feature in vocabulary:
                x[i, vocabulary[feature]] = 1.0
    weights, bias = np.zeros(len(vocabulary)), 0.0
    for _ in range(STEPS):
        error = 1 / (1 + np.exp(-(x @ weights + bias))) - labels
        weights -= RATE * (x.T @ error + L2 * weights) / len(rows)
        bias -= RATE * error.mean()
    return bias, weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    split = args.shared / "corpus" / "polnear-train"
    if not split.exists():
        sys.exit(f"PolNeAR is not at {split}")
    found = examples(split)
    names = sorted({article for article, *_ in found})
    held = {name for i, name in enumerate(names) if i % HELD_OUT == HELD_OUT - 1}
    fitting = [(row, label) for article, row, label, _ in found if article not in held]
    testing = [(row, label) for article, row, label, _ in found if article in held]
    bare = np.array([is_bare for article, _, _, is_bare in found if article in held])
    counts: dict[str, int] = {}
    for row, _ in fitting:
        for feature in row:
            counts[feature] = counts.get(feature, 0) + 1
    vocabulary = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= MIN_COUNT))}
    bias, vector = fit([row for row, _ in fitting], np.array([label for _, label in fitting], dtype=float), vocabulary)
    weights = {f: round(float(vector[i]), 4) for f, i in vocabulary.items() if abs(vector[i]) >= 1e-4}
    p = np.array([1 / (1 + np.exp(-(bias + sum(weights.get(f, 0.0) for f in row)))) for row, _ in testing])
    gold = np.array([label for _, label in testing])
    threshold = float(gold[bare].mean())
    above = p >= threshold
    positives, negatives = p[gold], p[~gold]
    auc = float((positives[:, None] > negatives[None, :]).mean() +
                0.5 * (positives[:, None] == negatives[None, :]).mean())
    print(f"polnear-train: {len(found)} claim or figure sentences ({sum(label for *_, label in found)} sourced) in "
          f"{len(names)} articles; fitted on {len(fitting)}, held out {len(testing)} ({int(gold.sum())} sourced)")
    print(f"held out: AUC {auc:.3f}; threshold {threshold:.3f} (the rate of sourced ones among the {int(bare.sum())} "
          f"held-out sentences with no attribution in them) calls {int(above[bare].sum())} of those normally sourced: "
          f"{gold[bare & above].mean():.2f} of them sourced, {gold[bare & ~above].mean():.2f} of the rest")
    detector, _ = _detector()
    args.output.write_text(json.dumps({
        "bias": round(bias, 4), "threshold": round(threshold, 4),
        "attribution_words": sorted(attribution_words(detector)),
        "weights": dict(sorted(weights.items()))}, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({len(weights)} weights)")


if __name__ == "__main__":
    main()
