"""Rephrasings of any question by the generator model role (MM-R3's rephrasings were written
by an LLM); TrustWorld also has an offline rephraser (``perturb.rephrase``)."""

from __future__ import annotations

from typing import Any, Literal

from inspect_ai.model import ChatMessageUser, get_model

from mmtrust.datasets.schema import ItemMetadata
from mmtrust.generated_text import strip_list_marker
from mmtrust.solving import GENERATOR_ROLE, generate_or_failure

Rephraser = Literal["offline", "generator"]
REPHRASE_REQUEST = (
    "Rewrite the question below in {count} different ways. Each rewrite must ask exactly the "
    "same thing, so that it has the same answer. Write one rewrite per line and nothing "
    "else.\nQuestion: {question}"
)


def parse_rephrasings(reply: str, original: str, count: int) -> list[str]:
    """Up to ``count`` distinct rephrasings, one per line, numbering and quotes stripped; the
    original question and repeats are dropped."""
    seen = {original.strip().casefold()}
    found = []
    for line in reply.splitlines():
        text = strip_list_marker(line).strip().strip("\"'“”")
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            found.append(text)
    return found[:count]


async def generated_variants(
    item: ItemMetadata, original: dict[str, Any], count: int
) -> tuple[list[dict[str, Any]], str | None]:
    """``count`` variants of ``original`` with the generator's rephrasings (same image), and
    why there are none when the generator fails (the group is then asked as it is)."""
    request = REPHRASE_REQUEST.format(count=count, question=item.question)
    generator = get_model(role=GENERATOR_ROLE)
    output = await generate_or_failure(generator, [ChatMessageUser(content=request)])
    if isinstance(output, str):
        return [], output
    rephrased = parse_rephrasings(output.completion, item.question, count)
    if not rephrased:
        return [], f"no rephrasing in the generator's reply {output.completion[:200]!r}"
    return [
        {**original, "question": question, "label": f"rephrasing {index}"}
        for index, question in enumerate(rephrased, start=1)
    ], None
