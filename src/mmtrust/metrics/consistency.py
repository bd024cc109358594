"""MM-R3 consistency metrics as pure functions (spec: mmr3.md).

Every item of MM-R3 is asked in several variants (rephrased questions, restyled images, masks of
different shapes); a model is consistent when it gives similar answers to all of them. Per item:

- Acc            = share of answers that contain a ground-truth string
- soft Acc       = share of answers whose best rapidfuzz ``token_set_ratio`` to a GT is >= 85
- SS_gt          = mean over answers of the best cosine similarity to a GT's embedding
- Consistency    = share of answer pairs whose embeddings have cosine similarity > 0.7
- SS             = mean cosine similarity over answer pairs
- exact-match    = share of answer pairs that are identical once normalised (for closed-form
  answers: letters, yes/no, numbers, where embedding similarity is the wrong tool)

Dataset level: Hmean = harmonic_mean((Acc + SS_gt) / 2, (Consistency + SS) / 2); the restyling
task uses soft Acc in place of Acc. All values are fractions in [0, 1] (the source scripts print
percentages; the harmonic mean is scale-equivariant, so nothing else changes).

A variant whose model call failed or whose reply could not be parsed is ``None``: it is left out
of every answer and pair and counted, never scored as a wrong or dissimilar answer.

Answers are prepared and matched against ground truths by ``metrics.answer_normalisation``.
Embeddings come from a caller-supplied ``embed`` function (``SentenceEmbedder`` in
``mmtrust.metrics.embedding`` for the real all-MiniLM-L6-v2), so this module needs no model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any

import numpy as np
import numpy.typing as npt

from mmtrust.metrics.answer_normalisation import (
    SOFT_ACCURACY_THRESHOLD,
    MMR3Task,
    check_ground_truths,
    check_task,
    normalise_answer,
    normalise_closed_form,
    soft_accuracy,
    substring_accuracy,
)

FloatArray = npt.NDArray[np.float64]
EmbedFn = Callable[[Sequence[str]], npt.ArrayLike]
"""Maps N texts to an (N, dim) array of embeddings (``SentenceEmbedder.embed`` fits)."""

CONSISTENCY_THRESHOLD = 0.7


def _valid_answers(answers: Sequence[str | None]) -> list[str]:
    if isinstance(answers, str):
        raise ValueError("answers must be a sequence of answers, not one string.")
    for answer in answers:
        if answer is not None and not isinstance(answer, str):
            raise ValueError(f"Answers must be strings or None, got {answer!r}.")
    return [answer for answer in answers if answer is not None]


def exact_match_consistency(answers: Sequence[str | None]) -> float | None:
    """Share of pairs of variant answers that are identical after ``normalise_closed_form``.

    ``None`` answers (failed or unparsed variants) are left out; with fewer than two answers
    left there is no pair and the value is None (undefined, not 0 or 1).
    """
    canonical = [normalise_closed_form(answer) for answer in _valid_answers(answers)]
    n = len(canonical)
    if n < 2:
        return None
    same = sum(canonical[i] == canonical[j] for i in range(n) for j in range(i + 1, n))
    return same / (n * (n - 1) // 2)


def closed_form_group_scores(
    groups: Sequence[tuple[str, Sequence[str | None]]],
) -> tuple[list[float], list[float]]:
    """Per (gold, extracted answers) group: the exact-match consistency of groups with a pair
    of answers, and the share of read answers equal to gold of groups with one. An unread
    answer (None) is left out of both, never counted as wrong or as disagreeing."""
    consistencies = [
        value for _, answers in groups if (value := exact_match_consistency(answers)) is not None
    ]
    read = [(gold, [a for a in answers if a is not None]) for gold, answers in groups]
    accuracies = [
        sum(a == gold for a in answers) / len(answers) for gold, answers in read if answers
    ]
    return consistencies, accuracies


def closed_form_means(
    groups: Sequence[tuple[str, Sequence[str | None]]],
) -> tuple[float | None, float | None]:
    """Item means of ``closed_form_group_scores``: (accuracy, exact-match consistency), None
    where no group counts."""
    consistencies, accuracies = closed_form_group_scores(groups)
    # fmean, not sum / len: the same last digits as results.json has always had
    return (
        fmean(accuracies) if accuracies else None,
        fmean(consistencies) if consistencies else None,
    )


def _unit_rows(vectors: npt.ArrayLike, name: str) -> FloatArray:
    """Rows scaled to unit length, so dot products are cosine similarities (embedders need not
    normalise); a non-2-D array, a non-finite value or a zero row is an error."""
    array = np.asarray(vectors, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n, dim), got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError(f"{name} contains a zero vector, whose cosine similarity is undefined.")
    unit: FloatArray = array / norms
    return unit


def pairwise_similarities(embeddings: npt.ArrayLike) -> FloatArray:
    """Cosine similarity of every pair (i < j) of rows, in the order (0,1), (0,2), ..., (1,2),
    ... — the order of the source scripts' columns. n rows give n(n-1)/2 values."""
    unit = _unit_rows(embeddings, "embeddings")
    rows, cols = np.triu_indices(unit.shape[0], k=1)
    similarities: FloatArray = np.einsum("ij,ij->i", unit[rows], unit[cols])
    return similarities


