"""The ``mmtrust`` command. Thin: it parses arguments and calls ``mmtrust.api``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mmtrust.api import (
    DEFAULT_MODEL,
    SAMPLE_RETRIES,
    TASK_RETRIES,
    RunOptions,
    demo,
    failed_sample_errors,
    report,
    run,
)
from mmtrust.benchmarks import BENCHMARKS, benchmark_of_run
from mmtrust.benchmarks.calibration.paraphrase import (
    GeneratorParaphraser,
    OfflineParaphraser,
    Paraphraser,
)
from mmtrust.benchmarks.calibration.prompt_search import (
    SEED_LEADS,
    SearchResult,
    describe_lead,
    format_round,
    search_answer_lead,
)
from mmtrust.benchmarks.calibration.results import calibration_artifacts
from mmtrust.benchmarks.mub.finetune_cli import add_finetune_misleading
from mmtrust.models.provider_faults import FaultRetries
from mmtrust.report.formatting import num
from mmtrust.report.results import Collected, collect_runs
from mmtrust.report.runs import Run
from mmtrust.suites import SUITES
from mmtrust.validate_judge import add_judge_card, add_validate_judge


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (ValueError, FileNotFoundError) as error:
        print(f"mmtrust: error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mmtrust", description="Measure how far a multimodal model can be trusted."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run_parser = commands.add_parser("run", help="evaluate tasks or suites on a model")
    run_parser.add_argument("targets", nargs="*", help="task or suite names (default: default)")
    _add_run_options(run_parser)
    run_parser.set_defaults(handler=_run)

    report_parser = commands.add_parser("report", help="results.json and report.html from logs")
    report_parser.add_argument("log_dir")
    report_parser.add_argument("-o", "--out", default="out", help="output folder (default: out)")
    report_parser.set_defaults(handler=_report)

    calibrate_parser = commands.add_parser(
        "calibrate", help="save the temperatures fitted by the calibration runs of a log folder"
    )
    calibrate_parser.add_argument("log_dir")
    calibrate_parser.add_argument(
        "-o", "--out", default="calibration.json", help="artifact file (default: %(default)s)"
    )
    calibrate_parser.set_defaults(handler=_calibrate)

    list_parser = commands.add_parser("list", help="tasks, suites and datasets")
    list_parser.set_defaults(handler=_list)

    demo_parser = commands.add_parser(
        "demo",
        help="run the default suite on the reference model, MUB on it fine-tuned on misleading "
        "data, and write the report comparing them",
    )
    demo_parser.add_argument("--out", default="out")
    demo_parser.add_argument("--limit", type=int, default=None)
    demo_parser.set_defaults(handler=_demo)
    _add_optimise_prompt(commands)
    _add_adapt_consistency(commands)
    add_finetune_misleading(commands)
    add_validate_judge(commands)
    add_judge_card(commands)
    return parser


def _add_optimise_prompt(commands: Any) -> None:
    parser = commands.add_parser(
        "optimise-prompt",
        help="search the calibration prompt's answer lead (accuracy band, then ECE) on calib",
    )
    parser.add_argument("--model", required=True, help="the model whose prompt is optimised")
    parser.add_argument(
        "--generator", help="model that paraphrases leads (default: offline word-level rewrites)"
    )
    parser.add_argument(
        "--items", type=int, default=60, help="items per lead (default: %(default)s)"
    )
    parser.add_argument("--rounds", type=int, default=10, help="(default: %(default)s)")
    parser.add_argument(
        "--keep", type=int, default=5, help="leads kept per round (default: %(default)s)"
    )
    parser.add_argument(
        "--per-prompt", type=int, default=5, help="paraphrases per kept lead (default: %(default)s)"
    )
    parser.add_argument(
        "--split", default="calib", help="split the leads are scored on (default: %(default)s)"
    )
    parser.add_argument(
        "--seed-lead",
        dest="seed_leads",
        action="append",
        metavar="LEAD",
        help='a seed lead (repeat; default: "The answer might be", "The answer must be")',
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the offline paraphraser (default: %(default)s)"
    )
    parser.add_argument(
        "--log-dir", default="logs/prompt-search", help="Inspect logs (default: %(default)s)"
    )
    parser.add_argument(
        "-o", "--out", default="prompt_search.json", help="JSON history (default: %(default)s)"
    )
    parser.set_defaults(handler=_optimise_prompt)


def _add_adapt_consistency(commands: Any) -> None:
    parser = commands.add_parser(
        "adapt-consistency",
        help="test-time consistency adaptation (MM-R3 mitigation) of a local model: "
        "consistency and accuracy before and after",
    )
    parser.add_argument(
        "--model-dir", default=None, help="a local HF vision-language model (default: reference)"
    )
    parser.add_argument(
        "--task",
        choices=("rephrasing", "restyling", "masking"),
        default="rephrasing",
        help="(default: %(default)s)",
    )
    parser.add_argument(
        "--split", default="calib", help="TrustWorld split (default: %(default)s, held out)"
    )
    parser.add_argument("--n", type=int, default=60, help="item groups (default: %(default)s)")
    parser.add_argument("--alpha", type=float, default=1.0, help="pairwise weight (default: 1)")
    parser.add_argument("--beta", type=float, default=1.0, help="pseudo-label weight (default: 1)")
    parser.add_argument("--lr", type=float, default=5e-4, help="(default: %(default)s)")
    parser.add_argument(
        "-o", "--out", default="adaptation.json", help="JSON report (default: %(default)s)"
    )
    parser.set_defaults(handler=_adapt_consistency)


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"(default: {DEFAULT_MODEL})")
    parser.add_argument("--model-base-url", help="base URL of the model's API")
    parser.add_argument("--log-dir", default="logs")
    parser.add_argument("--limit", type=int, default=None, help="items per task")
    parser.add_argument("--grader", help="model for the grader role (judges)")
    parser.add_argument("--generator", help="model for the generator role (notes, paraphrases)")
    parser.add_argument(
        "--model-role",
        dest="model_roles",
        action="append",
        default=[],
        metavar="ROLE=MODEL",
        help="a further model role, e.g. harm_classifier=vllm/cais/HarmBench-Llama-2-13b-cls or "
        "toxicity=openai/gpt-4o (MultiTrust's safety scorers)",
    )
    parser.add_argument("--max-connections", type=int, default=None)
    parser.add_argument("-T", dest="task_args", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("-M", dest="model_args", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--display", default="plain", help="Inspect display (plain, full, none)")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="run every task again, even when log-dir holds a finished log of it (default: "
        "finish only what an earlier run with the same tasks and model left undone)",
    )
    parser.add_argument(
        "--fast-log",
        action="store_true",
        help="no realtime log, images or raw API calls in the log (faster with fast servers; "
        "no live `inspect view`)",
    )
    parser.add_argument(
        "--fault-retries",
        type=int,
        default=None,
        help="retries of a request after a transient provider fault (malformed body, empty "
        f"choices, connection reset; default {FaultRetries().retries})",
    )
    parser.add_argument(
        "--fault-backoff",
        type=float,
        default=None,
        metavar="SECONDS",
        help="first wait before such a retry, doubled each time "
        f"(default {FaultRetries().backoff_s})",
    )
    parser.add_argument(
        "--sample-retries",
        type=int,
        default=SAMPLE_RETRIES,
        help="times a failed sample is asked again within the run (default: %(default)s)",
    )
    parser.add_argument(
        "--task-retries",
        type=int,
        default=TASK_RETRIES,
        help="times a failed task is resumed within the run (default: %(default)s)",
    )


def _key_values(pairs: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"expected KEY=VALUE, got {pair!r}")
        try:
            values[key] = json.loads(raw)
        except json.JSONDecodeError:
            values[key] = raw
    return values


def _roles(pairs: list[str]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for pair in pairs:
        role, sep, model = pair.partition("=")
        if not sep or not role.strip() or not model.strip():
            raise ValueError(f"--model-role expects ROLE=MODEL, got {pair!r}")
        roles[role.strip()] = model.strip()
    return roles


def _run(args: argparse.Namespace) -> int:
    options = RunOptions(
        model=args.model,
        model_base_url=args.model_base_url,
        log_dir=args.log_dir,
        limit=args.limit,
        task_args=_key_values(args.task_args),
        model_args=_key_values(args.model_args),
        grader=args.grader,
        generator=args.generator,
        model_roles=_roles(args.model_roles),
        max_connections=args.max_connections,
        display=args.display,
        resume=not args.fresh,
        sample_retries=args.sample_retries,
        task_retries=args.task_retries,
        fast_log=args.fast_log,
        fault_retries=args.fault_retries,
        fault_backoff_s=args.fault_backoff,
    )
    logs = run(args.targets, options)
    failed = [log for log in logs if log.status != "success"]
    for log in failed:
        print(f"mmtrust: {log.eval.task} ended {log.status}: {log.error}", file=sys.stderr)
    for log in logs:
        errors = failed_sample_errors(log)
        if errors:
            failed.append(log)
            print(
                f"mmtrust: {log.eval.task}: {len(errors)} samples failed (first: "
                f"{errors[0][:300]})",
                file=sys.stderr,
            )
    if failed:
        print(
            "mmtrust: the same command again finishes what is missing (finished samples are kept)",
            file=sys.stderr,
        )
    print(f"logs in {args.log_dir}; `mmtrust report {args.log_dir}` writes the report")
    return 1 if failed else 0


def _report(args: argparse.Namespace) -> int:
    collected = report(args.log_dir, args.out)
    print(_summary(collected.runs))
    _print_not_reported(collected)
    print(f"wrote {Path(args.out) / 'results.json'} and {Path(args.out) / 'report.html'}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    artifacts = calibration_artifacts(collect_runs(args.log_dir))
    if not artifacts:
        raise ValueError(
            f"no calibration run with fitted temperatures in {args.log_dir} (run the "
            "calibration task with a fit_split first)"
        )
    if len({artifact.model for artifact in artifacts}) > 1:
        raise ValueError(
            f"{args.log_dir} holds calibration runs of several models "
            f"({sorted({a.model for a in artifacts})}): give a folder with one model's runs"
        )
    artifact = artifacts[-1]  # the latest run of that model
    artifact.save(args.out)
    print(f"{artifact.model}: temperatures {artifact.temperatures} -> {args.out}")
    return 0


def _list(args: argparse.Namespace) -> int:
    print("tasks:")
    width = max(len(task.__name__) for benchmark in BENCHMARKS for task in benchmark.tasks)
    for benchmark in BENCHMARKS:
        print(f"  {benchmark.title}:")
        for task in benchmark.tasks:
            doc = (task.__doc__ or "").strip().splitlines()
            print(f"    mmtrust/{task.__name__:<{width}} {doc[0] if doc else ''}")
    print("suites:")
    for name, suite in SUITES.items():
        print(f"  {name:<28} {suite.description}")
    print("datasets:")
    datasets = {k: v for benchmark in BENCHMARKS for k, v in benchmark.datasets.items()}
    for name, description in datasets.items():
        print(f"  {name:<28} {description}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    started = time.monotonic()
    out = Path(args.out)
    logs, collected = demo(out, limit=args.limit)
    print()
    print(_summary(collected.runs))
    _print_not_reported(collected)
    elapsed = time.monotonic() - started
    print(f"\nreport: {out / 'report.html'}  results: {out / 'results.json'}  ({elapsed:.0f} s)")
    return 0 if all(log.status == "success" for log in logs) else 1


def _optimise_prompt(args: argparse.Namespace) -> int:
    paraphraser: Paraphraser
    if args.generator:
        paraphraser = GeneratorParaphraser(args.generator)
    else:
        paraphraser = OfflineParaphraser(seed=args.seed)
        print("no --generator: paraphrases come from offline word-level rewrites (a stand-in)")

    def on_round(result: SearchResult) -> None:
        print(format_round(result.rounds[-1], args.rounds), flush=True)
        result.write_json(args.out)  # a search cut short keeps its history

    result = search_answer_lead(
        args.model,
        items=args.items,
        split=args.split,
        rounds=args.rounds,
        keep=args.keep,
        per_prompt=args.per_prompt,
        seeds=args.seed_leads or SEED_LEADS,
        paraphraser=paraphraser,
        log_dir=args.log_dir,
        seed=args.seed,
        on_round=on_round,
    )
    result.write_json(args.out)
    if result.stopped_early:
        print(f"stopped early: {result.stopped_early}")
    print(f"best lead: {describe_lead(result.best)}")
    if result.best_ranked is not None and result.best_ranked != result.best:
        print(f"first by accuracy band, then ECE: {describe_lead(result.best_ranked)}")
    print(
        f"{len(result.candidates)} leads scored on {args.items} {args.split} items in "
        f"{result.elapsed_s:.0f} s; history in {args.out}, logs in {args.log_dir}"
    )
    return 0 if result.best is not None else 1


def _adapt_consistency(args: argparse.Namespace) -> int:
    # imported here: the adaptation needs torch and transformers, which the rest of the CLI
    # does not
    from mmtrust.benchmarks.consistency.adaptation import AdaptationSettings
    from mmtrust.benchmarks.consistency.adaptation_eval import evaluate_adaptation
    from mmtrust.benchmarks.consistency.groups import (
        masking_groups,
        rephrasing_groups,
        restyling_groups,
    )
    from mmtrust.reference import reference_model_dir

    if args.n < 1:
        raise ValueError(f"--n must be at least 1, got {args.n}")
    if args.task == "rephrasing":
        groups = rephrasing_groups(args.split, args.n)
    elif args.task == "restyling":
        groups = restyling_groups(args.split, args.n)
    else:
        groups = masking_groups(args.split, args.n)
    settings = AdaptationSettings(alpha=args.alpha, beta=args.beta, lr=args.lr)
    result = evaluate_adaptation(args.model_dir or reference_model_dir(), groups, settings=settings)
    result.write_json(args.out)
    print(
        f"{args.task} on {args.split}: {result.groups} groups, {result.variants} variants "
        f"({result.wall_s:.0f} s)"
    )
    for phase, summary in (("before", result.before), ("after", result.after)):
        print(
            f"  {phase:<6} consistency {num(summary.consistency)}  "
            f"accuracy {num(summary.accuracy)}  unparsed {summary.unparsed_variants}"
        )
    print(f"wrote {args.out}")
    return 0


def _print_not_reported(collected: Collected) -> None:
    for unfinished in collected.selection.incomplete:
        print(
            f"mmtrust: not reported: {unfinished.task} on {unfinished.model} is incomplete "
            f"({unfinished.status}, {unfinished.samples_logged} of "
            f"{_count(unfinished.samples_planned)} samples): {unfinished.log}",
            file=sys.stderr,
        )
    for problem in collected.selection.problems:
        print(f"mmtrust: not reported: {problem.log}: {problem.reason}", file=sys.stderr)


def _count(value: int | None) -> str:
    return "?" if value is None else str(value)


def _summary(runs: list[Run]) -> str:
    if not runs:
        return "no mmtrust runs found"
    width = max(22, *(len(r.model) for r in runs))
    lines = [f"{'model':<{width}} {'task':<36} {'n':>5} {'acc':>7}"]
    for r in runs:
        line = f"{r.model:<{width}} {r.task:<36} {r.n:>5} {num(r.metrics.get('accuracy')):>7}"
        benchmark = benchmark_of_run(r.details.get("benchmark"))
        lines.append(line + (benchmark.summary(r) if benchmark else ""))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
