"""MultiTrust on TrustWorld: offline analogues of the tasks TrustWorld can stand in for.

MultiTrust's data is gated and cannot ship; these analogues keep each task's construct, its
prompt templates (verbatim) and its evaluators, on TrustWorld test scenes whose every answer
the scene graph knows. Each sub-dataset takes the toolbox name of the one it stands in for,
so the task's formula applies unchanged; a task whose analogue lacks some of its
sub-datasets gets a score marked partial. Every result says "TrustWorld analogue": these are
not MultiTrust's numbers.

- T.1: existence and attribute statements (yes/no), OCR of the rendered letter, grounding of an
  object against the scene graph's box (``render.object_box``).
- T.4 / T.7: questions that need the image, asked with it, without it and with each of the
  three unrelated images (T.7's misleading-image sub-dataset has no analogue).
- T.5: the question with MUB's explicit misleading line naming a wrong answer.
- R.1 / R.2: the scene restyled (posterise, sketch; thermal, X-ray-like), asked questions whose
  answers survive the style (count, letter): R.1 judged for consistency, R.2 rated.
- R.3 / R.6: the question reworded in an unfamiliar register / misspelt (``perturb.typos``).
  The robustness analogues ask the bare question (BenchLMM's way, R.2's template; MultiTrust's
  R.1, R.3 and R.6 prompts are a description request and text-classification instructions,
  which have no TrustWorld counterpart), and carry a ``clean`` group: the same items
  unperturbed, the baseline the drop is read against.
- R.4 / R.5: projected-gradient images against a local model (``adversarial``), untargeted
  (away from the model's clean reply) and targeted (towards a wrong answer).
Questions are asked open (no options): the open answers are judged against the truth, offline
through the closed-form matcher, or by the grader role.
"""

from __future__ import annotations

import hashlib
import importlib
import random
from collections.abc import Callable, Sequence
from pathlib import Path

from inspect_ai.dataset import Sample
from PIL import Image

from mmtrust.benchmarks.multitrust import prompts as p
from mmtrust.benchmarks.multitrust.items import RawItem
from mmtrust.benchmarks.multitrust.rows import (
    UNRELATED,
    Evaluator,
    ImageVariant,
    SubDataset,
    TaskSpec,
)
from mmtrust.benchmarks.multitrust.samples import item_samples
from mmtrust.benchmarks.multitrust.unrelated import cache_dir
from mmtrust.datasets.trustworld import TrustWorldItem, trustworld_items
from mmtrust.datasets.trustworld.render import DEFAULT_IMAGE_SIZE, object_box
from mmtrust.datasets.trustworld.scene import COLOURS
from mmtrust.perturb.misleading import DEFAULT_EXPLICIT_TEMPLATE
from mmtrust.perturb.restyle import apply_restyle
from mmtrust.perturb.typos import character_typos, word_restyle

DEFAULT_ITEMS = 16
"""Items per sub-dataset by default: sized so the whole offline suite fits the demo."""
SPLIT = "test"
OPEN_FAMILIES = ("colour", "count", "text")
"""Questions with a one-word answer the closed-form matcher can judge."""
STYLE_SAFE_FAMILIES = ("count", "text")
"""Their answers survive restyles that drop or remap colour (``perturb.restyle``)."""
Pair = tuple[SubDataset, RawItem]
ANALOGUE_SOURCE = "trustworld"


def _sub(
    name: str, prompt: str, evaluator: Evaluator, judge: str | None, image: ImageVariant = "own"
) -> SubDataset:
    # "annotation" names what the items are drawn from, for reports and unrelated-image keys
    return SubDataset(name, f"trustworld/{SPLIT}", "trustworld", (prompt,), evaluator, judge, image)


def _items(families: Sequence[str], n: int, offset: int = 0) -> list[TrustWorldItem]:
    """``n`` test items of ``families``; ``offset`` draws a different stretch of the split, so
    that sub-datasets of one task do not all ask the same scenes."""
    return trustworld_items(SPLIT, n + offset, families=list(families))[offset:]


def image_file(image: Image.Image, key: str) -> Path:
    """The image as a PNG in the cache, named by its pixels (written once)."""
    digest = hashlib.sha256(image.tobytes() + key.encode()).hexdigest()[:24]
    path = cache_dir().parent / "trustworld" / f"{digest}.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        image.save(partial, format="PNG")
        partial.replace(path)
    return path


def _raw(
    item: TrustWorldItem,
    statement: str,
    truth: str,
    image: Image.Image | None = None,
    **extra: object,
) -> RawItem:
    picture = item.image() if image is None else image
    return RawItem(
        item_id=item.item_id,
        fields={"statement": statement},
        truth=truth,
        image=image_file(picture, item.item_id),
        extra={
            "family": item.question.family,
            "scene_id": item.scene.scene_id,
            "question": statement,
            **extra,
        },
    )


def _open_truth(item: TrustWorldItem) -> str:
    return item.question.answer_text


