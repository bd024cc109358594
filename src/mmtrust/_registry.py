"""Inspect entry point: importing this module registers mmtrust's tasks and model providers.

``pyproject.toml`` declares it under the ``inspect_ai`` entry-point group, so that
``inspect eval mmtrust/<task> --model hf-vlm/<path>`` works without importing mmtrust by hand.
Importing the benchmark list imports every benchmark's ``@task`` functions.
"""

from mmtrust.benchmarks import BENCHMARKS  # noqa: F401
from mmtrust.models.local_vlm import LocalVisionLanguageAPI, ReferenceModelAPI  # noqa: F401
