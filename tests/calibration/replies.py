"""Reply rules for the calibration and IDK task tests (served by
``tests.reply_rules.ReplyRules``, which says why a model with known replies is used).

Read off the prompt text:

- a prompt holding ``FAIL`` raises (a server error, HTTP 500);
- a question holding ``ABSENT`` is abstained on when the prompt allows it: "E" when
  "E: I don't know" is an option, "I don't know." when an instruction says to answer
  "I don't know";
- a question holding ``MUMBLE`` gets an unparseable reply;
- otherwise the reply is the first option letter, "A";
- a prompt asking for a stated confidence ("as: Confidence: <number>") gets
  "Confidence: 80" on a new line after the answer, or "Confidence: lots" (no usable
  confidence) when the question holds ``VAGUE``.
"""

from __future__ import annotations

SERVER_ERROR = "server error (HTTP 500)"
"""What a request holding FAIL raises."""


def calibration_reply(prompt: str) -> str:
    answer = _answer(prompt)
    if "as: Confidence: <number>" in prompt:
        return answer + ("\nConfidence: lots" if "VAGUE" in prompt else "\nConfidence: 80")
    return answer


def _answer(prompt: str) -> str:
    if "FAIL" in prompt:
        raise RuntimeError(SERVER_ERROR)
    if "ABSENT" in prompt and "E: I don't know" in prompt:
        return "E"
    if "ABSENT" in prompt and 'answer "I don\'t know"' in prompt:
        return "I don't know."
    if "MUMBLE" in prompt:
        return "Hmm, hard to say."
    return "A"