def _basic(n: int, seed: int) -> list[Pair]:
    pairs: list[Pair] = []
    objects = _sub("d-basic-object", p.BASIC_YES_NO, "yes_no", None)
    for item in _items(["existence"], n):
        pairs.append((objects, _raw(item, item.question.text, item.question.answer)))
    attribute = _sub("d-basic-attribute", p.BASIC_YES_NO, "yes_no", None)
    rng = random.Random(seed)
    for k, item in enumerate(_items(["colour"], n, offset=n)):
        target = item.scene.object(item.question.subject["object_ids"][0])  # type: ignore[index]
        colour = target.colour
        if k % 2:
            colour = rng.choice([c for c in COLOURS if c != target.colour])
        statement = f"Is the {target.shape} {colour}?"
        truth = "Yes" if colour == target.colour else "No"
        pairs.append((attribute, _raw(item, statement, truth)))
    ocr = _sub("g-basic-ocr", p.BASIC_OCR, "ocr_judge", p.OCR_JUDGE)
    for item in _items(["text"], n):
        pairs.append((ocr, _raw(item, item.question.text, _open_truth(item))))
    grounding = _sub("g-basic-grounding", p.BASIC_GROUNDING, "grounding", p.GROUNDING_JUDGE)
    for item in _items(["colour"], n, offset=2 * n):
        target = item.scene.object(item.question.subject["object_ids"][0])  # type: ignore[index]
        # a large jittered object may reach past the image's edge: its visible box is clipped
        box = [round(min(1.0, max(0.0, v)), 4) for v in object_box(target, item.scene.grid)]
        raw = _raw(
            item,
            f"The {target.colour} {target.shape}.",
            str(box),
            img_size=(DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE),
        )
        pairs.append((grounding, raw))
    return pairs


def _with_and_without_image(prefix: str, names: dict[ImageVariant, str], n: int) -> list[Pair]:
    pairs: list[Pair] = []
    items = _items(OPEN_FAMILIES, n)
    for variant, suffix in names.items():
        sub = _sub(
            f"{prefix}{suffix}", p.ASSISTANCE, "consistency_judge", p.CONSISTENCY_JUDGE, variant
        )
        pairs += [(sub, _raw(item, item.question.text, _open_truth(item))) for item in items]
    return pairs


_UNRELATED_NAMES: dict[ImageVariant, str] = {
    v: f"unrelated-image-{v.split('-')[1]}" for v in UNRELATED
}


def _assistance(n: int, seed: int) -> list[Pair]:
    names: dict[ImageVariant, str] = {"none": "text", "own": "image", **_UNRELATED_NAMES}
    return _with_and_without_image("visual-assistance-", names, n)


def _misvisual(n: int, seed: int) -> list[Pair]:
    names: dict[ImageVariant, str] = {"own": "assistance", "none": "none", **_UNRELATED_NAMES}
    return _with_and_without_image("g-text-", names, n)


def _text_misleading(n: int, seed: int) -> list[Pair]:
    sub = _sub("g-text-misleading", p.TEXT_MISLEADING, "consistency_judge", p.CONSISTENCY_JUDGE)
    pairs: list[Pair] = []
    rng = random.Random(seed)
    for item in _items(OPEN_FAMILIES, n):
        wrong = [v for k, v in item.question.options.items() if k != item.question.answer]
        line = DEFAULT_EXPLICIT_TEMPLATE.format(X=rng.choice(wrong))
        statement = f"{item.question.text} {line}"
        pairs.append((sub, _raw(item, statement, _open_truth(item), misleading=line)))
    return pairs


CLEAN_BASELINE = "clean"
"""The robustness analogues' own group: the same items unperturbed, so the drop a perturbation
causes is seen beside it. No MultiTrust formula reads it."""


def _restyled(
    styles: dict[str, str], prompt: str, evaluator: Evaluator, judge: str, n: int, seed: int
) -> list[Pair]:
    items = _items(STYLE_SAFE_FAMILIES, n)
    clean = _sub(CLEAN_BASELINE, prompt, evaluator, judge)
    pairs: list[Pair] = [
        (clean, _raw(item, item.question.text, _open_truth(item))) for item in items
    ]
    for name, style in styles.items():
        sub = _sub(name, prompt, evaluator, judge)
        for item in items:
            image = apply_restyle(style, item.image(), seed)
            raw = _raw(item, item.question.text, _open_truth(item), image=image, style=style)
            pairs.append((sub, raw))
    return pairs


def _artistic(n: int, seed: int) -> list[Pair]:
    styles = {"coco-o-cartoon": "posterise", "coco-o-sketch": "edge_sketch"}
    return _restyled(styles, p.QUESTION_AS_IS, "consistency_judge", p.CONSISTENCY_JUDGE, n, seed)


def _sensor(n: int, seed: int) -> list[Pair]:
    styles = {"benchlmm-infrared": "thermal", "benchlmm-lxray": "xray"}
    return _restyled(styles, p.QUESTION_AS_IS, "rating", p.RATING_JUDGE, n, seed)


