"""Test-time consistency adaptation (MM-R3 mitigation): pseudo-labels, the loss, and that a group's
adaptation trains only lm_head and leaves the model bit-identical, on the reference model."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from mmtrust.benchmarks.consistency.adaptation import (
    AdaptationSettings,
    adapt_and_answer,
    answer_features,
    answer_similarity,
    answer_token_ids,
    cluster_answers,
    clustering_keys,
    installed_head,
    nonempty_clusters,
    pairwise_term,
    pseudo_label_index,
    pseudo_label_nll,
    train_head,
)
from mmtrust.benchmarks.consistency.adaptation_eval import evaluate_adaptation, variant_requests
from mmtrust.benchmarks.consistency.groups import rephrasing_groups
from mmtrust.cli import main
from mmtrust.datasets.schema import ItemMetadata
from mmtrust.reference import reference_model_dir

# --- clustering and pseudo-label ------------------------------------------------------------


def test_majority_answer_is_the_pseudo_label() -> None:
    assert cluster_answers(["B", "A", "A"]) == [[0], [1, 2]]
    assert pseudo_label_index(["B", "A", "A"]) == 1


def test_tie_goes_to_the_cluster_started_first() -> None:
    answers = ["No", "Yes", "Yes", "No"]
    assert cluster_answers(answers) == [[0, 3], [1, 2]]
    assert pseudo_label_index(answers) == 0
    assert pseudo_label_index(["red", "blue", "green"]) == 0  # all singletons


def test_near_duplicates_at_the_threshold() -> None:
    base = "a" * 20
    three_edits = "a" * 17 + "bbb"  # similarity 1 - 3/20 = 0.85: joins
    four_edits = "a" * 16 + "bbbb"  # 0.80: its own cluster
    assert answer_similarity(base, three_edits) == pytest.approx(0.85)
    assert cluster_answers([base, three_edits, four_edits]) == [[0, 1], [2]]
    assert cluster_answers([base, four_edits], threshold=0.8) == [[0, 1]]


def test_clusters_compare_with_their_first_member_only() -> None:
    # the third answer is 3 edits from the second but 6 from the first: no chaining
    first, second, third = "a" * 20, "a" * 17 + "bbb", "a" * 14 + "bbbbbb"
    assert answer_similarity(second, third) == pytest.approx(0.85)
    assert cluster_answers([first, second, third]) == [[0, 1], [2]]


def test_near_identical_replies_cluster_together() -> None:
    replies = ["triangle: red. Answer: red", "triangle: red. Answer: red.", "circle: blue"]
    assert cluster_answers(replies) == [[0, 1], [2]]


def test_clustering_uses_extracted_answers_else_the_reply() -> None:
    replies = ["shape: X. Answer: A", "the answer is A", "I cannot tell"]
    assert clustering_keys(replies, ["A", "A", None]) == ["A", "A", "I cannot tell"]


def test_empty_replies_join_no_cluster_and_cannot_become_the_label() -> None:
    """Three empty replies outnumber two agreeing ones, yet the label is a real reply."""
    replies = ["", "A", " ", "A", "\n"]
    clusters = nonempty_clusters(replies, [None, "A", None, "A", None], 0.85)
    assert clusters == [[1, 3]]
    assert nonempty_clusters(["", "  "], [None, None], 0.85) == []


def test_no_answers_have_no_pseudo_label() -> None:
    with pytest.raises(ValueError):
        pseudo_label_index([])


# --- loss ---------------------------------------------------------------------------------


def _entropy(logits: torch.Tensor) -> torch.Tensor:
    log_probs = F.log_softmax(logits, dim=-1)
    return -(log_probs.exp() * log_probs).sum()


def test_identical_variants_have_no_pairwise_divergence_nor_gradient() -> None:
    row = torch.randn(1, 11)
    logits = row.repeat(3, 1).requires_grad_()
    term = pairwise_term(logits, "divergence")
    term.backward()
    assert float(term.detach()) == 0.0
    assert logits.grad is not None
    # zero up to float rounding: softmax and matmul sums leave ~1e-9 residues whose size
    # depends on the reduction order (thread count), so exact zeros are not a sound test
    assert float(logits.grad.abs().max()) < 1e-6


def test_cross_entropy_of_identical_variants_is_their_entropy() -> None:
    row = torch.randn(1, 11)
    term = pairwise_term(row.repeat(4, 1), "cross_entropy")
    assert float(term) == pytest.approx(float(_entropy(row[0])), rel=1e-5)


def test_pairwise_term_is_the_mean_symmetric_cross_entropy() -> None:
    torch.manual_seed(0)
    logits = torch.randn(3, 7)
    log_probs = F.log_softmax(logits, dim=-1)
    probs = log_probs.exp()

    def cross(i: int, j: int) -> float:
        return float(-(probs[i] * log_probs[j]).sum())

    pairs = [(0, 1), (0, 2), (1, 2)]
    expected = sum((cross(i, j) + cross(j, i)) / 2 for i, j in pairs) / 3
    assert float(pairwise_term(logits)) == pytest.approx(expected, rel=1e-5)
    entropies = [float(_entropy(logits[i])) for i in range(3)]
    divergence = sum(
        (cross(i, j) + cross(j, i) - entropies[i] - entropies[j]) / 2 for i, j in pairs
    )
    assert float(pairwise_term(logits, "divergence")) == pytest.approx(divergence / 3, rel=1e-4)
    assert divergence > 0


def test_one_variant_has_no_pair() -> None:
    logits = torch.randn(1, 5, requires_grad=True)
    term = pairwise_term(logits)
    term.backward()
    assert float(term.detach()) == 0.0


def test_pseudo_label_nll_is_the_mean_token_nll() -> None:
    torch.manual_seed(1)
    logits = torch.randn(2, 3, 6)
    answer = torch.tensor([4, 0, 5])
    log_probs = F.log_softmax(logits, dim=-1)
    expected = -sum(float(log_probs[v, t, answer[t]]) for v in range(2) for t in range(3)) / 6
    assert float(pseudo_label_nll(logits, answer)) == pytest.approx(expected, rel=1e-5)


def test_settings_reject_nonsense() -> None:
    with pytest.raises(ValueError):
        AdaptationSettings(pairwise="kl")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        AdaptationSettings(threshold=1.5)


# --- on the reference model ---------------------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> tuple[Any, Any]:
    from transformers import AutoModelForImageTextToText, AutoProcessor

    torch.manual_seed(0)
    processor = AutoProcessor.from_pretrained(reference_model_dir())
    model = AutoModelForImageTextToText.from_pretrained(reference_model_dir()).eval()
    return model, processor


@pytest.fixture(scope="module")
def group() -> tuple[ItemMetadata, list[Any]]:
    (sample,) = rephrasing_groups("calib", 1)
    item = ItemMetadata.model_validate(sample.metadata)
    return item, variant_requests(item)


def _snapshot(model: Any) -> dict[str, torch.Tensor]:
    return {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}


def _tied(model: Any) -> bool:
    return bool(model.get_output_embeddings().weight is model.get_input_embeddings().weight)


def test_adapting_a_group_leaves_the_model_bit_identical(
    reference: tuple[Any, Any], group: tuple[ItemMetadata, list[Any]]
) -> None:
    model, processor = reference
    assert _tied(model)  # the reference model ties lm_head to the input embeddings
    before = _snapshot(model)
    requires_grad = {name: p.requires_grad for name, p in model.named_parameters()}
    result = adapt_and_answer(model, processor, group[1], settings=AdaptationSettings(lr=1e-2))
    assert len(result.losses) == 4
    assert result.losses[-1].total < result.losses[0].total  # it did train
    after = model.state_dict()
    assert after.keys() == before.keys()
    assert all(torch.equal(before[name], after[name]) for name in before)
    assert _tied(model)
    assert not model.training
    assert all(p.grad is None for p in model.parameters())
    assert {name: p.requires_grad for name, p in model.named_parameters()} == requires_grad


def test_only_lm_head_is_trained(
    reference: tuple[Any, Any], group: tuple[ItemMetadata, list[Any]]
) -> None:
    model, processor = reference
    requests = group[1]
    head = model.get_output_embeddings()
    embedding = model.get_input_embeddings().weight.detach().clone()
    answer_ids = answer_token_ids(processor, "triangle: black. Answer: black")
    features = answer_features(model, processor, requests, answer_ids)
    assert features.shape == (len(requests), answer_ids.numel(), head.weight.shape[1])

    weight, bias, losses = train_head(
        head.weight, head.bias, features, answer_ids, AdaptationSettings()
    )
    assert bias is None
    assert len(losses) == 4 and not any(step.skipped for step in losses)
    assert not torch.equal(weight, head.weight)  # the copy moved...
    assert torch.equal(model.get_input_embeddings().weight, embedding)  # ...the model did not
    assert all(p.grad is None for p in model.parameters())

    with installed_head(model, weight, bias):
        assert not _tied(model)  # untied while the adapted head answers
        assert torch.equal(model.get_input_embeddings().weight, embedding)
        assert torch.equal(model.get_output_embeddings().weight, weight)
    assert _tied(model)
    assert torch.equal(model.get_output_embeddings().weight, embedding)


def test_fixed_features_give_the_adapted_models_logits(
    reference: tuple[Any, Any], group: tuple[ItemMetadata, list[Any]]
) -> None:
    """Training on features computed once is exact: with the adapted head installed, a full
    forward pass gives the same answer-token logits (the input embeddings did not move)."""
    model, processor = reference
    requests = group[1][:2]
    answer_ids = answer_token_ids(processor, "triangle: black. Answer: black")
    features = answer_features(model, processor, requests, answer_ids)
    head = model.get_output_embeddings()
    weight, _, _ = train_head(
        head.weight, None, features, answer_ids, AdaptationSettings(lr=1e-2, steps=2)
    )
    with installed_head(model, weight, None):
        refreshed = answer_features(model, processor, requests, answer_ids)
    assert torch.equal(refreshed, features)
    assert torch.allclose(F.linear(refreshed, weight), F.linear(features, weight))


def test_evaluate_adaptation_end_to_end() -> None:
    report = evaluate_adaptation(reference_model_dir(), rephrasing_groups("calib", 4))
    assert report.groups == 4 and report.variants == 16 and report.task == "rephrasing"
    for phase in (report.before, report.after):
        for value in (phase.consistency, phase.accuracy):
            assert value is not None and 0.0 <= value <= 1.0
        assert 0 <= phase.unparsed_variants <= report.variants
    document = json.loads(json.dumps(report.to_dict()))
    assert document["settings"]["steps"] == 4
    assert len(document["records"]) == 4
    assert all(len(r["adaptation"]["losses"]) == 4 for r in document["records"])
    assert all(
        math.isfinite(s["total"]) for r in document["records"] for s in r["adaptation"]["losses"]
    )


def test_cli_adapt_consistency(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "adaptation.json"
    assert main(["adapt-consistency", "--task", "restyling", "--n", "2", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "before" in printed and "after" in printed and "consistency" in printed
    document = json.loads(out.read_text())
    assert document["task"] == "restyling" and document["groups"] == 2
    assert main(["adapt-consistency", "--n", "0"]) == 2


def test_phase_summary_leaves_unread_answers_out_of_accuracy() -> None:
    from mmtrust.benchmarks.consistency.adaptation_eval import summarise_phase

    # group 1: A, A, unread -> accuracy 2/2, consistency 1 (one pair of read answers)
    # group 2: B, A -> accuracy 1/2 (gold B), consistency 0
    summary = summarise_phase([("A", ["A", "A", None]), ("B", ["B", "A"])])
    assert summary.accuracy == pytest.approx((1.0 + 0.5) / 2)
    assert summary.consistency == pytest.approx(0.5)
    assert summary.unparsed_variants == 1 and summary.right_variants == 3
