"""mmtrust: measure and improve how far a multimodal LLM can be trusted."""

__version__ = "0.1.0"
