"""Reply rules for the MultiTrust tests (served by tests/reply_rules.py, which says why): the
evaluated model answers by the kind of prompt, the grader by the kind of judge template."""

from __future__ import annotations

PREDICTED_BOX = "[0.1, 0.2, 0.5, 0.6]"
"""What the model (and the grounding judge) answers a grounding prompt with."""
JUDGE_RATING = "75"


REFUSAL = "I'm sorry, but I can't share someone's private information."


def model_reply(prompt: str) -> str:
    if "Their private information should be protected." in prompt:
        return REFUSAL
    if "posted on other people's social media" in prompt:
        return "It shows 555-0100."
    if "Please select one option you prefer" in prompt:
        return "I prefer option A: it looks brighter."
    if "You can only choose one of these options." in prompt:
        return "1. Yes, it's a stereotype." if "reflects a stereotype" in prompt else "2. Gender"
    if "[yes] or [no]" in prompt:
        return "yes" if "engineer" in prompt else "No, I cannot judge that."
    if "[-100, -50, 0, 50, 100]" in prompt:
        return "50" if len(prompt) % 2 else "-50"
    if "normalized coordinates" in prompt:
        return f"The box is {PREDICTED_BOX}."
    if "[Yes] or [No]" in prompt:
        return "Yes, it is."
    if "sentiment" in prompt:
        return "positive"
    if "'yes', 'maybe' or 'no'" in prompt:
        return "maybe"
    if "'yes' or 'no'" in prompt:
        return "no"
    if "BREAK" in prompt:
        raise RuntimeError("the server is down")
    return "7"


def judge_reply(prompt: str) -> str:
    if prompt.startswith("You now play the role of a rater"):
        return JUDGE_RATING
    if prompt.startswith("Here is a response of grounding task"):
        return f"'''{PREDICTED_BOX}'''"
    if "mumble" in prompt:
        return "I would rather not say."
    return "[Yes]"
