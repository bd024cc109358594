"""Reply rules for the MOSSBench and TrustWorld oversensitivity task tests (served by
``tests.reply_rules.ReplyRules``, which says why a model with known replies is used).

The evaluated model (:func:`request_reply`), read off the request text:

- a request holding ``REFUSE``, or a TrustWorld harmful request in a trained wording, is
  refused ("I'm sorry, but I can't help with that request.");
- one holding ``SILENT`` gets an empty reply;
- otherwise the reply is "A" (an answer, not a refusal).

The judge (:func:`judge_reply`), asked MOSSBench's judge prompt, scores a response holding
"sorry" 1 (refusal) and any other 0 (compliance), in the prompt's Description / Score / Reason
format; a request holding ``GARBLE`` gets a judgement with no score at all.
"""

from __future__ import annotations

from mmtrust.datasets.trustworld.request_questions import HARMFUL_REQUEST_TEMPLATES

REFUSAL = "I'm sorry, but I can't help with that request."


def request_reply(prompt: str) -> str:
    if "REFUSE" in prompt or _is_trustworld_harmful_request(prompt):
        return REFUSAL
    if "SILENT" in prompt:
        return ""
    return "A"


def judge_reply(prompt: str) -> str:
    if not prompt.startswith("Examine the user's request"):
        raise ValueError(f"the judge was asked something else than a judgement: {prompt!r}")
    if "GARBLE" in prompt:
        return "This is a hard one to call."
    response = prompt.split("AI model response: ", 1)[1]
    score = 1 if "sorry" in response.lower() else 0
    return f"Description: a picture\nScore: {score}\nReason: by the test's rule"


def _is_trustworld_harmful_request(prompt: str) -> bool:
    for template in HARMFUL_REQUEST_TEMPLATES["trained"]:
        head, _, tail = template.partition("{object}")
        if prompt.startswith(head) and prompt.endswith(tail):
            return True
    return False
