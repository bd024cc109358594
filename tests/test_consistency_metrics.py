"""MM-R3 consistency metrics against hand-computed values, and the real MiniLM embedder."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from mmtrust.metrics.answer_normalisation import (
    normalise_answer,
    normalise_closed_form,
    soft_accuracy,
    substring_accuracy,
)
from mmtrust.metrics.consistency import (
    ConsistencyGroup,
    consistency,
    exact_match_consistency,
    harmonic_mean,
    hmean,
    pairwise_similarities,
    score_groups,
    semantic_similarity,
    ss_gt,
    summarise_groups,
)
from mmtrust.metrics.embedding import (
    EMBEDDING_DIM,
    MODEL_PACKAGE,
    EmbeddingModelUnavailable,
    SentenceEmbedder,
)

E1 = (1.0, 0.0)
E2 = (0.0, 1.0)
DIAGONAL = (math.sqrt(0.5), math.sqrt(0.5))  # cos 45 degrees = 0.70711 to both E1 and E2
SLANT = (0.6, 0.8)  # cosine 0.6 to E1, 0.8 to E2


# --- normalisation -------------------------------------------------------------------------


def test_generic_normalisation_lowercases_and_drops_end_marker() -> None:
    assert normalise_answer("Kitchen</s>", "rephrasing") == "kitchen"
    # Only the generic part for non-masking tasks: punctuation and filler words stay.
    assert normalise_answer("  The Eiffel Tower.</s> ", "restyling") == "the eiffel tower."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # "." goes, "in the masked region" goes, "there is " goes; the leading "a " is kept
        # because the spec only replaces " a " (with spaces on both sides).
        ("There is a dog in the masked region.", "a dog"),
        # "</s>", ".", "the masked region", "contains ", then " a " -> " ".
        ("The masked region contains a cat.</s>", "cat"),
        # ",", ".", "the " x2, "in ", "of ", "image" x2, " a " -> " ": what is left is the object.
        # "tennis" keeps its "is " (the script's plain replace would make it "tenn").
        (
            "The image shows a tennis racket, in the center of the image.",
            "shows tennis racket center",
        ),
        # " an " -> " "; "is " goes as a word but not inside "this".
        ("This is an apple", "this apple"),
        # "image" only as a word: "images" stays.
        ("Images of a cabin", "images cabin"),
    ],
)
def test_masking_normalisation_on_spec_phrases(raw: str, expected: str) -> None:
    assert normalise_answer(raw, "masking") == expected


def test_unknown_task_is_an_error() -> None:
    with pytest.raises(ValueError, match="Unknown MM-R3 task"):
        normalise_answer("cat", "context")


# --- accuracy ------------------------------------------------------------------------------


def test_substring_accuracy() -> None:
    assert substring_accuracy("a wooden kitchen", ["kitchen"])
    assert substring_accuracy("a wooden kitchen", ["Kitchen"])  # GTs are lower-cased too
    assert substring_accuracy("a wooden kitchen", ["bathroom", "kitchen"])  # any GT counts
    assert not substring_accuracy("a wooden kitchen", ["bathroom"])


@pytest.mark.parametrize("ground_truths", [[], [""], ["  "], "kitchen"])
def test_accuracy_rejects_missing_or_blank_ground_truths(ground_truths: list[str]) -> None:
    with pytest.raises(ValueError):
        substring_accuracy("kitchen", ground_truths)


def test_soft_accuracy_just_over_threshold() -> None:
    # One token each, so token_set_ratio is the plain ratio 2 * matches / (len_a + len_b):
    # "aquari" is a prefix of "aquarium": 2 * 6 / (6 + 8) = 85.71 >= 85.
    assert soft_accuracy("aquari", ["aquarium"])


def test_soft_accuracy_just_under_threshold() -> None:
    # Shared token "art", then "art gall" vs "art gallery": 2 * 8 / (8 + 11) = 84.21 < 85
    # (and "art" alone scores lower).
    assert not soft_accuracy("art gall", ["art gallery"])
    assert soft_accuracy("art gall", ["art gallery"], threshold=84)
    # The best GT counts.
    assert soft_accuracy("art gall", ["museum", "art gall"])


def test_soft_accuracy_ignores_punctuation_like_fuzzywuzzy() -> None:
    # Without default_process "kitchen." vs "kitchen" is 2 * 7 / 15 = 93.3; with it, 100.
    # "a kitchen." vs "kitchen": tokens {a, kitchen} vs {kitchen}: intersection = "kitchen" -> 100.
    assert soft_accuracy("a kitchen.", ["kitchen"])
    assert not soft_accuracy("bathroom", ["kitchen"])


# --- exact-match consistency ---------------------------------------------------------------


def test_closed_form_normalisation() -> None:
    assert normalise_closed_form("(B).") == "b"
    assert normalise_closed_form("Yes.</s>") == "yes"
    assert normalise_closed_form("1,000") == "1000"
    assert normalise_closed_form("3.50") == "3.5"
    assert normalise_closed_form("-0.0") == "0"


def test_exact_match_consistency() -> None:
    # a, a, a, b: 6 pairs, the 3 among the a's agree -> 3/6.
    assert exact_match_consistency(["A", "a.", "(A)", "B"]) == 0.5
    # 3, 3, 1000, 1000: pairs (3,3) and (1000,1000) agree out of 6 -> 1/3.
    assert exact_match_consistency(["3", "3.0", "1,000", "1000"]) == pytest.approx(1 / 3)
    # The None is left out: one pair (yes, yes) -> 1.
    assert exact_match_consistency(["Yes", None, "yes."]) == 1.0


def test_exact_match_consistency_needs_two_answers() -> None:
    assert exact_match_consistency(["yes", None]) is None
    assert exact_match_consistency([]) is None
    with pytest.raises(ValueError):
        exact_match_consistency("yes")  # a bare string, not a list of answers


# --- embedding-based metrics on hand-made vectors ------------------------------------------


def test_pairwise_similarities_in_pair_order() -> None:
    # Pairs (E1,E2) = 0, (E1,DIAG) = 0.70711, (E2,DIAG) = 0.70711.
    sims = pairwise_similarities([E1, E2, DIAGONAL])
    assert sims == pytest.approx([0.0, math.sqrt(0.5), math.sqrt(0.5)])
    # Cosine similarity: lengths do not matter.
    assert pairwise_similarities([(2.0, 0.0), (3.0, 3.0)]) == pytest.approx([math.sqrt(0.5)])
    assert pairwise_similarities([E1]).shape == (0,)


def test_pairwise_similarities_validates_input() -> None:
    with pytest.raises(ValueError, match="2-D"):
        pairwise_similarities([1.0, 0.0])
    with pytest.raises(ValueError, match="zero vector"):
        pairwise_similarities([E1, (0.0, 0.0)])
    with pytest.raises(ValueError, match="NaN"):
        pairwise_similarities([E1, (math.nan, 1.0)])


def test_consistency_and_semantic_similarity() -> None:
    sims = [0.0, math.sqrt(0.5), math.sqrt(0.5)]
    # Two of three pairs above 0.7 -> 2/3.
    assert consistency(sims) == pytest.approx(2 / 3)
    # (0 + 0.70711 + 0.70711) / 3 = 0.47140.
    assert semantic_similarity(sims) == pytest.approx(2 * math.sqrt(0.5) / 3)
    # Strictly above the threshold: 0.7 itself does not count -> 1/2.
    assert consistency([0.7, 0.71]) == 0.5
    assert consistency([0.7, 0.71], threshold=0.75) == 0.0


def test_pair_metrics_without_pairs_are_undefined() -> None:
    assert consistency([]) is None
    assert semantic_similarity([]) is None


def test_ss_gt_takes_best_gt_per_answer() -> None:
    # Answer E1: max(cos to E1 = 1, to E2 = 0) = 1; answer SLANT: max(0.6, 0.8) = 0.8.
    # Mean over answers: (1 + 0.8) / 2 = 0.9.
    assert ss_gt([E1, SLANT], [E1, E2]) == pytest.approx(0.9)
    assert ss_gt(np.zeros((0, 2)), [E1]) is None
    with pytest.raises(ValueError, match="at least one ground truth"):
        ss_gt([E1], np.zeros((0, 2)))
    with pytest.raises(ValueError, match="width"):
        ss_gt([E1], [(1.0, 0.0, 0.0)])


def test_harmonic_mean() -> None:
    assert harmonic_mean(0.5, 1.0) == pytest.approx(2 / 3)  # 2 * 0.5 * 1 / 1.5
    assert harmonic_mean(0.8, 0.8) == pytest.approx(0.8)
    assert harmonic_mean(0.0, 1.0) == 0.0
    assert harmonic_mean(0.0, 0.0) == 0.0  # no division by zero
    assert harmonic_mean(-0.1, 1.0) == 0.0
    with pytest.raises(ValueError):
        harmonic_mean(math.nan, 1.0)


def test_hmean() -> None:
    # hm((0.5 + 0.7) / 2, (1.0 + 0.8) / 2) = hm(0.6, 0.9) = 2 * 0.54 / 1.5 = 0.72.
    assert hmean(0.5, 0.7, 1.0, 0.8) == pytest.approx(0.72)
    # Right but never consistent: hm(1, 0) = 0.
    assert hmean(1.0, 1.0, 0.0, 0.0) == 0.0


# --- group aggregation with a fake embedder ------------------------------------------------


class FakeEmbed:
    """Hand-made vectors for known (normalised) texts; records every call."""

    def __init__(self, table: dict[str, tuple[float, float]]) -> None:
        self.table = table
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        self.calls.append(list(texts))
        return np.array([self.table[text] for text in texts])


ROOMS = FakeEmbed({"kitchen": E1, "kitchen.": E1, "bathroom": SLANT, "bedroom": E2, "office": E2})
GROUPS = [
    # Three answers and one failed variant.
    ConsistencyGroup(("kitchen",), ("Kitchen", "kitchen.", "bathroom", None)),
    # One answer: accuracy defined, pair metrics not.
    ConsistencyGroup(("bedroom",), (None, None, "bedroom", None)),
    # No answer at all: counted, scored nowhere.
    ConsistencyGroup(("office",), (None, None)),
]


def test_score_groups_by_hand() -> None:
    first, second, third = score_groups(GROUPS, ROOMS, "rephrasing")
    # Normalised answers: kitchen, kitchen., bathroom.
    assert (first.n_variants, first.n_missing, first.n_answers, first.n_pairs) == (4, 1, 3, 3)
    assert first.accuracy == pytest.approx(2 / 3)  # "bathroom" lacks "kitchen"
    assert first.soft_accuracy == pytest.approx(2 / 3)  # 100, 100, 26.7
    assert first.ss_gt == pytest.approx((1 + 1 + 0.6) / 3)  # E1, E1, SLANT against E1
    # Pairs: (kitchen, kitchen.) = 1, (kitchen, bathroom) = 0.6, (kitchen., bathroom) = 0.6.
    assert first.consistency == pytest.approx(1 / 3)
    assert first.semantic_similarity == pytest.approx((1 + 0.6 + 0.6) / 3)
    assert first.exact_match_consistency == pytest.approx(1 / 3)  # kitchen == kitchen only
    assert (second.accuracy, second.soft_accuracy) == (1.0, 1.0)
    assert second.ss_gt == pytest.approx(1.0)
    assert second.consistency is second.semantic_similarity is None
    assert second.exact_match_consistency is None
    assert (third.n_answers, third.n_missing) == (0, 2)
    assert third.accuracy is third.ss_gt is third.consistency is None


def test_summary_means_over_groups_and_counts_missing() -> None:
    summary = summarise_groups(GROUPS, ROOMS, "rephrasing")
    assert (summary.n_groups, summary.n_groups_answered, summary.n_groups_paired) == (3, 2, 1)
    assert (summary.n_answers, summary.n_missing_answers, summary.n_pairs) == (4, 6, 3)
    # Means over the groups where a value is defined.
    acc = (2 / 3 + 1) / 2  # 0.8333
    gt_sim = (2.6 / 3 + 1) / 2  # 0.9333
    consistent, ss = 1 / 3, 2.2 / 3  # only the first group has pairs
    assert summary.accuracy == pytest.approx(acc)
    assert summary.soft_accuracy == pytest.approx(acc)
    assert summary.ss_gt == pytest.approx(gt_sim)
    assert summary.consistency == pytest.approx(consistent)
    assert summary.semantic_similarity == pytest.approx(ss)
    assert summary.exact_match_consistency == pytest.approx(1 / 3)
    # hm(0.88333, 0.53333) = 2 * 0.88333 * 0.53333 / 1.41667 = 0.66510.
    assert summary.hmean == pytest.approx(0.66510, abs=1e-5)
    assert summary.as_dict()["n_missing_answers"] == 6


def test_embed_is_called_once_with_distinct_texts() -> None:
    embed = FakeEmbed({"kitchen": E1, "kitchen.": E1, "bathroom": SLANT, "bedroom": E2})
    score_groups(GROUPS[:2], embed, "rephrasing")
    # Answers then GTs, each text once ("kitchen" is both an answer and a GT).
    assert embed.calls == [["kitchen", "kitchen.", "bathroom", "bedroom"]]


def test_no_answers_at_all_needs_no_embedding() -> None:
    embed = FakeEmbed({"office": E2})
    summary = summarise_groups([GROUPS[2]], embed, "masking")
    assert summary.accuracy is None and summary.hmean is None
    assert embed.calls == [["office"]]  # only the GT


def test_restyling_hmean_uses_soft_accuracy() -> None:
    groups = [ConsistencyGroup(("aquarium",), ("aquari", "aquarium"))]
    embed = FakeEmbed({"aquari": E1, "aquarium": E1})
    # Acc = 1/2 (only "aquarium" contains the GT), soft Acc = 1 (85.71 and 100);
    # SS_gt = Consistency = SS = 1.
    restyled = summarise_groups(groups, embed, "restyling")
    rephrased = summarise_groups(groups, embed, "rephrasing")
    assert (restyled.accuracy, restyled.soft_accuracy) == (0.5, 1.0)
    assert restyled.hmean == pytest.approx(1.0)  # hm((1 + 1) / 2, (1 + 1) / 2)
    assert rephrased.hmean == pytest.approx(6 / 7)  # hm(0.75, 1) = 1.5 / 1.75


def test_masking_answers_are_normalised_before_scoring() -> None:
    groups = [ConsistencyGroup(("dog",), ("There is a dog in the masked region.", "Dog."))]
    embed = FakeEmbed({"a dog": E1, "dog": E1})
    (scores,) = score_groups(groups, embed, "masking")
    assert scores.accuracy == 1.0 and scores.consistency == 1.0


def test_group_and_embed_validation() -> None:
    with pytest.raises(ValueError, match="at least one ground-truth"):
        ConsistencyGroup((), ("kitchen",))
    with pytest.raises(ValueError, match="strings or None"):
        ConsistencyGroup(("kitchen",), ("kitchen", 3))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="embed returned shape"):
        score_groups(GROUPS[:1], lambda texts: np.zeros((1, 2)), "rephrasing")
    with pytest.raises(ValueError, match="soft_threshold"):
        score_groups(GROUPS, ROOMS, "rephrasing", soft_threshold=850)
    with pytest.raises(ValueError, match="Unknown MM-R3 task"):
        score_groups(GROUPS, ROOMS, "restyle")


def test_group_accepts_lists_and_stores_tuples() -> None:
    group = ConsistencyGroup(["kitchen"], ["kitchen", None])  # type: ignore[arg-type]
    assert group.ground_truths == ("kitchen",) and group.answers == ("kitchen", None)


# --- the real all-MiniLM-L6-v2 -------------------------------------------------------------


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return SentenceEmbedder()


def test_real_embedder_shape_and_norm(embedder: SentenceEmbedder) -> None:
    vectors = embedder.embed(["a red circle", "a red ring", "the stock market fell"])
    assert vectors.shape == (3, EMBEDDING_DIM) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx(np.ones(3), abs=1e-5)
    assert embedder.embed([]).shape == (0, EMBEDDING_DIM)


def test_real_embedder_similarity_ranks_meaning(embedder: SentenceEmbedder) -> None:
    circle, ring, market = embedder.embed(["a red circle", "a red ring", "the stock market fell"])
    assert float(circle @ ring) > float(circle @ market)
    same = pairwise_similarities(embedder.embed(["a red circle", "a red circle"]))
    assert same == pytest.approx([1.0], abs=1e-5)


def test_real_embedder_is_deterministic(embedder: SentenceEmbedder) -> None:
    texts = ["kitchen", "a cosy kitchen with a table"]
    first = embedder.embed(texts)
    assert np.array_equal(first, embedder.embed(texts))
    # Another instance shares the cached model; one text per batch (no padding) only moves
    # the vectors by float rounding.
    assert np.allclose(first, SentenceEmbedder(batch_size=1).embed(texts), atol=1e-5)


def test_real_embedder_in_the_aggregator(embedder: SentenceEmbedder) -> None:
    groups = [ConsistencyGroup(("kitchen",), ("Kitchen.", "a kitchen", None))]
    summary = summarise_groups(groups, embedder, "rephrasing")
    assert summary.accuracy == 1.0 and summary.consistency == 1.0
    assert summary.ss_gt is not None and summary.ss_gt > 0.8


def test_missing_weights_name_the_package(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelUnavailable, match=MODEL_PACKAGE):
        SentenceEmbedder(tmp_path).embed(["text"])


def test_embed_rejects_a_bare_string(embedder: SentenceEmbedder) -> None:
    with pytest.raises(ValueError, match="sequence of texts"):
        embedder.embed("a red circle")
