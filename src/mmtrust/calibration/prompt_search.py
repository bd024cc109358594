"""Prompt optimisation of the calibration prompt's answer lead (APE-style search).

The calibration paper ends its prompt with ``"\\n{lead}: ("`` and searches over the lead
("The answer might be") for one under which the model is both accurate and calibrated. This
module is that search, on the ``calibration`` task itself, so every candidate is scored with the
same prompts, images, confidence extraction and ECE as the reported metrics:

1. start from the seed leads ("The answer might be", "The answer must be");
2. each round, a paraphraser proposes ``per_prompt`` rewrites of every kept lead;
3. every lead not scored before is scored by one calibration run (``answer_lead=lead``) on the
   same ``items`` items of ``split`` (calib: the lead is chosen on calib, never on test);
4. the pool (kept leads and the new ones) is ranked by accuracy band, then ECE
   (:func:`rank_key`); the top ``keep`` are kept for the next round;
5. the global best is replaced when a round's top lead has a higher accuracy, or the same
   accuracy and a lower ECE (:func:`is_better`).

The paraphraser is either a generator model (:class:`GeneratorParaphraser`, the paper's way,
with the paper's request) or, with no API at hand, a deterministic word-level rewriter
(:class:`OfflineParaphraser`, a stand-in for a generator model). Every candidate, its scores,
its round and its parent, and every failed or unparseable generator reply go into the history
(:meth:`SearchResult.as_dict`).

Usage::

    mmtrust optimise-prompt --model mmtrust/reference --items 60 --rounds 10
    mmtrust optimise-prompt --model openai/gpt-4o --generator openai/gpt-4o-mini \\
        --keep 5 --per-prompt 5 --log-dir logs/prompt-search -o prompt_search.json

    from mmtrust.calibration.prompt_search import OfflineParaphraser, search_answer_lead

    result = search_answer_lead("mmtrust/reference", items=60, rounds=3,
                                paraphraser=OfflineParaphraser())
    print(result.best)
    result.write_json("prompt_search.json")

Each round prints its top lead and the best so far; the JSON history holds the settings, every
candidate (lead, accuracy over answered items, ECE, coverage, items, round, parent, log file),
every round (new leads, kept leads, proposals with raw generator replies and failures,
duplicates), ``best`` (the paper's rule) and ``best_ranked`` (first by band, then ECE). The
calibration logs of every candidate, and the generator's under ``paraphrases/``, are in the log
folder. A search costs one calibration run of ``items`` items per distinct lead: about
``len(seeds) * (1 + per_prompt)`` in round 1 and up to ``keep * per_prompt`` in each later one.

The chosen lead is then evaluated on test with
``mmtrust run calibration -T "answer_lead=<lead>"``.
"""

from __future__ import annotations

import json
import math
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.log import EvalLog, EvalSample
from inspect_ai.model import ChatMessageUser, GenerateConfig, Model, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import LimitExceededError

from mmtrust.api import LOCAL_MAX_CONNECTIONS, LOCAL_PROVIDERS
from mmtrust.report.results import runs_from_log
from mmtrust.tasks.calibration import calibration
from mmtrust.tasks.mub_pipeline import GENERATOR_ROLE

SEED_LEADS = ("The answer might be", "The answer must be")
PARAPHRASE_REQUEST = (
    'Given sentence: "{suffix}", please generate {m} sentences similar to the given sentence, '
    "separate each sentence with '<sx>', be careful not to output anything except for the "
    "sentence."
)
"""The paper's request to the generator model, verbatim (benchmark data)."""
SEPARATOR = "<sx>"
ACCURACY_BAND = 0.2
MAX_LEAD_WORDS = 16
"""Longer "paraphrases" are a generator talking, not a lead (they are recorded as rejected)."""
SCORING_MAX_TASKS = 4
GENERATOR_CONFIG = GenerateConfig(temperature=0.7, top_p=0.95, max_tokens=1000)
"""The paper's sampling: a kept lead asked again in a later round gets other paraphrases."""


# ---------------------------------------------------------------------------------------------
# Pure parts: parsing, ranking, records


