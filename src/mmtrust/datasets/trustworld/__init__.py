"""TrustWorld: a seeded synthetic visual world with known ground truth.

Every item is a scene graph (``scene.py``), its rendered image (``render.py``) and a question
read off the graph (``questions.py``). Splits come from disjoint seed ranges, so a model trained
on ``train`` is never tested on a scene seed it saw.
"""

from mmtrust.datasets.trustworld.dataset import (
    DEFAULT_SPLIT_SIZES,
    SPLITS,
    TrustWorldItem,
    trustworld_dataset,
    trustworld_items,
)
from mmtrust.datasets.trustworld.questions import QUESTION_FAMILIES, Question
from mmtrust.datasets.trustworld.render import render_scene
from mmtrust.datasets.trustworld.request_questions import REFUSAL_ANSWER, REQUEST_FAMILIES
from mmtrust.datasets.trustworld.requests import TrustWorldRequestItem, trustworld_request_items
from mmtrust.datasets.trustworld.scene import (
    Scene,
    SceneHazard,
    SceneObject,
    SceneSpec,
    generate_scene,
)

__all__ = [
    "DEFAULT_SPLIT_SIZES",
    "QUESTION_FAMILIES",
    "REFUSAL_ANSWER",
    "REQUEST_FAMILIES",
    "SPLITS",
    "Question",
    "Scene",
    "SceneHazard",
    "SceneObject",
    "SceneSpec",
    "TrustWorldItem",
    "TrustWorldRequestItem",
    "generate_scene",
    "render_scene",
    "trustworld_dataset",
    "trustworld_items",
    "trustworld_request_items",
]
