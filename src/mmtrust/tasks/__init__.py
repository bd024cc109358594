"""mmtrust's Inspect tasks, by short name."""

from collections.abc import Callable

from inspect_ai import Task

from mmtrust.tasks.calibration import calibration
from mmtrust.tasks.consistency import (
    consistency_masking,
    consistency_rephrasing,
    consistency_restyling,
)
from mmtrust.tasks.idk import idk
from mmtrust.tasks.mossbench import mossbench
from mmtrust.tasks.mub import mub_explicit, mub_implicit, mub_misleading
from mmtrust.tasks.oversensitivity import trustworld_oversensitivity

MMTRUST_TASKS: dict[str, Callable[..., Task]] = {
    "mub_misleading": mub_misleading,
    "mub_explicit": mub_explicit,
    "mub_implicit": mub_implicit,
    "calibration": calibration,
    "idk": idk,
    "consistency_rephrasing": consistency_rephrasing,
    "consistency_restyling": consistency_restyling,
    "consistency_masking": consistency_masking,
    "mossbench": mossbench,
    "trustworld_oversensitivity": trustworld_oversensitivity,
}
