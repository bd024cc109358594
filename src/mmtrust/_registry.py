"""Inspect entry point: importing this module registers mmtrust's tasks and model providers.

``pyproject.toml`` declares it under the ``inspect_ai`` entry-point group, so that
``inspect eval mmtrust/<task> --model hf-vlm/<path>`` works without importing mmtrust by hand.
"""

from mmtrust.models.local_vlm import LocalVisionLanguageAPI, ReferenceModelAPI  # noqa: F401
from mmtrust.tasks.calibration import calibration  # noqa: F401
from mmtrust.tasks.consistency import (  # noqa: F401
    consistency_masking,
    consistency_rephrasing,
    consistency_restyling,
)
from mmtrust.tasks.idk import idk  # noqa: F401
from mmtrust.tasks.mossbench import mossbench  # noqa: F401
from mmtrust.tasks.mub import mub_explicit, mub_implicit, mub_misleading  # noqa: F401
from mmtrust.tasks.oversensitivity import trustworld_oversensitivity  # noqa: F401
