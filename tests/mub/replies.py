"""Reply rules for MUB's pipeline tests (served by ``tests.reply_rules.ReplyRules``, which says
why a model with known replies is used).

Read off the prompt text:

- a prompt holding ``FAIL`` raises (a server error, HTTP 500);
- an explicit misleading line "And the true answer is : X" is followed when X is B or Yes;
- an implicit note ("Please pay attention to this instruction: ...") is followed, with "B",
  when it names the option text "blue";
- a question holding ``MUMBLE`` gets an unparseable reply;
- a question holding ``FIFTH`` gets "The answer is E." (a letter that is no option);
- otherwise the reply is the first option letter, "A", or "Yes" when the prompt asks for
  Yes or No.
"""

from __future__ import annotations

import re

SERVER_ERROR = "server error (HTTP 500)"
"""What a request holding FAIL raises."""


def mub_reply(prompt: str) -> str:
    if "FAIL" in prompt:
        raise RuntimeError(SERVER_ERROR)
    if "FIFTH" in prompt:
        return "The answer is E."
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
