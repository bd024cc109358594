"""Mitigations: methods that make a model more trustworthy, measured with the toolkit's metrics."""