def _similarity_vector(similarities: npt.ArrayLike) -> FloatArray:
    array = np.asarray(similarities, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"similarities must be 1-D, got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError("similarities contain NaN or infinite values.")
    return array


def consistency(
    similarities: npt.ArrayLike, threshold: float = CONSISTENCY_THRESHOLD
) -> float | None:
    """Consistency: share of answer pairs whose similarity is strictly above ``threshold``.

    None without pairs: one answer can be neither consistent nor inconsistent.
    """
    array = _similarity_vector(similarities)
    return float(np.mean(array > threshold)) if array.size else None


def semantic_similarity(similarities: npt.ArrayLike) -> float | None:
    """SS: mean similarity over answer pairs (None without pairs). Unlike Consistency it also
    credits near misses and penalises wildly different answers more than mild ones."""
    array = _similarity_vector(similarities)
    return float(np.mean(array)) if array.size else None


def ss_gt(answer_embeddings: npt.ArrayLike, gt_embeddings: npt.ArrayLike) -> float | None:
    """SS_gt: mean over answers of the highest cosine similarity to any ground truth.

    A graded accuracy: "sofa" scores well against GT "couch" where Acc gives 0. None without
    answers; an empty GT array is an error.
    """
    answers = _unit_rows(answer_embeddings, "answer_embeddings")
    gts = _unit_rows(gt_embeddings, "gt_embeddings")
    if gts.shape[0] == 0:
        raise ValueError("gt_embeddings is empty: an item needs at least one ground truth.")
    if answers.shape[1] != gts.shape[1]:
        raise ValueError(
            f"Answer and GT embeddings differ in width: {answers.shape[1]} vs {gts.shape[1]}."
        )
    if answers.shape[0] == 0:
        return None
    return float(np.mean(np.max(answers @ gts.T, axis=1)))


def harmonic_mean(a: float, b: float) -> float:
    """Harmonic mean of two scores: 2ab / (a + b), dominated by the weaker one.

    A zero (or negative: a mean cosine similarity can dip below 0) component gives 0, as
    ``statistics.harmonic_mean`` gives for zeros, instead of dividing by zero or rewarding a
    negative score.
    """
    if not (np.isfinite(a) and np.isfinite(b)):
        raise ValueError(f"harmonic_mean needs finite values, got {a!r} and {b!r}.")
    if a <= 0 or b <= 0:
        return 0.0
    return 2 * a * b / (a + b)


def hmean(acc: float, ss_gt: float, consistency: float, ss: float) -> float:
    """Hmean = harmonic_mean((acc + ss_gt) / 2, (consistency + ss) / 2): one number that is
    high only when the model is both right and consistent.

    The restyling task passes soft accuracy as ``acc`` (scene and landmark names are often
    paraphrased or misspelt, so substring accuracy is too strict there).
    """
    return harmonic_mean((acc + ss_gt) / 2, (consistency + ss) / 2)


@dataclass(frozen=True)
class ConsistencyGroup:
    """One item: its ground truths and one answer per variant; ``None`` marks a variant whose
    model call failed or whose reply could not be parsed."""

    ground_truths: tuple[str, ...]
    answers: tuple[str | None, ...]

    def __post_init__(self) -> None:
        # Accept lists, store tuples: the dataclass is frozen and hashable.
        check_ground_truths(self.ground_truths)
        _valid_answers(self.answers)
        object.__setattr__(self, "ground_truths", tuple(self.ground_truths))
        object.__setattr__(self, "answers", tuple(self.answers))


@dataclass(frozen=True)
class GroupScores:
    """One item's metrics; a value is None where it is undefined (no answer, or no pair)."""

    n_variants: int
    n_missing: int
    accuracy: float | None
    soft_accuracy: float | None
    ss_gt: float | None
    consistency: float | None
    semantic_similarity: float | None
    exact_match_consistency: float | None

    @property
    def n_answers(self) -> int:
        return self.n_variants - self.n_missing

    @property
    def n_pairs(self) -> int:
        return self.n_answers * (self.n_answers - 1) // 2


def _mean_bool(values: Iterable[bool]) -> float | None:
    flags = list(values)
    return sum(flags) / len(flags) if flags else None


def _embedding_table(texts: Sequence[str], embed: EmbedFn) -> dict[str, FloatArray]:
    """Each distinct text's embedding, from ONE call to ``embed`` (batched, and repeated
    answers such as "kitchen" x 4 are embedded once)."""
    unique = list(dict.fromkeys(texts))
    if not unique:
        return {}
    vectors = np.asarray(embed(unique), dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] != len(unique):
        raise ValueError(
            f"embed returned shape {vectors.shape} for {len(unique)} texts; "
            "expected (number of texts, dim)."
        )
    return {text: vectors[i] for i, text in enumerate(unique)}


def _stack(table: dict[str, FloatArray], texts: Sequence[str], width: int) -> FloatArray:
    if not texts:
        return np.zeros((0, width))
    return np.stack([table[text] for text in texts])


def score_groups(
    groups: Sequence[ConsistencyGroup],
    embed: EmbedFn,
    task: str,
    *,
    consistency_threshold: float = CONSISTENCY_THRESHOLD,
    soft_threshold: float = SOFT_ACCURACY_THRESHOLD,
) -> list[GroupScores]:
    """Per-item metrics. Answers are normalised for ``task``; GTs are lower-cased."""
    checked_task = check_task(task)
    if not 0 <= soft_threshold <= 100:
        raise ValueError(f"soft_threshold={soft_threshold} must lie in [0, 100].")
    if not -1 <= consistency_threshold <= 1:
        raise ValueError(f"consistency_threshold={consistency_threshold} must lie in [-1, 1].")
    for group in groups:
        if not isinstance(group, ConsistencyGroup):
            raise ValueError(f"Expected ConsistencyGroup items, got {type(group).__name__}.")
    normalised = [
        [normalise_answer(a, checked_task) for a in _valid_answers(g.answers)] for g in groups
    ]
    gts = [check_ground_truths(g.ground_truths) for g in groups]
    table = _embedding_table([t for texts in (*normalised, *gts) for t in texts], embed)
    width = next(iter(table.values())).shape[0] if table else 0
    return [
        _score_group(group, answers, group_gts, table, width, consistency_threshold, soft_threshold)
        for group, answers, group_gts in zip(groups, normalised, gts, strict=True)
    ]


def _score_group(
    group: ConsistencyGroup,
    answers: list[str],
    gts: list[str],
    table: dict[str, FloatArray],
    width: int,
    consistency_threshold: float,
    soft_threshold: float,
) -> GroupScores:
    answer_vectors = _stack(table, answers, width)
    similarities = pairwise_similarities(answer_vectors) if answers else np.zeros(0)
    return GroupScores(
        n_variants=len(group.answers),
        n_missing=len(group.answers) - len(answers),
        accuracy=_mean_bool(substring_accuracy(a, gts) for a in answers),
        soft_accuracy=_mean_bool(soft_accuracy(a, gts, soft_threshold) for a in answers),
        ss_gt=ss_gt(answer_vectors, _stack(table, gts, width)) if answers else None,
        consistency=consistency(similarities, consistency_threshold),
        semantic_similarity=semantic_similarity(similarities),
        exact_match_consistency=exact_match_consistency(group.answers),
    )


def _mean_defined(values: Iterable[float | None]) -> float | None:
    defined = [value for value in values if value is not None]
    return float(np.mean(defined)) if defined else None


@dataclass(frozen=True)
class ConsistencySummary:
    """Dataset-level MM-R3 metrics with the counts behind them.

    Each metric is the mean over items of the item's value, skipping items where it is
    undefined (Acc, soft Acc, SS_gt: items with no answer; Consistency, SS, exact match: items
    with fewer than two answers). ``hmean`` is computed from these dataset-level means.
    """

    task: MMR3Task
    n_groups: int
    n_groups_answered: int
    n_groups_paired: int
    n_answers: int
    n_missing_answers: int
    n_pairs: int
    accuracy: float | None
    soft_accuracy: float | None
    ss_gt: float | None
    consistency: float | None
    semantic_similarity: float | None
    exact_match_consistency: float | None
    hmean: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "n_groups": self.n_groups,
            "n_groups_answered": self.n_groups_answered,
            "n_groups_paired": self.n_groups_paired,
            "n_answers": self.n_answers,
            "n_missing_answers": self.n_missing_answers,
            "n_pairs": self.n_pairs,
            "accuracy": self.accuracy,
            "soft_accuracy": self.soft_accuracy,
            "ss_gt": self.ss_gt,
            "consistency": self.consistency,
            "semantic_similarity": self.semantic_similarity,
            "exact_match_consistency": self.exact_match_consistency,
            "hmean": self.hmean,
        }