_NUMBERING = re.compile(r"^\s*(?:\(?\d+\s*[.):]|[-*•])\s*")
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
        text = _NUMBERING.sub("", text.strip())
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


def accuracy_band(accuracy: float) -> int:
    """``floor(accuracy / 0.2)``; the tolerance keeps 0.6 in band 3 (0.6 / 0.2 is
    2.9999999999999996 in floating point)."""
    return math.floor(accuracy / ACCURACY_BAND + 1e-9)


def rank_key(accuracy: float | None, ece: float | None) -> tuple[float, float]:
    """Sort key of a lead, smallest first: accuracy band (higher first), then lower ECE.
    A lead without both scores sorts after every scored one."""
    if accuracy is None or ece is None or math.isnan(accuracy) or math.isnan(ece):
        return (math.inf, math.inf)
    return (-accuracy_band(accuracy), ece)


@dataclass(frozen=True)
class ScoredLead:
    """A lead's calibration run: accuracy over answered items, ECE, coverage, items asked."""

    lead: str
    accuracy: float | None
    ece: float | None
    coverage: float | None
    n: int
    error: str | None = None
    """Why the lead has no usable score (failed run, no confidences); None when it has one."""
    log: str | None = None

    @property
    def scored(self) -> bool:
        return self.error is None and self.accuracy is not None and self.ece is not None

    @property
    def key(self) -> tuple[float, float]:
        return rank_key(self.accuracy, self.ece) if self.scored else (math.inf, math.inf)


def is_better(candidate: ScoredLead | None, best: ScoredLead | None) -> bool:
    """Whether ``candidate`` replaces the global ``best``: higher accuracy, or the same
    accuracy and lower ECE (an unscored lead never does; anything scored beats none)."""
    if candidate is None or not candidate.scored:
        return False
    if best is None or not best.scored:
        return True
    assert candidate.accuracy is not None and candidate.ece is not None
    assert best.accuracy is not None and best.ece is not None
    return candidate.accuracy > best.accuracy or (
        candidate.accuracy == best.accuracy and candidate.ece < best.ece
    )


def rank(leads: Sequence[ScoredLead]) -> list[ScoredLead]:
    """``leads`` by :func:`rank_key` (stable: ties keep their order)."""
    return sorted(leads, key=lambda lead: lead.key)


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


@dataclass(frozen=True)
class Candidate:
    """A scored lead with where it came from (``parent`` None: a seed)."""

    score: ScoredLead
    round: int
    parent: str | None


@dataclass(frozen=True)
class SearchRound:
    index: int
    new: list[str]
    """Leads first scored in this round."""
    kept: list[str]
    """The top ``keep`` of the pool, paraphrased in the next round."""
    best: ScoredLead | None
    """The round's top lead (by :func:`rank_key`), None when no lead of the pool is scored."""
    global_best: ScoredLead | None
    proposals: list[Proposal]
    duplicates: list[str]
    """Proposed leads that had been scored already (not scored again)."""


@dataclass(frozen=True)
class SearchSettings:
    model: str
    split: str
    items: int
    rounds: int
    keep: int
    per_prompt: int
    seeds: list[str]
    paraphraser: str
    seed: int
    log_dir: str


@dataclass
class SearchResult:
    """The search so far: settings, every candidate, every round, the best lead."""

    settings: SearchSettings
    candidates: list[Candidate] = field(default_factory=list)
    rounds: list[SearchRound] = field(default_factory=list)
    best: ScoredLead | None = None
    """The global best (:func:`is_better` over the rounds' top leads), the paper's answer."""
    best_ranked: ScoredLead | None = None
    """The first of every scored lead by :func:`rank_key`: the global best rule prefers any
    gain in accuracy, even within a band, at any cost in ECE; this one shows what that cost."""
    stopped_early: str | None = None
    elapsed_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def write_json(self, path: Path | str) -> None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(self.as_dict(), indent=2) + "\n", encoding="utf-8")


def describe_lead(lead: ScoredLead | None) -> str:
    if lead is None:
        return "none"
    if not lead.scored:
        return f"{lead.lead!r} (not scored: {lead.error})"
    return f"{lead.lead!r} (ECE {lead.ece:.3f}, accuracy {lead.accuracy:.3f})"


