"""`mmtrust report` at scale: 1 model vs 20 models over the default suite, against a 10 s budget.

The goal is that a report over 20 models x the default suite renders in under 10 s and that
the page stays usable. Nobody runs 20 real models for a benchmark, so the logs are built
synthetically from one real run of the default suite (``--source-logs``, e.g. ``out/logs`` of
``make demo``, of which the logs of one model are taken, ``--source-model``, default the reference
model; without it the script runs the default suite on the reference model itself with
``--limit`` items per task): every source log is copied once per model, with the model renamed
(``synthetic/model-07``), fresh task, run and eval ids (the report counts one log per
``eval.task_id``: ``report/log_selection``) and, for a seeded share of the samples of each
scorer, the score replaced by the score of another sample of the same scorer in the same log,
of the same shape (same kind of value, same role, image condition, subset, ...; the item's own
``item_id`` and ``strata`` kept), so every score stays one the benchmarks' readers
(``benchmarks/*/results.py``) accept and yet the models' numbers differ. Writing them is setup,
not timed.

Timed, side by side: ``mmtrust.api.report`` over the 1-model source logs and over the 20
models, each cold (an empty report cache, ``report/log_cache``, in a fresh
``$MMTRUST_CACHE_DIR``: every log parsed, as the first report over new logs; timed once, it
takes minutes at 20 models) and warm (the cache the cold run left: a second report over the same
logs; the median of ``--repeats``). Each is split into collecting the runs from the logs
(``report.results.collect``), rendering and writing report.html (``write_report``) and the rest
(results.json). The split is read from the same calls: ``mmtrust.api``'s ``collect`` and
``write_report`` are wrapped with timers, so nothing runs twice. The cold 1-model run also pays
the process's one-time loads (the sentence-embedding model, the templates). For the page it
prints cheap proxies of "usable": its size and its numbers of table rows, ``<details>``,
``<svg>`` charts and ``<img>`` thumbnails. It exits 1 when the warm 20-model report takes longer
than the budget, so it doubles as a check; ``--profile`` adds where the 20-model report's time
goes (cProfile, by function and package; ``--profile cold`` profiles a cold one).

    python benchmarks/report_scale.py [--source-logs DIR [--source-model M] | --limit 60]
        [--models 20] [--repeats 3] [--share 0.25] [--budget 10] [--work-dir DIR]
        [--profile [cold|warm]]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log, write_eval_log
from inspect_ai.scorer import Score

import mmtrust.api as api
from mmtrust.api import RunOptions
from mmtrust.cache import CACHE_ENV

BUDGET_S = 10.0
SOURCE_MODEL = "mmtrust/reference"
STRUCTURAL_KEYS = (
    "role",
    "image_condition",
    "reference_condition",
    "question_type",
    "subset",
    "type",
    "flags",
    "answerable",
    "closed_form",
    "consistency_task",
)
"""Score metadata that places a score in a part of its benchmark (fit or evaluated items, an
image condition, benign or harmful requests, ...): a donor score must agree on these."""
OWN_KEYS = ("item_id", "strata")
"""Score metadata that names the item itself: the recipient keeps its own."""
ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
"""Inspect's ids are shortuuids (22 characters of this alphabet)."""


# ---------------------------------------------------------------------------- synthetic logs


def synthetic_id(*parts: object) -> str:
    """A deterministic shortuuid-like id of ``parts``."""
    number = int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest(), "big")
    chars = []
    for _ in range(22):
        number, digit = divmod(number, len(ID_ALPHABET))
        chars.append(ID_ALPHABET[digit])
    return "".join(chars)


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def score_shape(score: Score) -> tuple[Any, ...]:
    """What a donor score must share with the score it replaces."""
    value = score.value
    metadata = score.metadata or {}
    return (
        type(value).__name__,
        tuple(sorted(value)) if isinstance(value, dict) else None,
        tuple(sorted(metadata)),
        tuple((key, _hashable(metadata.get(key))) for key in STRUCTURAL_KEYS),
    )


