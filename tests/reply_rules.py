"""Models whose every reply is known, for checking the pipelines' bookkeeping exactly.

This is the one mock of the suite, and it is one on purpose: to check that every request,
outcome and count is right we need a model whose every reply is known in advance. Real models
(the reference model, tiny LLaVA / Qwen2-VL) are exercised in the other tests.

Each benchmark's tests bring their own reply rules (``tests/<benchmark>/replies.py``): a
function from the text of the last message of a request to the reply, which may raise to stand
for a server error. :class:`ReplyRules` wraps one such function, records the prompts it was
sent on its own instance (two tests never share a record) and serves the rules through
Inspect's own ``mockllm`` provider (a callable ``custom_outputs``), so the requests go through
Inspect's real model machinery. An exception raised by the rules propagates as a provider's
error would; mmtrust's solvers (``mmtrust.solving.generate_or_failure``) turn it into the
item's error.
"""

from __future__ import annotations

from collections.abc import Callable

from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    Model,
    ModelOutput,
    ModelUsage,
    get_model,
)
from inspect_ai.tool import ToolChoice, ToolInfo

MODEL_NAME = "mockllm/model"
"""The name a ReplyRules model has unless told otherwise (results record it as the model)."""


class ReplyRules:
    """Reply rules served as an Inspect model, with the prompts they were sent."""

    def __init__(self, reply: Callable[[str], str], name: str = MODEL_NAME) -> None:
        """``reply``: prompt text of the last message -> reply (it may raise). ``name``: the
        model's name, ``mockllm/<anything>`` (a judge can be told apart from the evaluated
        model by it)."""
        self.reply = reply
        self.requests: list[str] = []
        """Every prompt text this model received, in order (failed requests too)."""
        self.model: Model = get_model(name, custom_outputs=self._output, memoize=False)
        """A model of its own: never shared with another test's."""

    def _output(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        prompt = input[-1].text
        self.requests.append(prompt)
        output = ModelOutput.from_content(model=self.model.name, content=self.reply(prompt))
        # with no usage, mockllm counts tokens with tiktoken, which downloads its tables
        words = sum(len(message.text.split()) for message in input)
        replied = len(output.completion.split())
        output.usage = ModelUsage(
            input_tokens=words, output_tokens=replied, total_tokens=words + replied
        )
        return output
