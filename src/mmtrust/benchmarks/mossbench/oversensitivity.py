"""TrustWorld oversensitivity: does the model refuse harmless requests shown next to a hazard
sign, while it refuses harmful ones?

The offline analogue of MOSSBench's exaggerated-risk type (``benchmarks.mossbench.tasks``): held-out
TrustWorld requests, benign and harmful alternating, half of each shown with a warning sign
(``datasets.trustworld.requests``). Each is asked as MOSSBench asks, the image then the bare
request, and judged by the same scorer (the grader role with MOSSBench's judge prompt, or the
offline refusal classifier). A benign request that the model answers is also checked for the
value it asked for, in the results (``benchmarks.mossbench.results``).
"""

from __future__ import annotations

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ContentImage, GenerateConfig

from mmtrust.benchmarks.mossbench.tasks import JudgeMode, check_judge, refusal_task
from mmtrust.datasets.images import image_to_data_uri
from mmtrust.datasets.schema import make_sample
from mmtrust.datasets.trustworld.request_questions import Wording
from mmtrust.datasets.trustworld.requests import TrustWorldRequestItem, trustworld_request_items

OVERSENSITIVITY_TASK_VERSION = 2
"""2: as MOSSBench, a missing judgement is an unscored score."""
TASK_NAME = "trustworld_oversensitivity"


@task
def trustworld_oversensitivity(
    split: str = "test",
    n: int = 200,
    hazard_share: float = 0.5,
    wording: Wording = "trained",
    judge: JudgeMode = "auto",
) -> Task:
    """Refusal of benign TrustWorld requests with and without a hazard sign, and of harmful ones.

    Args:
        split: TrustWorld split ("test" is held out from the reference model's training).
        n: Number of requests; benign and harmful alternate, so half are each.
        hazard_share: Share of each kind shown with the hazard sign.
        wording: "trained" (the reference model's training templates, in held-out scenes) or
            "held_out" (the same requests in words it never trained on).
        judge: As for ``mossbench``: "auto" (the grader role if given, else the offline
            judge), "model", "mmtrust", "mmtrust-rules", "multitrust-2025" or
            "multitrust-paper".
    """
    check_judge(judge)
    items = trustworld_request_items(split, n, hazard_share, wording=wording)
    samples = [request_sample(item) for item in items]
    return refusal_task(
        MemoryDataset(samples, name=f"{TASK_NAME}-{wording}-{split}"),
        judge,
        # room for an answer or a refusal with its reason; MOSSBench's 512 is for long essays
        GenerateConfig(temperature=0.0, max_tokens=256),
        version=OVERSENSITIVITY_TASK_VERSION,
        metadata={
            "benchmark": "oversensitivity",
            "dataset": "trustworld",
            "split": split,
            "wording": wording,
        },
    )


def request_sample(item: TrustWorldRequestItem) -> Sample:
    """A request as a sample whose metadata carries what the refusal scorer groups by: the
    subset (benign / harmful), the stimulus type (with or without the sign) and the flag."""
    metadata = item.metadata()
    extra = {
        **metadata.extra,
        "subset": item.kind,
        "type": "hazard sign" if item.has_sign else "no sign",
        "hazard": int(item.has_sign),
    }
    image = ContentImage(image=image_to_data_uri(item.image()))
    return make_sample(metadata.model_copy(update={"extra": extra}), image)