def _hmean_if_defined(
    acc: float | None, gt_similarity: float | None, consistent: float | None, ss: float | None
) -> float | None:
    if acc is None or gt_similarity is None or consistent is None or ss is None:
        return None
    return hmean(acc, gt_similarity, consistent, ss)


def summarise(scores: Sequence[GroupScores], task: str) -> ConsistencySummary:
    """Dataset-level metrics: means over items (see ``ConsistencySummary``).

    Why item means: the source scripts take ``np.mean`` over an (items x variants) or
    (items x pairs) array with every variant present, which is at once the per-answer (or
    per-pair) pool and the mean of item means. With failed variants left out the two differ;
    the item mean keeps every item's weight equal, as in the scripts, instead of letting items
    with more surviving answers (or quadratically more pairs) count more.
    """
    checked_task = check_task(task)
    accuracy = _mean_defined(s.accuracy for s in scores)
    soft = _mean_defined(s.soft_accuracy for s in scores)
    gt_similarity = _mean_defined(s.ss_gt for s in scores)
    consistent = _mean_defined(s.consistency for s in scores)
    similarity = _mean_defined(s.semantic_similarity for s in scores)
    # Restyling answers name scenes and landmarks, often paraphrased: the spec scores them with
    # soft accuracy in the Hmean.
    hmean_accuracy = soft if checked_task == "restyling" else accuracy
    return ConsistencySummary(
        task=checked_task,
        n_groups=len(scores),
        n_groups_answered=sum(s.n_answers > 0 for s in scores),
        n_groups_paired=sum(s.n_answers > 1 for s in scores),
        n_answers=sum(s.n_answers for s in scores),
        n_missing_answers=sum(s.n_missing for s in scores),
        n_pairs=sum(s.n_pairs for s in scores),
        accuracy=accuracy,
        soft_accuracy=soft,
        ss_gt=gt_similarity,
        consistency=consistent,
        semantic_similarity=similarity,
        exact_match_consistency=_mean_defined(s.exact_match_consistency for s in scores),
        hmean=_hmean_if_defined(hmean_accuracy, gt_similarity, consistent, similarity),
    )


def summarise_groups(
    groups: Sequence[ConsistencyGroup],
    embed: EmbedFn,
    task: str,
    *,
    consistency_threshold: float = CONSISTENCY_THRESHOLD,
    soft_threshold: float = SOFT_ACCURACY_THRESHOLD,
) -> ConsistencySummary:
    """``score_groups`` then ``summarise``: the dataset-level metrics of MM-R3 item groups."""
    scores = score_groups(
        groups,
        embed,
        task,
        consistency_threshold=consistency_threshold,
        soft_threshold=soft_threshold,
    )
    return summarise(scores, task)
