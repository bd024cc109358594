"""The calibration artifact: temperatures fitted for one model, saved for later runs.

``mmtrust calibrate LOG_DIR`` writes one from the calibration runs of a log folder; a later
``calibration`` run given ``temperatures=FILE`` reports its metrics under those temperatures
(``ece_artifact``) without asking any calib items again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ARTIFACT_VERSION = 1


@dataclass(frozen=True)
class CalibrationArtifact:
    model: str
    """The model the temperatures were fitted for (as Inspect names it)."""
    temperatures: dict[str, float]
    """One temperature per answer format ("mc", "yn")."""
    task: str = "calibration"
    fitted_on: dict[str, Any] = field(default_factory=dict)
    """Dataset, split, prompt style and item counts of the fit."""
    log: str | None = None
    """The Inspect log the fit came from."""
    version: int = ARTIFACT_VERSION

    def save(self, path: Path | str) -> None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | str) -> CalibrationArtifact:
        source = Path(path)
        try:
            raw = json.loads(source.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"no calibration artifact at {source}") from None
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{source} is not a calibration artifact (bad JSON: {error})"
            ) from None
        temperatures = raw.get("temperatures") if isinstance(raw, dict) else None
        if (
            not isinstance(temperatures, dict)
            or not temperatures
            or not all(isinstance(v, int | float) and v > 0 for v in temperatures.values())
        ):
            raise ValueError(
                f"{source}: 'temperatures' must map answer formats (mc, yn) to positive numbers"
            )
        if raw.get("version", ARTIFACT_VERSION) != ARTIFACT_VERSION:
            raise ValueError(f"{source}: artifact version {raw.get('version')} is not supported")
        return cls(
            model=str(raw.get("model", "")),
            temperatures={str(k): float(v) for k, v in temperatures.items()},
            task=str(raw.get("task", "calibration")),
            fitted_on=dict(raw.get("fitted_on") or {}),
            log=raw.get("log"),
        )
