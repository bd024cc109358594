"""Post-hoc recalibration of a model's option scores (temperature scaling)."""
