"""White-box adversarial images for local Hugging Face vision-language models (MultiTrust R.4/R.5).

MultiTrust's untargeted (R.4) and targeted (R.5) adversarial-image tasks ship precomputed
images. Here we make them for any local LLaVA-style model with L-inf projected gradient descent
(PGD; Madry et al., 2018, "Towards Deep Learning Models Resistant to Adversarial Attacks"):
start at a random point of the ball ||delta||_inf <= epsilon, take ``steps`` sign-gradient
steps of a teacher-forced loss, and project back onto the ball and onto valid pixels after each.
L-inf is the budget MultiTrust's images use, and the sign step is its steepest-ascent
direction.

The loss is the cross-entropy of an answer's tokens as the assistant's reply to a user turn
(the image, then the prompt) rendered by the processor's chat template exactly as the
``hf-vlm`` provider renders it (``models.generation``). Untargeted attacks maximise it for the
model's clean answer; targeted ones minimise it for a chosen wrong answer.

The attack lives in the image the model sees: each image is first brought to the processor's
own pixel grid (its resize, crop and padding, by the image processor itself with rescaling and
normalisation off), and the perturbation is optimised on that grid in [0, 1] pixel units; only
rescale and normalise are redone in torch, differentiably. Results are quantised to uint8, so a
PNG replays the very attack, on the attacked model (its processor leaves a grid-size image as
it is) or, as a transfer attack, on any other model, an API model included.

Only image processors whose ``pixel_values`` are one (C, H, W) image per input are supported
(LLaVA and its kin, and mmtrust's reference model); patchified layouts such as Qwen2-VL's
raise :class:`UnsupportedModelError`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from inspect_ai.model import ChatMessageUser, ContentImage
from PIL import Image
from torch.nn.utils.rnn import pad_sequence

from mmtrust.datasets.images import image_to_data_uri
from mmtrust.models import loading
from mmtrust.models.conversation import decode_image, to_vision_prompt
from mmtrust.solving import image_and_text

LEVELS = 255
"""uint8 grey levels: the grid a PNG can store."""
_CHECK_ATOL = 1e-3
"""How far our pixel_values may be from the processor's own: well under one grey level
(1 / 255 / std, at least 0.0039 for std <= 1), so any geometric mismatch is caught."""


class UnsupportedModelError(loading.UnsupportedModelError):
    """The model's image processor is not one this attack can reproduce in torch."""


@dataclass(frozen=True)
class AttackConfig:
    epsilon: float = 16 / 255
    """L-inf budget in [0, 1] pixel units (16/255 is a common budget for VLM image attacks)."""
    steps: int = 10
    step_size: float | None = None
    """None: 2.5 * epsilon / steps, Madry et al.'s choice, so that the steps can cross the
    whole ball (2 * epsilon) and still have room to move along its boundary."""
    seed: int = 0
    random_start: bool = True
    """Start uniformly inside the ball, as Madry et al.: without it the attack is iterated
    FGSM from the clean image; ``seed`` makes the start reproducible."""

    def __post_init__(self) -> None:
        if not 0 < self.epsilon <= 1:
            raise ValueError(f"epsilon must be in (0, 1] (pixel units), not {self.epsilon}")
        if self.steps < 1:
            raise ValueError(f"steps must be at least 1, not {self.steps}")
        if self.step_size is not None and not self.step_size > 0:
            raise ValueError(f"step_size must be positive, not {self.step_size}")

    @property
    def alpha(self) -> float:
        """The step size in use."""
        return self.step_size if self.step_size is not None else 2.5 * self.epsilon / self.steps


@dataclass(frozen=True)
class AttackResult:
    image: Image.Image
    """The adversarial image, uint8, at the processor's grid size."""
    clean_image: Image.Image
    """The unperturbed image on the same grid: the clean baseline to compare with."""
    linf: float
    """max |image - clean_image| after quantisation, in [0, 1] units."""
    loss_start: float
    """Cross-entropy of the answer on the clean grid image."""
    loss_end: float
    """Cross-entropy of the answer on the quantised adversarial image."""


def attack_images(
    model: Any,
    processor: Any,
    images: Sequence[Image.Image],
    prompts: Sequence[str],
    answers: Sequence[str],
    *,
    targeted: bool,
    config: AttackConfig = AttackConfig(),
    batch_size: int = 16,
) -> list[AttackResult]:
    """PGD images for (image, prompt, answer) triples: with ``targeted``, pull the model
    towards ``answers``; without, push it away from them (pass its clean replies)."""
    if not len(images) == len(prompts) == len(answers):
        raise ValueError(
            f"images, prompts and answers must be as many: {len(images)}, {len(prompts)}, "
            f"{len(answers)}"
        )
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    # One generator, drawn image by image, so that an image's random start is the same
    # whatever batch it falls in.
    generator = torch.Generator().manual_seed(config.seed)
    results: list[AttackResult] = []
    with _attack_mode(model, processor.tokenizer):
        for first in range(0, len(images), batch_size):
            rows = slice(first, first + batch_size)
            batch = (images[rows], prompts[rows], answers[rows])
            results += _attack_batch(model, processor, *batch, targeted, config, generator)
    return results


