"""The reference model: a small LLaVA trained by this project on TrustWorld.

Its weights ship inside the package (``weights/``), so that every pipeline runs offline
with no download. ``mmtrust.reference.train`` reproduces them from a seed.
"""

from pathlib import Path

REFERENCE_MODEL_NAME = "reference"
REFERENCE_MODEL_DIR = Path(__file__).parent / "weights"


class ReferenceModelMissingError(FileNotFoundError):
    """The packaged reference weights are absent (e.g. a partial checkout)."""


def reference_model_dir() -> Path:
    """Directory of the packaged reference model, checked to be loadable."""
    if not (REFERENCE_MODEL_DIR / "config.json").is_file():
        raise ReferenceModelMissingError(
            f"The reference model weights are missing from {REFERENCE_MODEL_DIR}. "
            "Rebuild them with `python -m mmtrust.reference.train`."
        )
    return REFERENCE_MODEL_DIR
