"""Calibration with and without the image: the conditions' images, the paired shift, and a run
of the reference model in every condition (it answers questions about a picture, so without
one its accuracy must fall)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pytest
from inspect_ai.log import EvalLog, resolve_sample_attachments
from inspect_ai.model import ContentImage
from PIL import Image

from mmtrust.benchmarks.calibration.condition_shift import PairedItem, condition_shift
from mmtrust.benchmarks.calibration.image_conditions import (
    BLANK_GREY,
    CONDITION_KEY,
    conditioned_image,
    parse_image_conditions,
)
from mmtrust.benchmarks.calibration.tasks import calibration
from mmtrust.datasets.images import image_to_data_uri
from mmtrust.report.html import render_report
from mmtrust.report.runs import Run
from tests.calibration.reference_runs import run_on_reference

CONDITIONS = ("shown", "none", "blank", "noise")
N_ITEMS = 60


def _decoded(content: ContentImage) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(content.image.split(",", 1)[1])))


def test_conditions_are_parsed_and_bad_ones_refused() -> None:
    assert parse_image_conditions(" shown, none ") == ("shown", "none")
    with pytest.raises(ValueError, match="comma-separated list of shown, none, blank, noise"):
        parse_image_conditions("shown,sepia")
    with pytest.raises(ValueError, match="twice"):
        parse_image_conditions("none,none")
    with pytest.raises(ValueError):
        parse_image_conditions("")


def test_blank_and_noise_images_keep_the_size_and_drop_the_content(tmp_path: Path) -> None:
    picture = Image.new("RGB", (40, 24), (10, 200, 30))
    shown = ContentImage(image=image_to_data_uri(picture))
    assert conditioned_image(shown, "shown", "x") is shown
    assert conditioned_image(shown, "none", "x") is None
    assert conditioned_image(None, "noise", "x") is None  # a text-only item stays text-only
    blank = conditioned_image(shown, "blank", "x")
    assert blank is not None
    blank_pixels = np.asarray(_decoded(blank))
    assert blank_pixels.shape == (24, 40, 3) and (blank_pixels == BLANK_GREY).all()
    noise_a, noise_a_again, noise_b = (
        conditioned_image(shown, "noise", seed) for seed in ("item-a", "item-a", "item-b")
    )
    assert noise_a is not None and noise_a_again is not None and noise_b is not None
    pixels = np.asarray(_decoded(noise_a))
    assert pixels.shape == (24, 40, 3) and pixels.std() > 50  # uniform noise: std about 74
    assert noise_a.image == noise_a_again.image  # seeded by the item: reproducible
    assert noise_a.image != noise_b.image
    # an image given as a file path (MUB's loader) is measured from the file
    path = tmp_path / "scene.png"
    picture.save(path)
    from_file = conditioned_image(ContentImage(image=str(path)), "blank", "x")
    assert from_file is not None and _decoded(from_file).size == (40, 24)


def test_the_paired_shift_is_computed_item_by_item() -> None:
    pairs = [
        PairedItem(True, False, 0.9, 0.5),
        PairedItem(True, True, 0.8, 0.6),
        PairedItem(False, True, 0.7, 0.7),
        PairedItem(True, False, 0.6, None),  # answered in both, no confidence in one
    ]
    shift = condition_shift(pairs)
    assert shift.paired_items == 4 and shift.confidence_pairs == 3
    mean = shift.mean_confidence_shift
    assert mean is not None
    assert mean == pytest.approx((-0.4 - 0.2 + 0.0) / 3)
    low, high = shift.mean_confidence_shift_ci95 or (0.0, 0.0)
    assert low < mean < high
    assert (shift.correct_to_wrong, shift.wrong_to_correct) == (2, 1)
    assert shift.accuracy_shift == pytest.approx(-1 / 4)
    assert shift.mcnemar_p == pytest.approx(1.0)  # 2 vs 1 discordant pairs: no evidence
    empty = condition_shift([])
    assert empty.mean_confidence_shift is None and empty.mcnemar_p is None


@pytest.fixture(scope="module")
def conditions_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[EvalLog, Run]:
    task = calibration(n=N_ITEMS, fit_split="", prompt="mub", image_conditions=",".join(CONDITIONS))
    return run_on_reference(task, tmp_path_factory.mktemp("conditions"))


def test_every_item_is_asked_in_every_condition_with_its_image_replaced(
    conditions_run: tuple[EvalLog, Run],
) -> None:
    log, _ = conditions_run
    assert log.status == "success"
    seen: dict[str, set[str]] = {condition: set() for condition in CONDITIONS}
    for logged in log.samples or []:
        # the log keeps each image once, as an attachment the messages point to
        sample = resolve_sample_attachments(logged)
        condition = sample.metadata["extra"][CONDITION_KEY]
        seen[condition].add(sample.metadata["item_id"])
        assert (condition == "shown") == ("@" not in str(sample.id)), sample.id
        content = sample.messages[0].content
        images = [part for part in content if isinstance(part, ContentImage)]
        assert len(images) == (0 if condition == "none" else 1), sample.id
        if condition == "blank":
            assert (np.asarray(_decoded(images[0])) == BLANK_GREY).all()
    assert all(len(items) == N_ITEMS for items in seen.values())
    assert len({frozenset(items) for items in seen.values()}) == 1  # the same items


def test_each_condition_has_its_metrics_and_the_shift_from_the_image(
    conditions_run: tuple[EvalLog, Run],
) -> None:
    _, run = conditions_run
    m = run.metrics
    table = m["image_conditions"]
    assert list(table) == list(CONDITIONS)
    assert run.n == N_ITEMS  # the headline metrics are the reference condition's
    assert table["shown"]["accuracy"] == pytest.approx(m["accuracy"])
    assert table["shown"]["ece"] == pytest.approx(m["ece"])
    assert "shift" not in table["shown"]
    for condition in CONDITIONS[1:]:
        entry = table[condition]
        assert entry["n"] == N_ITEMS and 0.0 <= entry["ece"] <= 1.0
        assert 0 < entry["shift"]["paired_items"] <= N_ITEMS
    # the reference model answers about a picture: with none it falls towards chance, and
    # clearly so on the same items (an implementation that kept the image would not fail)
    none = table["none"]
    assert none["accuracy"] < m["accuracy"] - 0.15
    assert none["shift"]["correct_to_wrong"] > none["shift"]["wrong_to_correct"]
    assert none["shift"]["mcnemar_p"] < 0.05


def test_the_report_shows_the_conditions_side_by_side(
    conditions_run: tuple[EvalLog, Run],
) -> None:
    _, run = conditions_run
    page = render_report([run])
    assert 'id="calibration-image-conditions"' in page
    for label in ("image shown", "no image (text only)", "blank grey image", "random-noise"):
        assert label in page
    shift = run.metrics["image_conditions"]["none"]["shift"]["mean_confidence_shift"]
    assert f"{shift:.3f}" in page
