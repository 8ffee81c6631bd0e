"""The linear models: fitting recovers what data says, scoring is bounded, files round-trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.linear import (
    CLIP,
    Group,
    LinearModel,
    fit_classifier,
    fit_ranker,
    folds,
    load_models,
    save_models,
)


def _groups(seed: int, count: int = 40) -> list[Group]:
    """Queries of 12 candidates each: the answer is the one with the highest `signal`;
    `noise` says nothing."""
    rng = np.random.default_rng(seed)
    groups = []
    for _ in range(count):
        signal = rng.normal(size=12)
        noise = rng.normal(size=12)
        gains = np.zeros(12)
        gains[int(np.argmax(signal))] = 3.0
        groups.append(Group(np.column_stack([signal, noise]), gains))
    return groups


def test_the_ranker_learns_which_feature_finds_the_answer() -> None:
    model = fit_ranker(("signal", "noise"), _groups(0), l2=0.01)
    assert model.weights[0] > 1.0
    assert abs(model.weights[1]) < 0.3 * model.weights[0]
    held_out = _groups(1, 20)
    top = [int(np.argmax(model.score(g.rows))) == int(np.argmax(g.gains)) for g in held_out]
    assert sum(top) == len(top)


def test_a_query_weighted_zero_does_not_move_the_fit() -> None:
    groups = _groups(3, 20)
    misleading = [Group(g.rows[:, ::-1], g.gains, weight=0.0) for g in _groups(4, 20)]
    alone = fit_ranker(("signal", "noise"), groups, l2=0.01)
    with_them = fit_ranker(("signal", "noise"), [*groups, *misleading], l2=0.01)
    # Only the standardisation sees them (their rows join the mean and scale).
    assert np.allclose(alone.weights * alone.scale, with_them.weights * with_them.scale, atol=0.05)
    halved = fit_ranker(
        ("signal", "noise"), [*groups, *(Group(g.rows, g.gains, 0.5) for g in misleading)], l2=0.01
    )
    assert halved.weights[0] < with_them.weights[0], "a weighted query pulls the fit its way"


def test_the_ranker_ignores_queries_without_an_answer() -> None:
    groups = [*_groups(2, 10), Group(np.zeros((5, 2)), np.zeros(5))]
    assert np.all(np.isfinite(fit_ranker(("signal", "noise"), groups, l2=0.1).weights))


def test_the_classifier_separates_and_weighs_the_classes_equally() -> None:
    rng = np.random.default_rng(3)
    positives = rng.normal(2.0, 1.0, size=(90, 1))
    negatives = rng.normal(-2.0, 1.0, size=(10, 1))  # the rarer class still counts half
    rows = np.vstack([positives, negatives])
    labels = np.concatenate([np.ones(90), np.zeros(10)])
    model = fit_classifier(("x",), rows, labels, l2=0.01)
    assert model.probability(np.array([[2.0]]))[0] > 0.9
    assert model.probability(np.array([[-2.0]]))[0] < 0.1
    assert 0.3 < model.probability(np.array([[0.0]]))[0] < 0.7


def test_scores_are_clipped_far_outside_the_fitted_range() -> None:
    model = LinearModel(("x",), np.zeros(1), np.ones(1), np.ones(1), 0.0)
    assert model.score(np.array([[1e9]]))[0] == CLIP
    assert model.score(np.zeros((0, 1))).shape == (0,)


def test_folds_partition_every_index_once() -> None:
    parts = folds(23, 5)
    joined = np.sort(np.concatenate(parts))
    assert np.array_equal(joined, np.arange(23))
    assert [len(p) for p in parts] == [5, 5, 5, 4, 4]
    assert all(np.array_equal(a, b) for a, b in zip(parts, folds(23, 5), strict=True))


def test_models_round_trip_through_their_file(tmp_path: Path) -> None:
    model = fit_ranker(("signal", "noise"), _groups(4, 10), l2=0.1)
    path = tmp_path / "models.json"
    save_models(path, {"hybrid": model}, {"all": {"answer@1": 1.0}})
    again = load_models(path)["hybrid"]
    rows = _groups(5, 1)[0].rows
    assert again.features == model.features
    assert np.allclose(again.score(rows), model.score(rows), atol=1e-4)
