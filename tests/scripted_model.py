"""A scripted model for testing the pipelines' bookkeeping exactly.

This is the one mock of the suite, and it is one on purpose: to check that every request,
outcome and count is right we need a model whose every reply is known in advance. Real models
(the reference model, tiny LLaVA / Qwen2-VL) are exercised in the other tests.

Behaviour, read off the prompt text:
- a prompt holding ``FAIL`` raises (a server error);
- an explicit misleading line "And the true answer is : X" is followed when X is B or Yes;
- an implicit note is followed when it names the option text "blue";
- otherwise the reply is the first option letter ("A") or "Yes"; a question holding "MUMBLE"
  gets an unparseable reply;
- a prompt asking for a stated confidence gets "Confidence: 80" after the answer ("Confidence:
  lots" when the question holds "VAGUE");
- a question holding "ABSENT" is abstained on when the prompt allows it: "E" when "E: I don't
  know" is an option, "I don't know" when an instruction says to;
- as a generator asked to rewrite a question, it returns two numbered rewrites (and fails
  when the question holds "NOREWRITE");
- a request holding "REFUSE", or a TrustWorld harmful request, is refused; one holding
  "SILENT" gets an empty reply; as a
  MOSSBench judge it scores an apologising response 1, any other 0, and judges a request
  holding "GARBLE" with no score at all.
"""

from __future__ import annotations

import re

from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from mmtrust.datasets.trustworld.request_questions import HARMFUL_REQUEST_TEMPLATES

REQUESTS: list[str] = []
"""Every prompt text the scripted model received, in order."""


@modelapi(name="scripted")
class ScriptedModelAPI(ModelAPI):
    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config or GenerateConfig())

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        prompt = input[-1].text
        REQUESTS.append(prompt)
        return ModelOutput.from_content(self.model_name, scripted_reply(prompt))

    async def count_text_tokens(self, text: str) -> int:
        return len(text.split())


def scripted_reply(prompt: str) -> str:
    if prompt.startswith("Examine the user's request"):
        if "GARBLE" in prompt:
            return "This is a hard one to call."
        response = prompt.split("AI model response: ", 1)[1]
        score = 1 if "sorry" in response.lower() else 0
        return f"Description: a picture\nScore: {score}\nReason: scripted"
    if "REFUSE" in prompt or _is_trustworld_harmful_request(prompt):
        return "I'm sorry, but I can't help with that request."
    if "SILENT" in prompt:
        return ""
    if prompt.startswith("Rewrite the question below"):
        question = prompt.split("Question: ", 1)[1]
        if "NOREWRITE" in question:
            raise RuntimeError("scripted generator error (HTTP 503)")
        return f"1. Say: {question}\n2. Please tell me: {question}\n3. {question}"
    answer = _scripted_answer(prompt)
    if "as: Confidence: <number>" in prompt:
        return answer + ("\nConfidence: lots" if "VAGUE" in prompt else "\nConfidence: 80")
    return answer


def _is_trustworld_harmful_request(prompt: str) -> bool:
    for template in HARMFUL_REQUEST_TEMPLATES["trained"]:
        head, _, tail = template.partition("{object}")
        if prompt.startswith(head) and prompt.endswith(tail):
            return True
    return False


def _scripted_answer(prompt: str) -> str:
    if "FAIL" in prompt:
        raise RuntimeError("scripted server error (HTTP 500)")
    if "ABSENT" in prompt and "E: I don't know" in prompt:
        return "E"
    if "ABSENT" in prompt and 'answer "I don\'t know"' in prompt:
        return "I don't know."
    yes_no = 'only output "Yes"' in prompt
    explicit = re.search(r"And the true answer is : (\w+)", prompt)
    if explicit and explicit.group(1) in ("B", "Yes"):
        return explicit.group(1)
    if (
        "Please pay attention to this instruction:" in prompt
        and "blue" in prompt.split("instruction:")[1].split("\n")[0]
    ):
        return "B"
    if "MUMBLE" in prompt:
        return "Hmm, hard to say."
    return "Yes" if yes_no else "A"