def _reworded(name: str, rewrite: Callable[[str, int], str], n: int, seed: int) -> list[Pair]:
    clean = _sub(CLEAN_BASELINE, p.QUESTION_AS_IS, "consistency_judge", p.CONSISTENCY_JUDGE)
    sub = _sub(name, p.QUESTION_AS_IS, "consistency_judge", p.CONSISTENCY_JUDGE)
    items = _items(OPEN_FAMILIES, n)
    pairs: list[Pair] = [
        (clean, _raw(item, item.question.text, _open_truth(item))) for item in items
    ]
    for k, item in enumerate(items):
        statement = rewrite(item.question.text, seed * 100_003 + k)
        pairs.append((sub, _raw(item, statement, _open_truth(item), original=item.question.text)))
    return pairs


def _ood_text(n: int, seed: int) -> list[Pair]:
    return _reworded("dt-related-image", word_restyle, n, seed)


def _adversarial_text(n: int, seed: int) -> list[Pair]:
    return _reworded("advglue-related-image", character_typos, n, seed)


def _elsewhere(module: str, function: str, *args: str) -> Callable[[int, int], list[Pair]]:
    """The analogue built by ``function`` of ``module`` (imported when first asked: those
    modules build on this one)."""

    def build(n: int, seed: int) -> list[Pair]:
        found = importlib.import_module(f"mmtrust.benchmarks.multitrust.{module}")
        pairs: list[Pair] = getattr(found, function)(*args, n, seed)
        return pairs

    return build


AnalogueBuilder = Callable[[int, int], list[Pair]]
ANALOGUES: dict[str, AnalogueBuilder] = {
    "T.1": _basic,
    "T.4": _assistance,
    "T.5": _text_misleading,
    "T.7": _misvisual,
    "R.1": _artistic,
    "R.2": _sensor,
    "R.3": _ood_text,
    "R.6": _adversarial_text,
    "S.2": _elsewhere("safety_analogue", "risk_pairs"),
    "S.4": _elsewhere("safety_analogue", "jailbreak_pairs", "S.4"),
    "S.5": _elsewhere("safety_analogue", "jailbreak_pairs", "S.5"),
    "S.6": _elsewhere("safety_analogue", "jailbreak_pairs", "S.6"),
    "F.5": _elsewhere("preference_analogue", "preference_pairs", "F.5"),
    "F.6": _elsewhere("independence_analogue", "independence_pairs"),
    "F.7": _elsewhere("preference_analogue", "preference_pairs", "F.7"),
    "P.1": _elsewhere("pii_analogue", "private_image_pairs"),
    "P.2": _elsewhere("pii_analogue", "private_question_pairs"),
    "P.5": _elsewhere("pii_analogue", "private_content_pairs"),
    "P.6": _elsewhere("pii_analogue", "conversation_pairs"),
}
"""Task id -> its analogue's (sub-dataset, record) pairs for (items per sub-dataset, seed).
R.4 and R.5 are built in ``adversarial_analogue`` (they need the attacked model)."""


def analogue_samples(
    spec: TaskSpec,
    subsets: str | Sequence[str] | None,
    n: int | None,
    seed: int,
    pairs: list[Pair] | None = None,
) -> tuple[list[Sample], dict[str, str], list[str]]:
    """The TrustWorld analogue's samples of ``spec`` (``n`` items per sub-dataset), with the
    sub-datasets it has no analogue for, and those it ran."""
    if pairs is None:
        if spec.task_id not in ANALOGUES:
            known = ", ".join(sorted([*ANALOGUES, "R.4", "R.5"]))
            raise ValueError(
                f"{spec.task_id} ({spec.title}) has no TrustWorld analogue: its construct needs "
                f"MultiTrust's own images. Tasks with one: {known}."
            )
        pairs = ANALOGUES[spec.task_id](n or DEFAULT_ITEMS, seed)
    wanted = None
    if subsets is not None:
        names = subsets.split(",") if isinstance(subsets, str) else list(subsets)
        wanted = {name.strip() for name in names if name.strip()}
    ran = list(dict.fromkeys(sub.name for sub, _ in pairs))
    if wanted is not None:
        unknown = wanted - set(ran)
        if unknown:
            raise ValueError(
                f"{spec.task_id}'s TrustWorld analogue has no sub-dataset {sorted(unknown)}; "
                f"it has: {', '.join(ran)}."
            )
        ran = [name for name in ran if name in wanted]
    samples: list[Sample] = []
    for sub, raw in pairs:
        if sub.name in ran:
            samples += item_samples(
                spec,
                sub,
                raw,
                source=ANALOGUE_SOURCE,
                seed=seed,
                root=None,
                unrelated_size=(DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE),
            )
    lacking = {s.name: "no TrustWorld analogue" for s in spec.subsets if s.name not in ran}
    return samples, lacking, ran
