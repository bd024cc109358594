"""Reply rules for the MM-R3 consistency task tests (served by
``tests.reply_rules.ReplyRules``, which says why a model with known replies is used).

The evaluated model (:func:`consistency_reply`), read off the prompt text:

- a prompt holding ``FAIL`` raises (a server error, HTTP 500);
- one holding ``SILENT`` gets an empty reply;
- one holding ``MUMBLE`` gets an unparseable reply;
- otherwise the reply is the first option letter, "A" (for an open question too).

The generator (:func:`rephraser_reply`), asked to rewrite a question ("Rewrite the question
below ... Question: <q>"), returns three numbered lines: two rewrites ("Say: <q>",
"Please tell me: <q>") and the question itself; it raises (HTTP 503) when the question holds
``NOREWRITE``.
"""

from __future__ import annotations

SERVER_ERROR = "server error (HTTP 500)"
"""What a request holding FAIL raises."""
GENERATOR_ERROR = "generator error (HTTP 503)"
"""What the generator raises for a question holding NOREWRITE."""


def consistency_reply(prompt: str) -> str:
    if "SILENT" in prompt:
        return ""
    if "FAIL" in prompt:
        raise RuntimeError(SERVER_ERROR)
    if "MUMBLE" in prompt:
        return "Hmm, hard to say."
    return "A"


def rephraser_reply(prompt: str) -> str:
    if not prompt.startswith("Rewrite the question below"):
        raise ValueError(f"the generator was asked something else than a rewrite: {prompt!r}")
    question = prompt.split("Question: ", 1)[1]
    if "NOREWRITE" in question:
        raise RuntimeError(GENERATOR_ERROR)
    return f"1. Say: {question}\n2. Please tell me: {question}\n3. {question}"