def varied_scores(
    originals: list[dict[str, Score] | None], share: float, seed: str
) -> list[dict[str, Score] | None]:
    """Each sample's scores, a seeded ``share`` of them (per scorer) replaced by a copy of
    another sample's score of the same scorer and shape (the item's own ids kept)."""
    varied = [dict(scores) if scores is not None else None for scores in originals]
    scorers = sorted({name for scores in originals if scores for name in scores})
    for scorer in scorers:
        rng = random.Random(f"{seed}:{scorer}")
        by_shape: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for index, scores in enumerate(originals):
            if scores and scorer in scores:
                by_shape[score_shape(scores[scorer])].append(index)
        for indices in by_shape.values():
            if len(indices) < 2:
                continue
            for index in indices:
                if rng.random() >= share:
                    continue
                donor = rng.choice([i for i in indices if i != index])
                own = originals[index]
                given = originals[donor]
                target = varied[index]
                assert own is not None and given is not None and target is not None
                metadata = dict(given[scorer].metadata or {})
                for key in OWN_KEYS:
                    if key in (own[scorer].metadata or {}):
                        metadata[key] = (own[scorer].metadata or {})[key]
                target[scorer] = given[scorer].model_copy(update={"metadata": metadata})
    return varied


def _recipe(source: Path, models: int, share: float) -> str:
    """What the synthetic logs are made from: a ``--work-dir`` that holds logs of the same
    recipe is reused (writing them takes minutes)."""
    logs = sorted(f"{info.name} {info.size} {info.mtime}" for info in list_eval_logs(str(source)))
    return "\n".join([f"models {models} share {share} version 1", *logs]) + "\n"


def write_synthetic_logs(source: Path, out: Path, models: int, share: float) -> int:
    """``models`` copies of every log of ``source`` under ``out/model-NN/``; returns the number
    of logs written."""
    if out.exists():
        shutil.rmtree(out)
    written = 0
    for info in list_eval_logs(str(source)):
        log = read_eval_log(info.name)
        samples = log.samples or []
        originals = [sample.scores for sample in samples]
        spec = log.eval
        task_id, run_id, eval_id, set_id = spec.task_id, spec.run_id, spec.eval_id, spec.eval_set_id
        for index in range(models):
            model = f"synthetic/model-{index:02d}"
            _rename(log, model)
            spec.task_id = synthetic_id(task_id, model)
            spec.run_id = synthetic_id(run_id, model)
            spec.eval_id = synthetic_id(eval_id, model)
            spec.eval_set_id = synthetic_id(set_id, model) if set_id else None
            seed = f"{index}:{spec.task}:{task_id}"
            for sample, scores in zip(samples, varied_scores(originals, share, seed), strict=True):
                sample.scores = scores
            name = f"{spec.created[:19].replace(':', '-')}_{spec.task.split('/')[-1]}"
            path = out / f"model-{index:02d}" / f"{name}_{spec.eval_id}.eval"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_eval_log(log, str(path))
            written += 1
    return written


def _rename(log: EvalLog, model: str) -> None:
    """Name ``model`` wherever the log names its model (the header, usage, each output)."""
    old = log.eval.model
    log.eval.model = model
    if log.stats and old in log.stats.model_usage:
        usage = log.stats.model_usage
        usage[model] = usage.pop(old)
    for sample in log.samples or []:
        if sample.output and sample.output.model:
            sample.output.model = model
        if old in sample.model_usage:
            sample.model_usage[model] = sample.model_usage.pop(old)


def one_model(source: Path, model: str | None, work: Path) -> tuple[Path, str]:
    """``source`` and its model when it holds the logs of one model; else a copy of the logs
    of ``model`` (default: the reference model, or the first model named) under ``work``."""
    headers = [read_eval_log(info.name, header_only=True) for info in list_eval_logs(str(source))]
    models = sorted({header.eval.model for header in headers})
    if model is None and len(models) == 1:
        return source, models[0]
    chosen = model or (SOURCE_MODEL if SOURCE_MODEL in models else models[0])
    if chosen not in models:
        raise SystemExit(f"no log of {chosen} in {source} (its models: {', '.join(models)})")
    if models == [chosen]:
        return source, chosen
    folder = work / "1-model"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for header in headers:
        if header.eval.model == chosen:
            # copy2 keeps the modification time (the report cache's key)
            shutil.copy2(header.location.removeprefix("file://"), folder)
    print(f"{source} holds {len(models)} models: the logs of {chosen} copied to {folder}")
    return folder, chosen