def format_round(search_round: SearchRound, rounds: int) -> str:
    """One line per round: its best lead and the global best so far."""
    return (
        f"round {search_round.index}/{rounds}: {len(search_round.new)} new leads; "
        f"round best {describe_lead(search_round.best)}; "
        f"best so far {describe_lead(search_round.global_best)}"
    )


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


PARAPHRASE_STORE_KEY = "paraphrase"


@solver
def paraphrase_request(config: GenerateConfig = GENERATOR_CONFIG) -> Solver:
    """Send the sample's request to the generator role; keep its reply or its failure."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        try:
            output = await get_model(role=GENERATOR_ROLE).generate(
                [ChatMessageUser(content=state.input_text)], config=config
            )
        except LimitExceededError:
            raise
        except Exception as error:
            state.store.set(PARAPHRASE_STORE_KEY, {"error": f"{type(error).__name__}: {error}"})
            return state
        if output.error:
            state.store.set(PARAPHRASE_STORE_KEY, {"error": output.error})
            return state
        state.output = output
        state.store.set(PARAPHRASE_STORE_KEY, {"reply": output.completion})
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
    record = sample.store.get(PARAPHRASE_STORE_KEY) or {}
    if "reply" in record:
        return str(record["reply"])
    if record.get("error"):
        return _Failure(str(record["error"]))
    return _Failure(sample.error.message if sample.error else "no reply")


# ---------------------------------------------------------------------------------------------
# Scoring and the search


def score_from_log(lead: str, log: EvalLog) -> ScoredLead:
    """A lead's scores from its calibration log; a failed run or one without confidences
    gives a ScoredLead with its error."""
    location = log.location or None
    if log.status != "success":
        failure = f"run {log.status}: {log.error.message if log.error else 'no error message'}"
        return ScoredLead(lead, None, None, None, 0, error=failure, log=location)
    runs = [run for run in runs_from_log(log) if run.details.get("benchmark") == "calibration"]
    if not runs:
        return ScoredLead(lead, None, None, None, 0, error="no scored items", log=location)
    run = runs[0]
    accuracy = _number(run.metrics.get("accuracy"))
    ece = _number(run.metrics.get("ece"))
    coverage = _number(run.metrics.get("coverage"))
    error: str | None = None
    if accuracy is None:
        error = "no answered items"
    elif ece is None:
        error = "no confidences (no ECE)"
    return ScoredLead(lead, accuracy, ece, coverage, run.n, error=error, log=location)


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def score_leads(
    model: str, leads: Sequence[str], *, items: int, split: str, log_dir: str
) -> dict[str, ScoredLead]:
    """Each lead's calibration run on the same ``items`` items of ``split``: one Inspect eval
    for all of them (loading the model and starting an eval cost more than a small run)."""
    if not leads:
        return {}
    tasks = [
        calibration(split=split, n=items, fit_split="", prompt="paper", answer_lead=lead)
        for lead in leads
    ]
    local = model.split("/")[0] in LOCAL_PROVIDERS
    logs = inspect_eval(
        tasks,
        model=model,
        log_dir=log_dir,
        max_tasks=SCORING_MAX_TASKS,
        max_connections=LOCAL_MAX_CONNECTIONS if local else None,
        display="none",
    )
    by_lead = {str((log.eval.metadata or {}).get("answer_lead")): log for log in logs}
    return {
        lead: score_from_log(lead, by_lead[lead])
        if lead in by_lead
        else ScoredLead(lead, None, None, None, 0, error="the eval returned no log for it")
        for lead in leads
    }


def _check_settings(
    items: int, split: str, rounds: int, keep: int, per_prompt: int, seeds: Sequence[str]
) -> None:
    for name, value in (("items", items), ("rounds", rounds), ("keep", keep)):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, not {value}")
    if per_prompt < 1:
        raise ValueError(f"per_prompt must be at least 1, not {per_prompt}")
    if split == "test":
        raise ValueError(
            "the lead is chosen on calib (or train), never on test: test is where it is evaluated"
        )
    if not [seed for seed in seeds if clean_lead(seed)]:
        raise ValueError("give at least one non-empty seed lead")


def search_answer_lead(
    model: str,
    *,
    items: int = 60,
    split: str = "calib",
    rounds: int = 10,
    keep: int = 5,
    per_prompt: int = 5,
    seeds: Sequence[str] = SEED_LEADS,
    paraphraser: Paraphraser | None = None,
    log_dir: str = "logs/prompt-search",
    seed: int = 0,
    on_round: Callable[[SearchResult], None] | None = None,
) -> SearchResult:
    """Search the calibration prompt's answer lead of ``model`` (see the module docstring).

    ``on_round`` is called with the result so far after every round (to print or save it).
    The search stops early when a round brings no lead that was not scored before.
    """
    _check_settings(items, split, rounds, keep, per_prompt, seeds)
    paraphraser = paraphraser or OfflineParaphraser(seed=seed)
    started = time.monotonic()
    seed_leads = list({lead_key(s): clean_lead(s) for s in seeds if clean_lead(s)}.values())
    result = SearchResult(
        SearchSettings(
            model,
            split,
            items,
            rounds,
            keep,
            per_prompt,
            seed_leads,
            paraphraser.name,
            seed,
            log_dir,
        )
    )
    scores: dict[str, ScoredLead] = {}  # by lead_key: no lead is scored twice
    kept = seed_leads
    for index in range(1, rounds + 1):
        search_round = _play_round(index, kept, paraphraser, scores, result)
        kept = search_round.kept
        result.rounds.append(search_round)
        result.elapsed_s = time.monotonic() - started
        if not search_round.new:
            result.stopped_early = _why_nothing_new(index, search_round.proposals)
        if on_round is not None:
            on_round(result)
        if result.stopped_early:
            break
    return result


def _play_round(
    index: int,
    kept: list[str],
    paraphraser: Paraphraser,
    scores: dict[str, ScoredLead],
    result: SearchResult,
) -> SearchRound:
    """Paraphrase the kept leads, score the new ones, rank the pool, update the bests."""
    settings = result.settings
    proposals = paraphraser.paraphrase(kept, settings.per_prompt, index, settings.log_dir)
    origin = _origins(kept, proposals)
    known = set(scores) | {lead_key(lead) for lead in kept}
    duplicates = [lead for p in proposals for lead in p.leads if lead_key(lead) in known]
    new = [lead for lead in origin if lead_key(lead) not in scores]
    fresh = score_leads(
        settings.model, new, items=settings.items, split=settings.split, log_dir=settings.log_dir
    )
    for lead in new:
        scores[lead_key(lead)] = fresh[lead]
        result.candidates.append(Candidate(fresh[lead], index, origin[lead]))
    pool = rank([scores[lead_key(lead)] for lead in origin])
    top = pool[0] if pool and pool[0].scored else None
    if is_better(top, result.best):
        result.best = top
    scored = [c.score for c in result.candidates if c.score.scored]
    result.best_ranked = rank(scored)[0] if scored else None
    next_kept = [lead.lead for lead in pool[: settings.keep]]
    return SearchRound(index, new, next_kept, top, result.best, proposals, duplicates)


def _origins(kept: Sequence[str], proposals: Sequence[Proposal]) -> dict[str, str | None]:
    """The round's pool, each lead with its parent: the kept leads (already scored, but for
    the seeds, whose parent is None) and their paraphrases; a lead proposed twice has its
    first proposer as parent."""
    pool: dict[str, str | None] = {}
    seen: set[str] = set()
    entries: list[tuple[str, str | None]] = [(lead, None) for lead in kept]
    entries += [(lead, p.parent) for p in proposals for lead in p.leads]
    for lead, parent in entries:
        if lead_key(lead) not in seen:
            seen.add(lead_key(lead))
            pool[lead] = parent
    return pool


def _why_nothing_new(index: int, proposals: Sequence[Proposal]) -> str:
    failures = [f"{p.parent!r}: {p.error}" for p in proposals if p.error]
    reason = f"round {index} brought no lead that was not scored before"
    if failures:
        reason += "; paraphrasing failed for " + "; ".join(failures)
    return reason