def save_png(result: AttackResult, path: str | Path) -> Path:
    """Write the adversarial image as PNG (lossless: replaying it replays the attack)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    result.image.save(out, format="PNG")
    return out


def _attack_batch(
    model: Any,
    processor: Any,
    images: Sequence[Image.Image],
    prompts: Sequence[str],
    answers: Sequence[str],
    targeted: bool,
    config: AttackConfig,
    generator: torch.Generator,
) -> list[AttackResult]:
    device = model.device
    clean = _pixel_grid(model, processor.image_processor, images).to(device)
    if config.random_start:
        noise = [torch.rand(clean.shape[1:], generator=generator) for _ in images]
        delta = (torch.stack(noise).to(device) * 2 - 1) * config.epsilon
    else:
        delta = torch.zeros_like(clean)
    clean_images = [_to_pil(row) for row in clean]
    inputs, labels, label_mask = _teacher_forced_inputs(
        model, processor, clean_images, prompts, answers
    )
    normalise = _normaliser(processor.image_processor, device)
    reference = inputs.pop("pixel_values")
    if reference.shape != clean.shape or not torch.allclose(
        normalise(clean), reference.float(), atol=_CHECK_ATOL
    ):
        raise _unsupported(
            model, "its processor's pixel_values are not rescale + normalise of the grid"
        )

    def loss(pixels: torch.Tensor) -> torch.Tensor:
        return _answer_loss(model, inputs, normalise(pixels), labels, label_mask)

    with torch.no_grad():
        loss_start = loss(clean)
    # Sign steps: ascend the loss to push away from the answer, descend it to pull towards it.
    direction = -1.0 if targeted else 1.0
    delta = (clean + delta).clamp(0, 1) - clean
    for _ in range(config.steps):
        delta.requires_grad_(True)
        (gradient,) = torch.autograd.grad(loss(clean + delta).sum(), delta)
        with torch.no_grad():
            delta = delta + direction * config.alpha * gradient.sign()
            # Both sets are boxes holding 0, so clamping to one then the other projects onto
            # their intersection.
            delta = delta.clamp(-config.epsilon, config.epsilon)
            delta = (clean + delta).clamp(0, 1) - clean
    with torch.no_grad():
        adversarial = ((clean + delta) * LEVELS).round() / LEVELS
        loss_end = loss(adversarial)
        levels = ((adversarial - clean) * LEVELS).round().abs().flatten(1).amax(dim=1)
    return [
        AttackResult(
            image=_to_pil(adversarial[row]),
            clean_image=clean_images[row],
            linf=float(levels[row]) / LEVELS,
            loss_start=float(loss_start[row]),
            loss_end=float(loss_end[row]),
        )
        for row in range(clean.shape[0])
    ]


def _pixel_grid(model: Any, image_processor: Any, images: Sequence[Image.Image]) -> torch.Tensor:
    """The images as the vision tower sees them, before rescaling: the image processor's own
    resize/crop/pad, as (B, C, H, W) float32 in [0, 1] on the uint8 grid."""
    rgb = [image.convert("RGB") for image in images]
    output = image_processor(rgb, do_rescale=False, do_normalize=False, return_tensors="pt")
    pixels = output["pixel_values"]
    if pixels.ndim != 4 or pixels.shape[0] != len(images):
        shape = tuple(pixels.shape)
        raise _unsupported(model, f"its image processor gives pixel_values of shape {shape}")
    # Rounding to the uint8 grid makes the clean image exactly what its PNG stores.
    return pixels.float().round().clamp(0, LEVELS) / LEVELS


def _normaliser(image_processor: Any, device: Any) -> Callable[[torch.Tensor], torch.Tensor]:
    """The image processor's rescale and normalise, in torch, on [0, 1] pixels. An image
    processor without these settings fails the check against its own output."""
    factor = getattr(image_processor, "rescale_factor", 1 / LEVELS)
    scale = LEVELS * (float(factor) if getattr(image_processor, "do_rescale", False) else 1)
    if not getattr(image_processor, "do_normalize", False):
        return lambda pixels: pixels * scale
    mean, std = (
        torch.tensor(value, dtype=torch.float32, device=device).reshape(-1, 1, 1)
        for value in (image_processor.image_mean, image_processor.image_std)
    )
    return lambda pixels: (pixels * scale - mean) / std


def _teacher_forced_inputs(
    model: Any,
    processor: Any,
    images: Sequence[Image.Image],
    prompts: Sequence[str],
    answers: Sequence[str],
) -> tuple[dict[str, Any], torch.Tensor, torch.Tensor]:
    """Model inputs for prompt + answer, the answer's token ids, and where they are real.

    The prompts are rendered as ``models.generation`` renders them for the ``hf-vlm``
    provider (same conversation, chat template and arguments), left-padded; each answer and
    the model's end token follow on the right, padding after them masked out.
    """
    tokenizer = processor.tokenizer
    inputs = processor.apply_chat_template(
        [_conversation(image, prompt) for image, prompt in zip(images, prompts, strict=True)],
        chat_template=processor.chat_template or tokenizer.chat_template,
        add_generation_prompt=True,
        tokenize=True,
        return_dict=True,
        return_tensors="pt",
        sanitize_control_tokens=True,
        processor_kwargs={"padding": True},
    ).to(model.device)
    eos = getattr(model.generation_config, "eos_token_id", None)
    eos = tokenizer.eos_token_id if eos is None else eos
    end = eos[0] if isinstance(eos, list) else eos
    # The reply ends with the end token: scoring it makes the target a complete answer.
    encoded = [
        torch.tensor([*ids, end])
        for ids in tokenizer(list(answers), add_special_tokens=False).input_ids
    ]
    labels = pad_sequence(encoded, batch_first=True).to(model.device)
    label_mask = pad_sequence([torch.ones_like(e) for e in encoded], batch_first=True)
    label_mask = label_mask.to(model.device)
    model_inputs = dict(inputs)
    prompt_shape = inputs["input_ids"].shape
    for key, value in inputs.items():
        if isinstance(value, torch.Tensor) and value.shape == prompt_shape:
            # Per-token extras (token_type_ids, mm_token_type_ids): the answer is text, type 0.
            model_inputs[key] = torch.cat([value, torch.zeros_like(labels)], dim=1)
    model_inputs["input_ids"] = torch.cat([inputs["input_ids"], labels], dim=1)
    mask = torch.cat([inputs["attention_mask"], label_mask], dim=1)
    model_inputs["attention_mask"] = mask
    forward = inspect.signature(model.forward).parameters
    if "position_ids" in forward:
        # Numbered as generate() numbers them, from the first real token: rotary models do
        # not care about the offset left padding adds, absolute-position ones would.
        model_inputs["position_ids"] = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 0)
    if "logits_to_keep" in forward:
        # Only the positions that predict answer tokens: vocabulary-wide logits for the whole
        # prompt would cost memory for nothing.
        model_inputs["logits_to_keep"] = labels.shape[1] + 1
    return model_inputs, labels, label_mask


def _conversation(image: Image.Image, prompt: str) -> list[dict[str, Any]]:
    """One user turn, the image then the prompt, converted as the provider converts what
    Inspect sends it (the image as a PNG data URI, decoded by the provider's decoder)."""
    image_content = ContentImage(image=image_to_data_uri(image))
    vision = to_vision_prompt([ChatMessageUser(content=image_and_text(image_content, prompt))])
    decoded = iter([decode_image(reference) for reference in vision.images])
    return [
        {
            **turn,
            "content": [
                {"type": "image", "image": next(decoded)} if part["type"] == "image" else part
                for part in turn["content"]
            ],
        }
        for turn in vision.conversation
    ]


def _answer_loss(
    model: Any,
    inputs: dict[str, Any],
    pixel_values: torch.Tensor,
    labels: torch.Tensor,
    label_mask: torch.Tensor,
) -> torch.Tensor:
    """Per-row mean cross-entropy of the answer tokens (rows are independent, so summing them
    gives each image the gradient of its own loss)."""
    logits = model(**inputs, pixel_values=pixel_values.to(model.dtype)).logits
    width = labels.shape[1]
    # Position t predicts token t + 1: the answer is predicted from one position earlier.
    predicted = logits[:, -width - 1 : -1].float()
    tokens = torch.nn.functional.cross_entropy(predicted.transpose(1, 2), labels, reduction="none")
    mask = label_mask.float()
    return (tokens * mask).sum(dim=1) / mask.sum(dim=1)


def _to_pil(pixels: torch.Tensor) -> Image.Image:
    levels = (pixels * LEVELS).round().clamp(0, LEVELS).to(torch.uint8)
    return Image.fromarray(levels.permute(1, 2, 0).cpu().numpy())


def _unsupported(model: Any, why: str) -> UnsupportedModelError:
    model_type = getattr(getattr(model, "config", None), "model_type", type(model).__name__)
    return UnsupportedModelError(
        f"Cannot attack model type '{model_type}': {why}. The PGD image attack supports image "
        "processors that give one (C, H, W) pixel_values image per input by resize/crop, "
        "rescale and normalise (LLaVA-style, e.g. llava and mmtrust's reference model); "
        "patchified layouts (qwen2_vl) and tiled ones (llava_next) are not supported."
    )


@contextmanager
def _attack_mode(model: Any, tokenizer: Any) -> Iterator[None]:
    """Eval mode, no parameter gradients (only the image's), prompts padded on the left (so
    each ends where its answer begins); the caller's settings restored afterwards."""
    training, side = model.training, tokenizer.padding_side
    trainable = [p for p in model.parameters() if p.requires_grad]
    model.eval()
    tokenizer.padding_side = "left"
    for parameter in trainable:
        parameter.requires_grad_(False)
    try:
        with torch.enable_grad():
            yield
    finally:
        for parameter in trainable:
            parameter.requires_grad_(True)
        model.train(training)
        tokenizer.padding_side = side
