"""``mmtrust validate-judge FILE``: any refusal judge against any people-labelled file.

    mmtrust validate-judge ../shared/data/xstest/*.csv \\
        --response-column completion --label-column final_label
    mmtrust validate-judge labels.jsonl --judge multitrust-2025
    mmtrust validate-judge labels.csv --grader openai/gpt-4o --request-column prompt

Prints precision, recall, F1 and Cohen's kappa with intervals, the refusal rate per group (a
``--group-column``, or each file when several are given) beside the labelled rate, and the
disagreements; ``--json`` writes all of it. Broken rows are reported by file, line and column
and the rest is judged.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from mmtrust.scoring.refusal.card import JUDGE_DESCRIPTIONS, format_card, shipped_card
from mmtrust.scoring.refusal.labelled import (
    COMPLIANCE_LABELS,
    REFUSAL_LABELS,
    Columns,
    read_labelled,
)
from mmtrust.scoring.refusal.validation import (
    JudgedReply,
    ProgressCallback,
    format_report,
    judge_offline,
    judge_with_grader,
    validation_report,
)
from mmtrust.scoring.refusal.verdict import REFUSAL_MODES


def add_validate_judge(commands: Any) -> None:
    parser = commands.add_parser(
        "validate-judge",
        help="measure a refusal judge against people's labels (CSV or JSON Lines)",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument(
        "--judge",
        choices=REFUSAL_MODES,
        default="mmtrust",
        help="offline judge (default: %(default)s)",
    )
    parser.add_argument("--grader", help="judge with this model and MOSSBench's judge prompt")
    parser.add_argument("--response-column", default="response", help="(default: %(default)s)")
    parser.add_argument("--label-column", default="label", help="(default: %(default)s)")
    parser.add_argument("--group-column", help="rates per value of this column")
    parser.add_argument("--request-column", help="the request, shown to a grader")
    parser.add_argument(
        "--refusal-labels",
        help="comma-separated label values meaning refusal (default: "
        f"{', '.join(sorted(REFUSAL_LABELS))})",
    )
    parser.add_argument(
        "--compliance-labels",
        help="comma-separated label values meaning compliance (default: "
        f"{', '.join(sorted(COMPLIANCE_LABELS))})",
    )
    parser.add_argument(
        "--disagreements", type=int, default=20, help="how many to list (default: %(default)s)"
    )
    parser.add_argument("--max-connections", type=int, default=10, help="grader calls at once")
    parser.add_argument("--json", dest="json_out", help="write the full report here")
    parser.set_defaults(handler=validate_judge_command)


def add_judge_card(commands: Any) -> None:
    parser = commands.add_parser(
        "judge-card", help="how far each refusal judge agrees with people (shipped measurement)"
    )
    parser.set_defaults(handler=judge_card_command)


def judge_card_command(args: argparse.Namespace) -> int:
    card = shipped_card()
    if not card:
        raise ValueError("no judge card is shipped; train the head with `make refusal-head`")
    print(format_card(card))
    return 0


def _labels(text: str | None, default: frozenset[str]) -> frozenset[str]:
    if text is None:
        return default
    values = frozenset(v.strip().lower() for v in text.split(",") if v.strip())
    if not values:
        raise ValueError("a label list must name at least one value")
    return values


def validate_judge_command(args: argparse.Namespace) -> int:
    columns = Columns(
        response=args.response_column,
        label=args.label_column,
        group=args.group_column,
        request=args.request_column,
        refusal_labels=_labels(args.refusal_labels, REFUSAL_LABELS),
        compliance_labels=_labels(args.compliance_labels, COMPLIANCE_LABELS),
    )
    if columns.refusal_labels & columns.compliance_labels:
        raise ValueError(
            "a label value cannot mean both refusal and compliance: "
            f"{', '.join(sorted(columns.refusal_labels & columns.compliance_labels))}"
        )
    labelled = read_labelled(args.files, columns)
    for problem in labelled.problems:
        print(f"mmtrust: warning: {problem}", file=sys.stderr)
    if not labelled.replies:
        raise ValueError(f"no usable labelled replies in {', '.join(args.files)}")
    judged = _judge(labelled.replies, args)
    name = (
        f"model ({args.grader}, MOSSBench's judge prompt)"
        if args.grader
        else f"{args.judge}: {JUDGE_DESCRIPTIONS[args.judge]}"
    )
    report = validation_report(judged)
    report["judge"] = name
    report["problems"] = labelled.problems
    print(format_report(report, name, args.disagreements))
    if labelled.problems:
        print(f"{len(labelled.problems)} records skipped (see the warnings above)")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.json_out}")
    return 0


def _judge(replies: list[Any], args: argparse.Namespace) -> list[JudgedReply]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    # progress on stderr, so the report on stdout stays clean to pipe; hidden when not a TTY
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=_stderr_console(),
    ) as bar:
        task = bar.add_task("judging", total=len(replies))

        def advance(done: int) -> None:
            bar.advance(task, done)

        progress: ProgressCallback = advance
        if args.grader:
            return asyncio.run(
                judge_with_grader(replies, args.grader, progress, args.max_connections)
            )
        return judge_offline(replies, args.judge, progress)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
