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

    from mmtrust.benchmarks.calibration.paraphrase import OfflineParaphraser
    from mmtrust.benchmarks.calibration.prompt_search import search_answer_lead

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
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from mmtrust.api import LOCAL_MAX_CONNECTIONS, LOCAL_PROVIDERS
from mmtrust.benchmarks.calibration.paraphrase import (
    OfflineParaphraser,
    Paraphraser,
    Proposal,
    clean_lead,
    lead_key,
)
from mmtrust.benchmarks.calibration.results import calibration_run_fields
from mmtrust.benchmarks.calibration.tasks import calibration

SEED_LEADS = ("The answer might be", "The answer must be")
ACCURACY_BAND = 0.2
SCORING_MAX_TASKS = 4


# ---------------------------------------------------------------------------------------------
# Pure parts: parsing, ranking, records


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
# Scoring and the search


def score_from_log(lead: str, log: EvalLog) -> ScoredLead:
    """A lead's scores from its calibration log; a failed run or one without confidences
    gives a ScoredLead with its error."""
    location = log.location or None
    if log.status != "success":
        failure = f"run {log.status}: {log.error.message if log.error else 'no error message'}"
        return ScoredLead(lead, None, None, None, 0, error=failure, log=location)
    # the calibration builder alone: the other benchmarks' builders have nothing to read here
    fields = calibration_run_fields(log)
    if fields is None:
        return ScoredLead(lead, None, None, None, 0, error="no scored items", log=location)
    n, metrics, _ = fields
    accuracy = _number(metrics.get("accuracy"))
    ece = _number(metrics.get("ece"))
    coverage = _number(metrics.get("coverage"))
    error: str | None = None
    if accuracy is None:
        error = "no answered items"
    elif ece is None:
        error = "no confidences (no ECE)"
    return ScoredLead(lead, accuracy, ece, coverage, n, error=error, log=location)


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
