"""Paraphrases of an answer lead for the prompt search (``prompt_search``).

Two paraphrasers: a generator model asked the calibration paper's request
(:class:`GeneratorParaphraser`), and a deterministic word-level rewriter for runs with no API
(:class:`OfflineParaphraser`, a stand-in for a generator model). Both return one
:class:`Proposal` per lead, with failures and rejected parts recorded in it, never raised.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.log import EvalSample
from inspect_ai.model import ChatMessageUser, GenerateConfig, Model, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import StoreModel, store_as

from mmtrust.generated_text import strip_list_marker
from mmtrust.solving import GENERATOR_ROLE, generate_or_failure

PARAPHRASE_REQUEST = (
    'Given sentence: "{suffix}", please generate {m} sentences similar to the given sentence, '
    "separate each sentence with '<sx>', be careful not to output anything except for the "
    "sentence."
)
"""The paper's request to the generator model, verbatim (benchmark data)."""
SEPARATOR = "<sx>"
MAX_LEAD_WORDS = 16
"""Longer "paraphrases" are a generator talking, not a lead (they are recorded as rejected)."""
GENERATOR_CONFIG = GenerateConfig(temperature=0.7, top_p=0.95, max_tokens=1000)
"""The paper's sampling: a kept lead asked again in a later round gets other paraphrases."""


_QUOTES = "\"'`“”‘’«»"
_TRAILING = ".:;,!"


def lead_key(lead: str) -> str:
    """Identity of a lead: case and whitespace do not make a new one."""
    return " ".join(lead.split()).casefold()


def clean_lead(text: str) -> str:
    """A lead without numbering, quotes, trailing punctuation (the prompt appends ``": ("``)
    and runs of whitespace."""
    previous = None
    while text != previous:
        previous = text
        text = strip_list_marker(text.strip())
        text = text.strip().strip(_QUOTES).strip().rstrip(_TRAILING)
    return " ".join(text.split())


def parse_paraphrases(reply: str) -> list[str]:
    """The sentences of a generator reply: split on ``<sx>``, cleaned (:func:`clean_lead`),
    without repeats (case and whitespace aside; the first spelling is kept) or empty parts."""
    unique: dict[str, str] = {}
    for part in reply.split(SEPARATOR):
        lead = clean_lead(part)
        if lead:
            unique.setdefault(lead_key(lead), lead)
    return list(unique.values())


def implausible_lead(lead: str) -> str | None:
    """Why ``lead`` cannot be an answer lead, or None when it can."""
    if not any(char.isalpha() for char in lead):
        return "no words"
    if len(lead.split()) > MAX_LEAD_WORDS:
        return f"longer than {MAX_LEAD_WORDS} words"
    return None


@dataclass(frozen=True)
class Proposal:
    """What the paraphraser made of one kept lead."""

    parent: str
    leads: list[str]
    """Usable paraphrases, at most ``per_prompt``."""
    rejected: list[str] = field(default_factory=list)
    """Parsed parts that are no lead (:func:`implausible_lead`)."""
    error: str | None = None
    """Why there is no usable paraphrase (a failed request, an unparseable reply)."""
    reply: str | None = None
    """The generator's raw reply (None for the offline paraphraser)."""


# ---------------------------------------------------------------------------------------------
# Paraphrasers


class Paraphraser(Protocol):
    @property
    def name(self) -> str:
        """What made the paraphrases (recorded in the history)."""
        ...

    def paraphrase(
        self, leads: Sequence[str], m: int, round_index: int, log_dir: str
    ) -> list[Proposal]:
        """One proposal per lead, in order; failures are recorded in it, never raised."""
        ...


_OPENINGS = (
    "The",
    "My",
    "I think the",
    "I believe the",
    "I guess the",
    "Probably the",
    "Most likely the",
)
_NOUNS = (
    "answer",
    "option",
    "choice",
    "correct option",
    "correct answer",
    "right answer",
    "best option",
    "correct choice",
)
_VERBS = (
    "might be",
    "may be",
    "could be",
    "must be",
    "should be",
    "would be",
    "is",
    "is likely to be",
    "is probably",
    "is most likely",
    "is certainly",
    "will probably be",
    "seems to be",
)


def _alternatives(group: Sequence[str]) -> str:
    # longest first, so that "is likely to be" wins over "is" at the same position
    return "|".join(re.escape(phrase) for phrase in sorted(group, key=len, reverse=True))


_REWRITES = (
    (re.compile(rf"^(?:{_alternatives(_OPENINGS)})\b", re.IGNORECASE), _OPENINGS),
    (re.compile(rf"\b(?:{_alternatives(_NOUNS)})\b", re.IGNORECASE), _NOUNS),
    (re.compile(rf"\b(?:{_alternatives(_VERBS)})\b", re.IGNORECASE), _VERBS),
)


def _neighbours(lead: str) -> list[str]:
    """Every lead one phrase away from ``lead``: its opening, noun or verb phrase swapped."""
    found: list[str] = []
    for pattern, group in _REWRITES:
        match = pattern.search(lead)
        if match is None:
            continue
        for phrase in group:
            if phrase.casefold() != match.group().casefold():
                capital = match.start() == 0 and lead[:1].isupper()
                replacement = phrase[:1].upper() + phrase[1:] if capital else phrase
                found.append(lead[: match.start()] + replacement + lead[match.end() :])
    return found


