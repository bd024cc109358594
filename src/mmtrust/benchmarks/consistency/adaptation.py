"""Test-time consistency adaptation (spec: mmr3.md, "Mitigation"), for any local Hugging Face
vision-language model.

The MM-R3 follow-up's recipe, applied to one item group (the variants of one question) at a
time:

1. answer every variant greedily with the current model;
2. pseudo-label: cluster the variants' answers (``cluster_answers``) and take the first member
   of the largest cluster; its full reply ("triangle: black. Answer: black") is the label text;
3. train only the output layer (lm_head) for 4 steps, AdamW lr 5e-4, weight decay 0.01,
   ExponentialLR gamma 0.98 (stepped after every optimisation step), on
   ``alpha * pairwise + beta * nll``: ``pairwise`` is the mean over variant pairs of the
   symmetric cross-entropy between the variants' output distributions (softmax of the logits
   averaged over the answer tokens), ``nll`` the negative log-likelihood of the pseudo-label's
   tokens with every variant's prompt followed by the label (teacher forcing);
4. answer every variant again with the adapted lm_head;
5. put the original lm_head back, so that every group starts from the same model.

Choices the spec leaves open, made here:

- ``alpha = beta = 1``: neither the spec nor the follow-up's text gives values.
- Answers are compared for clustering as the toolkit's extraction reads them (an option letter,
  Yes / No) when it reads one, else as the raw reply: "Answer: A" and "the answer is A" agree,
  and a reply with no readable answer can still match a reply worded the same way.
- The pairwise term's two directions are averaged (``(H(p, q) + H(q, p)) / 2``), as the
  follow-up's code does. Cross-entropy is not 0 for agreeing variants (H(p, p) is the entropy
  of p), so it also sharpens the distributions; ``pairwise="divergence"`` subtracts the
  entropies (a symmetric KL), which is 0, with zero gradient, when the variants agree.
- The pseudo-label text ends with the tokenizer's end-of-sequence token, so the label teaches
  the model where the reply stops, as the follow-up's targets do.

Only lm_head is trained, so the hidden states feeding it do not change during the steps: they
are computed once per group, without gradient, and each step re-applies the head to them. The
losses and gradients are exactly those of full forward passes, at a fraction of the cost.

Tied embeddings (the reference model, many small models): the head's weight is then the input
embedding matrix, and training it would change what the model reads too. Training works on a
copy, and the adapted copy is installed as lm_head's own weight only while the variants are
answered again; the original (tied) parameter object is put back afterwards, so the model is
bit-identical to what it was before the group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, Literal

import torch
import torch.nn.functional as F
from PIL import Image
from rapidfuzz.distance import Levenshtein

from mmtrust.reference.data import chat_messages
from mmtrust.reference.evaluate import greedy_replies

PairwiseTerm = Literal["cross_entropy", "divergence"]
Request = tuple[Image.Image, str]
"""One variant as asked: its image and its prompt text."""
AnswerReader = Callable[[str], str | None]
"""Reads the answer from a reply (None: no answer read)."""

SIMILARITY_THRESHOLD = 0.85
"""Normalised Levenshtein similarity at which two answers are one cluster (the follow-up's)."""
_ROUNDING = 1e-9
"""1 - d/n is computed in floating point: a similarity exactly at the threshold may come out a
hair below it, and must still count as reaching it."""


@dataclass(frozen=True)
class AdaptationSettings:
    """The recipe's knobs; the defaults are the follow-up's (alpha, beta: see the module doc)."""

    steps: int = 4
    lr: float = 5e-4
    weight_decay: float = 0.01
    gamma: float = 0.98
    alpha: float = 1.0
    beta: float = 1.0
    pairwise: PairwiseTerm = "cross_entropy"
    threshold: float = SIMILARITY_THRESHOLD
    max_new_tokens: int = 100
    """MM-R3 generates up to 100 new tokens; generation stops at the end token before that."""
    seed: int = 0

    def __post_init__(self) -> None:
        if self.steps < 0 or self.max_new_tokens < 1:
            raise ValueError("steps must be >= 0 and max_new_tokens >= 1")
        if self.pairwise not in ("cross_entropy", "divergence"):
            raise ValueError(f"pairwise must be cross_entropy or divergence, not {self.pairwise!r}")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must lie in [0, 1], got {self.threshold}")


# --- pseudo-label -------------------------------------------------------------------------


def answer_similarity(first: str, second: str) -> float:
    """Normalised Levenshtein similarity, 1 - distance / length of the longer string (two empty
    strings: 1)."""
    return float(Levenshtein.normalized_similarity(first, second))


def cluster_answers(
    answers: Sequence[str], threshold: float = SIMILARITY_THRESHOLD
) -> list[list[int]]:
    """Indices of ``answers`` in clusters, deterministically: in order, each answer joins the
    first cluster whose first member is at least ``threshold`` similar to it, else starts a new
    cluster. Comparing with the first member (not with every member) keeps a chain of small
    edits from merging answers that are far apart."""
    clusters: list[list[int]] = []
    for index, answer in enumerate(answers):
        for cluster in clusters:
            if answer_similarity(answers[cluster[0]], answer) >= threshold - _ROUNDING:
                cluster.append(index)
                break
        else:
            clusters.append([index])
    return clusters


def pseudo_label_index(answers: Sequence[str], threshold: float = SIMILARITY_THRESHOLD) -> int:
    """Index of the pseudo-label: the first member of the largest cluster; of clusters of equal
    size, the one started first (the earliest answer) wins."""
    clusters = cluster_answers(answers, threshold)
    if not clusters:
        raise ValueError("no answers to take a pseudo-label from")
    return max(clusters, key=len)[0]  # max keeps the first of equal sizes


def clustering_keys(replies: Sequence[str], answers: Sequence[str | None]) -> list[str]:
    """What is compared for clustering: the extracted answer where one was read, else the raw
    reply."""
    return [
        reply if answer is None else answer for reply, answer in zip(replies, answers, strict=True)
    ]


# --- loss ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossTerms:
    total: torch.Tensor
    pairwise: torch.Tensor
    nll: torch.Tensor


def pairwise_term(mean_logits: torch.Tensor, kind: PairwiseTerm = "cross_entropy") -> torch.Tensor:
    """Mean over variant pairs of the symmetric cross-entropy between the variants' output
    distributions (``mean_logits``: (variants, vocab), the logits averaged over answer tokens).

    ``divergence`` subtracts each target's entropy, leaving the symmetric KL divergence (0 for
    agreeing variants). A group of one variant has no pair: the term is 0.
    """
    count = mean_logits.shape[0]
    if count < 2:
        return mean_logits.sum() * 0.0  # a zero that stays in the graph
    log_probs = F.log_softmax(mean_logits.float(), dim=-1)
    # cross[i, j] = H(p_i, p_j) = -sum_v p_i(v) log p_j(v); its diagonal holds the entropies
    cross = -(log_probs.exp() @ log_probs.T)
    if kind == "divergence":
        cross = cross - torch.diagonal(cross)[:, None]  # KL(p_i || p_j)
    symmetric = (cross + cross.T) / 2
    rows, columns = torch.triu_indices(count, count, offset=1, device=mean_logits.device)
    return symmetric[rows, columns].mean()


def pseudo_label_nll(logits: torch.Tensor, answer_ids: torch.Tensor) -> torch.Tensor:
    """Mean negative log-likelihood of the pseudo-label's tokens over every variant
    (``logits``: (variants, answer tokens, vocab), teacher-forced on the label)."""
    variants, _, vocab = logits.shape
    return F.cross_entropy(logits.float().reshape(-1, vocab), answer_ids.repeat(variants))


def adaptation_loss(
    logits: torch.Tensor, answer_ids: torch.Tensor, settings: AdaptationSettings
) -> LossTerms:
    """``alpha * pairwise + beta * nll`` on the answer-token logits of every variant."""
    pairwise = pairwise_term(logits.mean(dim=1), settings.pairwise)
    nll = pseudo_label_nll(logits, answer_ids)
    return LossTerms(settings.alpha * pairwise + settings.beta * nll, pairwise, nll)


# --- the model ----------------------------------------------------------------------------


def generate_replies(
    model: Any, processor: Any, requests: Sequence[Request], max_new_tokens: int
) -> list[str]:
    """Greedy replies to a group's (image, prompt) pairs in one batch, asked as the toolkit
    asks (``reference.evaluate.greedy_replies``)."""
    return greedy_replies(
        model, processor, requests, batch_size=max(1, len(requests)), max_new_tokens=max_new_tokens
    )


def render_prompt(processor: Any, prompt: str) -> str:
    """The prompt as one user turn (image, then text) through the model's chat template, with
    the generation prompt."""
    return str(processor.apply_chat_template(chat_messages(prompt), add_generation_prompt=True))


def answer_token_ids(processor: Any, reply: str) -> torch.Tensor:
    """The reply's text as tokens, then the end-of-sequence token (so the label also teaches
    where to stop). The decoded text is re-tokenised, as the follow-up does; this can differ
    from the tokens the model generated, but it is the label as text that is taught."""
    tokenizer = processor.tokenizer
    ids = list(tokenizer(reply, add_special_tokens=False)["input_ids"])
    if tokenizer.eos_token_id is not None:
        ids.append(int(tokenizer.eos_token_id))
    return torch.tensor(ids, dtype=torch.long)


def answer_features(
    model: Any, processor: Any, requests: Sequence[Request], answer_ids: torch.Tensor
) -> torch.Tensor:
    """(variants, answer tokens, hidden) inputs of lm_head at the positions that predict the
    answer tokens, with each variant's prompt followed by the answer (teacher forcing).

    Read with a hook on the output layer, so it works for any architecture whose logits are the
    output layer's output; a model that transforms them afterwards (logit soft-capping, scaling)
    is refused, since re-applying the head alone would not give its logits.
    """
    head = model.get_output_embeddings()
    captured: list[tuple[torch.Tensor, torch.Tensor]] = []

    def keep(_module: Any, inputs: tuple[Any, ...], output: Any) -> None:
        captured.append((inputs[0].detach(), output.detach()))

    handle = head.register_forward_hook(keep)
    rows = []
    span_length = int(answer_ids.numel())
    try:
        for image, prompt in requests:
            inputs, prompt_length = _teacher_forced_inputs(processor, image, prompt, answer_ids)
            captured.clear()
            with torch.no_grad():
                output = model(**_on_model(inputs, model))
            # the logits at position t predict token t + 1
            span = slice(prompt_length - 1, prompt_length - 1 + span_length)
            hidden, head_logits = (tensor[0, span] for tensor in captured[-1])
            _check_logits_are_head_output(head_logits, output.logits[0, span])
            rows.append(hidden)
    finally:
        handle.remove()
    return torch.stack(rows)


def _teacher_forced_inputs(
    processor: Any, image: Image.Image, prompt: str, answer_ids: torch.Tensor
) -> tuple[dict[str, Any], int]:
    """The processor's inputs for one variant with the answer appended, and the prompt's
    length in tokens. The answer is appended as token ids (not as text) so that the prompt's
    tokens are exactly those the model saw when it generated."""
    encoded = processor(
        images=[image], text=[render_prompt(processor, prompt)], return_tensors="pt"
    )
    length = int(encoded["input_ids"].shape[1])
    answer = answer_ids.detach().cpu().view(1, -1)  # the processor's tensors are on the CPU
    inputs: dict[str, Any] = {}
    for key, value in encoded.items():
        per_token = (
            isinstance(value, torch.Tensor)
            and not value.is_floating_point()
            and tuple(value.shape) == (1, length)
        )
        if per_token:
            if key == "input_ids":
                extension = answer
            elif key == "attention_mask":
                extension = torch.ones_like(answer)
            else:  # token type ids and the like: answer tokens are plain text
                extension = torch.zeros_like(answer)
            value = torch.cat([value, extension.to(value.dtype)], dim=1)
        inputs[key] = value
    return inputs, length


def _check_logits_are_head_output(head_logits: torch.Tensor, logits: torch.Tensor) -> None:
    if not torch.allclose(head_logits.float(), logits.float(), rtol=1e-4, atol=1e-4):
        raise ValueError(
            "the model's logits are not its output layer's output (soft-capped or scaled "
            "logits?): test-time adaptation of lm_head alone does not support this model"
        )


def _on_model(batch: Any, model: Any) -> dict[str, Any]:
    """Tensors on the model's device; floating ones (pixels) in the model's dtype."""
    moved: dict[str, Any] = {}
    for key, value in batch.items():
        if isinstance(value, torch.Tensor):
            dtype = model.dtype if value.is_floating_point() else value.dtype
            value = value.to(model.device, dtype=dtype)
        moved[key] = value
    return moved


@dataclass(frozen=True)
class StepLoss:
    step: int
    total: float
    pairwise: float
    nll: float
    skipped: bool = False
    """The loss was not finite and the step was not taken (as the follow-up does)."""


def train_head(
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    features: torch.Tensor,
    answer_ids: torch.Tensor,
    settings: AdaptationSettings,
) -> tuple[torch.Tensor, torch.Tensor | None, list[StepLoss]]:
    """An adapted copy of the output layer (weight, bias) after ``settings.steps`` steps on
    ``features`` (see ``answer_features``), and the loss of each step.

    The arguments are never modified: training works on float32 copies, so neither the model's
    head nor an embedding tied to it changes, and half-precision models train stably.
    """
    trained_weight = torch.nn.Parameter(weight.detach().clone().float())
    trained_bias = None if bias is None else torch.nn.Parameter(bias.detach().clone().float())
    parameters = [p for p in (trained_weight, trained_bias) if p is not None]
    optimizer = torch.optim.AdamW(parameters, lr=settings.lr, weight_decay=settings.weight_decay)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=settings.gamma)
    inputs = features.detach().float()
    targets = answer_ids.to(inputs.device)
    losses: list[StepLoss] = []
    with torch.enable_grad():
        for step in range(settings.steps):
            terms = adaptation_loss(
                F.linear(inputs, trained_weight, trained_bias), targets, settings
            )
            finite = bool(torch.isfinite(terms.total))
            losses.append(_step_loss(step, terms, skipped=not finite))
            if not finite:
                continue
            optimizer.zero_grad()
            terms.total.backward()
            optimizer.step()
            scheduler.step()
    adapted_bias = None if trained_bias is None else trained_bias.detach()
    return trained_weight.detach(), adapted_bias, losses


