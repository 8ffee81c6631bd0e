"""Linear models fitted on data, in numpy: a listwise sentence ranker and a logistic
classifier, with k-fold cross-validation.

Both standardise their features (mean and scale stored with the weights), so a weight
says how much one standard deviation of a feature moves the score. The ranker maximises
the likelihood, under a softmax over one query's candidates, of the candidates graded as
answers (each weighted by its gain, 2^grade - 1); the classifier is L2-regularised
logistic regression with classes weighted to balance. Weights are read from and written
to small JSON files; nothing here is tuned by hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ITERATIONS = 400
# Standardised features are clipped to this many standard deviations when scoring: a
# query far outside what the model was fitted on (a word typed 100 times) must not be
# extrapolated to an absurd score.
CLIP = 4.0
LEARNING_RATE = 0.05


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Standardised features times weights, plus a bias."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float = 0.0

    def score(self, rows: np.ndarray) -> np.ndarray:
        """One score per row (rows in the order of :attr:`features`)."""
        if len(rows) == 0:
            return np.zeros(0)
        standard = np.clip((rows - self.mean) / self.scale, -CLIP, CLIP)
        scores: np.ndarray = standard @ self.weights + self.bias
        return scores

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """The logistic of the score (for a classifier)."""
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-self.score(rows)))
        return probabilities

    def as_json(self) -> dict[str, Any]:
        """The model as plain JSON (rounded: the file stays small and diffs read)."""
        return {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [round(float(v), 6) for v in self.weights],
            "bias": round(float(self.bias), 6),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        """A model from :meth:`as_json`'s output."""
        return cls(
            tuple(data["features"]),
            np.asarray(data["mean"], dtype=float),
            np.asarray(data["scale"], dtype=float),
            np.asarray(data["weights"], dtype=float),
            float(data.get("bias", 0.0)),
        )


@dataclass(frozen=True, slots=True)
class Group:
    """One query's candidates: their feature rows and gains (0 for a non-answer)."""

    rows: np.ndarray
    gains: np.ndarray
    # How much this query counts in the fit, against the others.
    weight: float = 1.0


def _standardiser(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    return mean, np.where(scale > 1e-9, scale, 1.0)


def _adam(gradient: Callable[[np.ndarray], np.ndarray], size: int) -> np.ndarray:
    """Full-batch Adam from zero: deterministic, and ample for a few dozen weights."""
    theta = np.zeros(size)
    first = np.zeros(size)
    second = np.zeros(size)
    for step in range(1, ITERATIONS + 1):
        grad = gradient(theta)
        first = 0.9 * first + 0.1 * grad
        second = 0.999 * second + 0.001 * grad**2
        corrected = first / (1 - 0.9**step)
        theta -= LEARNING_RATE * corrected / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return theta


def fit_ranker(features: Sequence[str], groups: Sequence[Group], l2: float) -> LinearModel:
    """A listwise ranker: per query, softmax over its candidates; the loss is minus the
    log of the probability mass on its answers, each answer weighted by its gain."""
    usable = [g for g in groups if len(g.rows) and g.gains.sum() > 0]
    mean, scale = _standardiser(np.vstack([g.rows for g in usable]))
    data = [((g.rows - mean) / scale, g.gains / g.gains.sum(), g.weight) for g in usable]
    mass = sum(g.weight for g in usable)

    def gradient(w: np.ndarray) -> np.ndarray:
        total = l2 * w
        for rows, target, weight in data:
            scores = rows @ w
            p = np.exp(scores - scores.max())
            p /= p.sum()
            total = total + weight * (rows.T @ (p - target)) / mass
        return total

    weights = _adam(gradient, len(features))
    return LinearModel(tuple(features), mean, scale, weights)


def fit_classifier(
    features: Sequence[str], rows: np.ndarray, labels: np.ndarray, l2: float
) -> LinearModel:
    """L2-regularised logistic regression, the two classes weighted to count equally."""
    mean, scale = _standardiser(rows)
    x = np.hstack([(rows - mean) / scale, np.ones((len(rows), 1))])
    positives = max(int(labels.sum()), 1)
    negatives = max(len(labels) - positives, 1)
    weight = np.where(labels > 0, 0.5 / positives, 0.5 / negatives)

    def gradient(theta: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-(x @ theta)))
        penalty = l2 * np.append(theta[:-1], 0.0)
        step: np.ndarray = x.T @ (weight * (p - labels)) + penalty
        return step

    theta = _adam(gradient, x.shape[1])
    return LinearModel(tuple(features), mean, scale, theta[:-1], float(theta[-1]))


# Folds of every cross-validation, and the regularisation strengths tried.
FOLDS = 5
L2_GRID = (0.001, 0.01, 0.03, 0.1, 0.3)


def folds(count: int, k: int, seed: int = 0) -> list[np.ndarray]:
    """``k`` disjoint test folds covering ``range(count)``, shuffled with a fixed seed."""
    order = np.random.default_rng(seed).permutation(count)
    return [order[i::k] for i in range(k)]


def save_models(path: Path, models: dict[str, LinearModel], report: dict[str, Any]) -> None:
    """Write named models and the cross-validation report that chose them."""
    data = {"models": {name: m.as_json() for name, m in models.items()}, "report": report}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def load_models(path: Path) -> dict[str, LinearModel]:
    """The named models of a file written by :func:`save_models`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: LinearModel.from_json(m) for name, m in data["models"].items()}