def offline_paraphrases(lead: str, m: int, seed: int) -> list[str]:
    """Up to ``m`` distinct paraphrases of ``lead``, none equal to it: a seeded choice among
    its one-phrase rewrites (opening "The" / "My" / "I think the" / "Probably the"...; noun
    answer / option / choice / correct option...; verb might / may / could / must / is
    probably / is likely to be...).

    A deterministic stand-in for a generator model, so that the search runs with no API: it
    explores the lead's wording but knows nothing of meaning (a lead with none of these
    phrases gets no paraphrase)."""
    own = lead_key(lead)
    unique: dict[str, str] = {}
    for candidate in _neighbours(lead):
        if lead_key(candidate) != own:
            unique.setdefault(lead_key(candidate), candidate)
    choices = list(unique.values())
    random.Random(f"{seed}:{own}").shuffle(choices)
    return choices[:m]


@dataclass
class OfflineParaphraser:
    """:func:`offline_paraphrases`, with the seed varied per round (a lead kept for several
    rounds gets other rewrites each time)."""

    seed: int = 0
    name: str = "offline (word-level rewrites, a stand-in for a generator model)"

    def paraphrase(
        self, leads: Sequence[str], m: int, round_index: int, log_dir: str
    ) -> list[Proposal]:
        proposals = []
        for lead in leads:
            found = offline_paraphrases(lead, m, self.seed * 1000 + round_index)
            error = None if found else "no phrase of the offline rewriter in this lead"
            proposals.append(Proposal(parent=lead, leads=found, error=error))
        return proposals


class ParaphraseRecord(StoreModel):
    """The generator's reply to a paraphrase request, or why there is none (store keys
    ``ParaphraseRecord:reply`` / ``ParaphraseRecord:error``)."""

    reply: str | None = None
    error: str | None = None


@solver
def paraphrase_request(config: GenerateConfig = GENERATOR_CONFIG) -> Solver:
    """Send the sample's request to the generator role; keep its reply or its failure."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        output = await generate_or_failure(
            get_model(role=GENERATOR_ROLE), [ChatMessageUser(content=state.input_text)], config
        )
        record = store_as(ParaphraseRecord)
        if isinstance(output, str):
            record.error = output
            return state
        state.output = output
        record.reply = output.completion
        return state

    return solve


def paraphrase_task(leads: Sequence[str], m: int, config: GenerateConfig) -> Task:
    """One sample per lead, asking the paper's paraphrase request."""
    samples = [
        Sample(id=index, input=PARAPHRASE_REQUEST.format(suffix=lead, m=m), metadata={"lead": lead})
        for index, lead in enumerate(leads, start=1)
    ]
    return Task(
        name="answer_lead_paraphrases",
        dataset=MemoryDataset(samples, name="answer-lead-paraphrases"),
        solver=paraphrase_request(config),
        fail_on_error=False,
        metadata={"benchmark": "prompt_search_paraphrases"},
    )


def proposal_from_reply(parent: str, reply: str, m: int) -> Proposal:
    """Usable paraphrases of ``parent`` in a generator reply (at most ``m``), or why none."""
    parsed = [lead for lead in parse_paraphrases(reply) if lead_key(lead) != lead_key(parent)]
    usable = [lead for lead in parsed if implausible_lead(lead) is None]
    rejected = [lead for lead in parsed if implausible_lead(lead) is not None]
    error = None if usable else "generator reply held no usable paraphrase"
    return Proposal(parent=parent, leads=usable[:m], rejected=rejected, error=error, reply=reply)


@dataclass
class GeneratorParaphraser:
    """Paraphrases by a generator model (an Inspect model name or ``Model``), asked the
    paper's request in an Inspect eval where it is the ``generator`` role. A failed request or
    an unparseable reply becomes that lead's recorded error."""

    model: str | Model
    config: GenerateConfig = field(default_factory=lambda: GENERATOR_CONFIG)

    @property
    def name(self) -> str:
        return f"generator {self.model}"

    def paraphrase(
        self, leads: Sequence[str], m: int, round_index: int, log_dir: str
    ) -> list[Proposal]:
        replies = self._replies(leads, m, round_index, log_dir)
        return [
            proposal_from_reply(lead, reply, m)
            if isinstance(reply, str)
            else Proposal(parent=lead, leads=[], error=reply.message)
            for lead, reply in ((lead, replies.get(lead, _Failure("no reply"))) for lead in leads)
        ]

    def _replies(
        self, leads: Sequence[str], m: int, round_index: int, log_dir: str
    ) -> dict[str, str | _Failure]:
        """Each lead's reply text, or why it has none."""
        config = self.config.merge(GenerateConfig(seed=round_index))
        try:
            (log,) = inspect_eval(
                paraphrase_task(leads, m, config),
                model=self.model,
                model_roles={GENERATOR_ROLE: self.model},
                log_dir=str(Path(log_dir) / "paraphrases"),
                display="none",
            )
        except Exception as error:  # the search goes on with the leads it has
            failed = _Failure(f"generator eval failed: {type(error).__name__}: {error}")
            return dict.fromkeys(leads, failed)
        found = {str((s.metadata or {}).get("lead")): _sample_reply(s) for s in log.samples or []}
        if log.status != "success":
            message = log.error.message if log.error else "no error message"
            for lead in leads:
                found.setdefault(lead, _Failure(f"generator eval {log.status}: {message}"))
        return found


@dataclass(frozen=True)
class _Failure:
    message: str


def _sample_reply(sample: EvalSample) -> str | _Failure:
    record = sample.store_as(ParaphraseRecord)
    if record.reply is not None:
        return record.reply
    if record.error:
        return _Failure(record.error)
    return _Failure(sample.error.message if sample.error else "no reply")