def source_logs(limit: int, work: Path) -> Path:
    """The default suite run on the reference model with ``limit`` items per task."""
    log_dir = work / "source-logs"
    print(f"running the default suite on {SOURCE_MODEL} (--limit {limit}) into {log_dir} ...")
    started = time.perf_counter()
    logs = api.run(["default"], RunOptions(log_dir=str(log_dir), limit=limit, display="none"))
    failed = [log.eval.task for log in logs if log.status != "success"]
    if failed:
        raise SystemExit(f"the source run failed for {failed}")
    print(f"  {len(logs)} logs in {time.perf_counter() - started:.0f} s")
    return log_dir


# ---------------------------------------------------------------------------------- timing


@dataclass
class Timings:
    total: list[float] = field(default_factory=list)
    collect: list[float] = field(default_factory=list)
    render: list[float] = field(default_factory=list)

    def rest(self) -> list[float]:
        return [t - c - r for t, c, r in zip(self.total, self.collect, self.render, strict=True)]


@contextmanager
def phase_timers(timings: Timings) -> Iterator[None]:
    """``mmtrust.api.report``'s ``collect`` and ``write_report`` timed as it calls them (the
    names ``mmtrust.api`` imported, wrapped while the block runs)."""
    phases = {"collect": timings.collect, "write_report": timings.render}
    originals = {name: getattr(api, name) for name in phases}

    def timed(function: Callable[..., Any], into: list[float]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                into.append(time.perf_counter() - started)

        return call

    for name, into in phases.items():
        setattr(api, name, timed(originals[name], into))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(api, name, function)


@dataclass(frozen=True)
class Page:
    bytes: int
    rows: int
    details: int
    charts: int
    images: int
    runs: int
    models: int


def time_report(log_dir: Path, out: Path, repeats: int) -> tuple[Timings, Page]:
    timings = Timings()
    collected = None
    for _ in range(repeats):
        with phase_timers(timings):
            started = time.perf_counter()
            collected = api.report(log_dir, out)
            timings.total.append(time.perf_counter() - started)
    assert collected is not None
    html = (out / "report.html").read_text(encoding="utf-8")
    page = Page(
        bytes=len(html.encode("utf-8")),
        rows=len(re.findall(r"<tr[\s>]", html)),
        details=len(re.findall(r"<details[\s>]", html)),
        charts=len(re.findall(r"<svg[\s>]", html)),
        images=len(re.findall(r"<img[\s>]", html)),
        runs=len(collected.runs),
        models=len({run.model for run in collected.runs}),
    )
    return timings, page


def profile_report(log_dir: Path, out: Path, top: int, kind: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    api.report(log_dir, out)
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = max(cumulative for (_, _, _, cumulative, _) in raw.values())
    print(f"\nprofile of the {kind} {log_dir.name} report ({total:.2f} s under cProfile)")
    print(f"  {'cumulative s':>12} {'own s':>8}  function")
    ranked = sorted(raw.items(), key=lambda kv: -kv[1][3])
    shown = 0
    for (filename, line, function), (_, calls, own, cumulative, _) in ranked:
        if "mmtrust" not in filename and "inspect_ai/log" not in filename:
            continue
        print(f"  {cumulative:12.2f} {own:8.2f}  {_short(filename)}:{line} {function} ({calls})")
        shown += 1
        if shown == top:
            break
    print(f"  {'own s':>12}  package")
    by_package: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in raw.items():
        by_package[_package(filename)] += own
    for package, own in sorted(by_package.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {own:12.2f}  {package}")


def _short(filename: str) -> str:
    for marker in ("/src/", "/site-packages/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _package(filename: str) -> str:
    if filename == "~":
        return "builtins (pickle, json, ...)"
    parts = _short(filename).split("/")
    if parts[0] in ("mmtrust", "inspect_ai") and len(parts) > 2:
        return ".".join(parts[:2])
    if filename.startswith("<") or ("python3" in filename and "site-packages" not in filename):
        return "python"
    return parts[0].removesuffix(".py")


# ------------------------------------------------------------------------------------- main


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-logs", type=Path, default=None, help="logs of one model")
    parser.add_argument(
        "--source-model", default=None, help="the model whose logs are copied, of several"
    )
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=int, default=60, help="items per task of the own run")
    parser.add_argument("--share", type=float, default=0.25, help="scores varied per model")
    parser.add_argument("--budget", type=float, default=BUDGET_S, help="seconds, 20 models")
    parser.add_argument("--work-dir", type=Path, default=None, help="kept (default: a temp dir)")
    parser.add_argument(
        "--profile", nargs="?", const="warm", choices=("warm", "cold"), default=None
    )
    parser.add_argument("--top", type=int, default=25, help="profile lines")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="report-scale-") as temporary:
        work = args.work_dir or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        source = args.source_logs or source_logs(args.limit, work)
        source, model = one_model(source, args.source_model, work)
        synthetic = work / f"{args.models}-models"
        made = synthetic / "made-from.txt"
        recipe = _recipe(source, args.models, args.share)
        if made.is_file() and made.read_text() == recipe:
            print(f"source: {source} ({model}); reusing the synthetic logs in {synthetic}")
        else:
            started = time.perf_counter()
            written = write_synthetic_logs(source, synthetic, args.models, args.share)
            synthetic.mkdir(parents=True, exist_ok=True)
            made.write_text(recipe)
            print(
                f"source: {source} ({len(list_eval_logs(str(source)))} logs of {model}); "
                f"{written} synthetic logs ({args.models} models) written in "
                f"{time.perf_counter() - started:.0f} s (setup, not timed)"
            )
        rows: list[tuple[str, Timings, Page | None]] = []
        for label, log_dir in (("1 model", source), (f"{args.models} models", synthetic)):
            # cold: an empty report cache, every log parsed; warm: the cache the cold run
            # left (report/log_cache), as a second `mmtrust report` over the same logs
            os.environ[CACHE_ENV] = str(work / f"cache-{log_dir.name}")
            shutil.rmtree(os.environ[CACHE_ENV], ignore_errors=True)
            out = work / f"out-{log_dir.name}"
            cold, _ = time_report(log_dir, out, 1)
            rows.append((f"{label}, cold", cold, None))
            warm, page = time_report(log_dir, out, args.repeats)
            rows.append((f"{label}, warm", warm, page))
        print(f"\nmedian of {args.repeats} (cold: once)  (budget {args.budget:g} s)")
        print(
            f"{'':<17} {'report s':>9} {'/budget':>8} {'collect s':>10} {'render s':>9} "
            f"{'json s':>7} {'runs':>5} {'models':>6} {'html bytes':>11} {'rows':>6} "
            f"{'details':>7} {'svg':>5} {'img':>5}"
        )
        for label, timings, shown in rows:
            total = _median(timings.total)
            shape = (
                f" {shown.runs:5d} {shown.models:6d} {shown.bytes:11,d} {shown.rows:6d} "
                f"{shown.details:7d} {shown.charts:5d} {shown.images:5d}"
                if shown
                else ""
            )
            print(
                f"{label:<17} {total:9.2f} {total / args.budget:8.2f} "
                f"{_median(timings.collect):10.2f} {_median(timings.render):9.2f} "
                f"{_median(timings.rest()):7.2f}" + shape
            )
        (_, one_cold, _), (_, one_warm, _), (_, many_cold, _), (_, many_warm, _) = rows
        cold_ratio = _median(many_cold.total) / _median(one_cold.total)
        warm_ratio = _median(many_warm.total) / _median(one_warm.total)
        print(f"{args.models} models / 1 model: cold {cold_ratio:.1f}x, warm {warm_ratio:.1f}x")
        many = _median(many_warm.total)
        if args.profile:
            if args.profile == "cold":
                os.environ[CACHE_ENV] = str(work / "cache-profile")
                shutil.rmtree(os.environ[CACHE_ENV], ignore_errors=True)
            profile_report(synthetic, work / "out-profile", args.top, args.profile)
        if many > args.budget:
            print(f"OVER BUDGET: {many:.2f} s > {args.budget:g} s for {args.models} models, warm")
            return 1
        print(f"within budget: {many:.2f} s <= {args.budget:g} s for {args.models} models, warm")
        return 0


if __name__ == "__main__":
    sys.exit(main())