def _step_loss(step: int, terms: LossTerms, *, skipped: bool) -> StepLoss:
    def value(tensor: torch.Tensor) -> float:
        return float(tensor.detach())

    return StepLoss(step, value(terms.total), value(terms.pairwise), value(terms.nll), skipped)


@contextmanager
def installed_head(model: Any, weight: torch.Tensor, bias: torch.Tensor | None) -> Iterator[None]:
    """The model with an adapted output layer of its own (untied from the input embeddings),
    and its original, possibly tied, parameters back on exit."""
    head = model.get_output_embeddings()
    original_weight, original_bias = head.weight, head.bias
    head.weight = torch.nn.Parameter(
        weight.to(original_weight.device, original_weight.dtype), requires_grad=False
    )
    if bias is not None and original_bias is not None:
        head.bias = torch.nn.Parameter(
            bias.to(original_bias.device, original_bias.dtype), requires_grad=False
        )
    try:
        yield
    finally:
        # the original Parameter objects: a tied weight is the embedding's own object again
        head.weight = original_weight
        if original_bias is not None:
            head.bias = original_bias


# --- one group ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupAdaptation:
    """One group before and after adaptation."""

    replies_before: list[str]
    answers_before: list[str | None]
    """Read by the caller's answer reader (the raw replies where none was given)."""
    clusters: list[list[int]]
    """Indices of the non-empty replies, grouped; an empty reply is in no cluster."""
    pseudo_label_index: int | None
    """None when every reply was empty: there is nothing to learn from, and no adaptation."""
    pseudo_label: str
    """The full reply of the pseudo-label's variant: the text the model is trained towards."""
    losses: list[StepLoss]
    replies_after: list[str]
    answers_after: list[str | None]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def adapt_and_answer(
    model: Any,
    processor: Any,
    group_variants: Sequence[Request],
    *,
    read_answer: AnswerReader | None = None,
    settings: AdaptationSettings | None = None,
) -> GroupAdaptation:
    """Answer a group's variants, adapt lm_head towards a consistent pseudo-label, answer again,
    and restore the model (see the module doc). ``read_answer`` reads an answer from a reply
    for clustering (default: the raw reply is the answer)."""
    settings = settings or AdaptationSettings()
    read = read_answer or _raw_reply
    was_training = model.training
    model.eval()  # no dropout, in the answers nor in the features
    torch.manual_seed(settings.seed)
    try:
        replies = generate_replies(model, processor, group_variants, settings.max_new_tokens)
        answers = [read(reply) for reply in replies]
        clusters = nonempty_clusters(replies, answers, settings.threshold)
        if not clusters:  # every reply empty: training would teach the model to stop at once
            return GroupAdaptation(replies, answers, [], None, "", [], replies, answers)
        label_index = max(clusters, key=len)[0]
        if settings.steps == 0:
            return GroupAdaptation(
                replies, answers, clusters, label_index, replies[label_index], [], replies, answers
            )
        head = model.get_output_embeddings()
        answer_ids = answer_token_ids(processor, replies[label_index]).to(head.weight.device)
        features = answer_features(model, processor, group_variants, answer_ids)
        weight, bias, losses = train_head(head.weight, head.bias, features, answer_ids, settings)
        with installed_head(model, weight, bias):
            after = generate_replies(model, processor, group_variants, settings.max_new_tokens)
    finally:
        model.train(was_training)
    return GroupAdaptation(
        replies,
        answers,
        clusters,
        label_index,
        replies[label_index],
        losses,
        after,
        [read(reply) for reply in after],
    )


def nonempty_clusters(
    replies: Sequence[str], answers: Sequence[str | None], threshold: float
) -> list[list[int]]:
    """``cluster_answers`` over the non-empty replies, with indices into ``replies``: empty
    replies would otherwise form a cluster of their own and could become the label."""
    kept = [i for i, reply in enumerate(replies) if reply.strip()]
    keys = clustering_keys([replies[i] for i in kept], [answers[i] for i in kept])
    return [[kept[i] for i in cluster] for cluster in cluster_answers(keys, threshold)]


def _raw_reply(reply: str) -> str | None:
    return reply


# --- a set of groups ----------------------------------------------------------------------
