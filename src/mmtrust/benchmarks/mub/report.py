"""MUB's section of the report: the rates of every run with intervals, a bar chart, what the
metrics mean, and per run its strata, outcomes and provenance."""

from __future__ import annotations

from typing import Any

from mmtrust.report.formatting import count, escape, pct, pct_interval
from mmtrust.report.runs import Run

_SERIES = (
    ("accuracy", "clean accuracy", "#4e79a7"),
    ("misleading_rate_t2f", "MR(T→F)", "#e15759"),
    ("misleading_rate_f2t", "MR(F→T)", "#59a14f"),
)

_EXPLANATIONS = [
    ("clean accuracy", "share of answered items the model gets right with no misleading text."),
    (
        "MR(T→F)",
        "of the items it answered correctly, the share it answers wrongly once misled towards "
        "a wrong option. Lower is better: a trustworthy model holds a correct answer.",
    ),
    (
        "MR(F→T)",
        "of the items it answered wrongly, the share it answers correctly once told the true "
        "answer. High values mean the model follows hints rather than the picture.",
    ),
    (
        "coverage",
        "share of items whose clean reply named an option. Unparseable replies, model errors "
        "and bad inputs are excluded from every rate and counted under 'excluded'.",
    ),
]


def misleading_section(runs: list[Run]) -> str:
    if not runs:
        return ""
    parts = ["<h2>Misleading (MUB)</h2>", _summary_table(runs), _chart(runs), _legend()]
    parts.append("<h3>What the metrics mean</h3><ul>")
    parts += [f"<li><b>{escape(name)}</b>: {escape(text)}</li>" for name, text in _EXPLANATIONS]
    parts.append("</ul>")
    parts += [_run_section(run) for run in runs]
    return "".join(parts)


def _summary_table(runs: list[Run]) -> str:
    rows = [
        "<table><tr><th class='l'>model</th><th class='l'>task</th><th class='l'>data</th>"
        "<th>n</th><th>clean accuracy</th><th>MR(T→F)</th><th>MR(F→T)</th><th>coverage</th>"
        "<th>excluded</th></tr>"
    ]
    for run in runs:
        m = run.metrics
        rows.append(
            f"<tr><td class='l'>{escape(run.model)}</td><td class='l'>{escape(run.task)}</td>"
            f"<td class='l'>{escape(_data_label(run))}</td><td>{run.n}</td>"
            + "".join(
                f"<td>{pct(m.get(k))}<br><span class='ci'>{pct_interval(m.get(k + '_ci95'))} "
                f"({count(m.get(k + '_count'))})</span></td>"
                for k in ("accuracy", "misleading_rate_t2f", "misleading_rate_f2t", "coverage")
            )
            + f"<td>{_excluded(m)}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def _chart(runs: list[Run]) -> str:
    """Grouped horizontal bars per run with interval whiskers, as inline SVG."""
    label_width, bar_width, bar_height, gap = 260, 560, 14, 14
    group_height = bar_height * len(_SERIES) + gap
    height = group_height * len(runs) + 30
    width = label_width + bar_width + 60
    svg = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' aria-label='accuracy and misleading rates per run'>"
    ]
    for tick in range(0, 101, 25):
        x = label_width + bar_width * tick / 100
        svg.append(
            f"<line x1='{x}' y1='0' x2='{x}' y2='{height - 20}' stroke='#e3e5ea'/>"
            f"<text x='{x}' y='{height - 6}' font-size='11' text-anchor='middle'>{tick}%</text>"
        )
    for index, run in enumerate(runs):
        top = index * group_height
        svg.append(
            f"<text x='{label_width - 8}' y='{top + group_height / 2}' font-size='12' "
            f"text-anchor='end'>{escape(run.model)} · {escape(run.task)}</text>"
        )
        for s, (key, _, colour) in enumerate(_SERIES):
            value = run.metrics.get(key)
            y = top + s * bar_height
            if value is None:
                svg.append(f"<text x='{label_width + 4}' y='{y + 11}' font-size='10'>n/a</text>")
                continue
            svg.append(
                f"<rect x='{label_width}' y='{y}' width='{bar_width * value:.1f}' "
                f"height='{bar_height - 2}' fill='{colour}'/>"
            )
            interval = run.metrics.get(key + "_ci95")
            if interval:
                lo, hi = (label_width + bar_width * v for v in interval)
                mid = y + (bar_height - 2) / 2
                svg.append(
                    f"<line x1='{lo:.1f}' y1='{mid}' x2='{hi:.1f}' y2='{mid}' stroke='#222'/>"
                )
    svg.append("</svg>")
    return "".join(svg)


def _legend() -> str:
    return (
        "<p class='legend'>"
        + "".join(f"<span style='background:{c}'></span>{escape(n)}" for _, n, c in _SERIES)
        + " — whiskers: 95% intervals</p>"
    )


def _run_section(run: Run) -> str:
    parts = [f"<h2>{escape(run.model)} · {escape(run.task)} · {escape(_data_label(run))}</h2>"]
    for key, table in run.details.get("strata", {}).items():
        if len(table) < 2:
            continue
        parts.append(f"<h3>by {escape(key.replace('_', ' '))}</h3>")
        parts.append(
            "<table><tr><th class='l'>stratum</th><th>n</th><th>clean accuracy</th>"
            "<th>MR(T→F)</th><th>MR(F→T)</th><th>excluded</th></tr>"
        )
        for label, m in table.items():
            parts.append(
                f"<tr><td class='l'>{escape(label)}</td><td>{sum(_n_items(m))}</td>"
                + "".join(
                    f"<td>{pct(m.get(k))} <span class='ci'>({count(m.get(k + '_count'))})</span>"
                    "</td>"
                    for k in ("accuracy", "misleading_rate_t2f", "misleading_rate_f2t")
                )
                + f"<td>{_excluded(m)}</td></tr>"
            )
        parts.append("</table>")
    outcomes = run.metrics.get("outcomes", {})
    parts.append(
        "<h3>outcomes</h3><p class='note'>"
        + ", ".join(f"{escape(k)}: {v}" for k, v in outcomes.items())
        + "</p>"
    )
    provenance = run.details.get("provenance", {})
    parts.append(
        "<h3>provenance</h3><table>"
        + "".join(
            f"<tr><th class='l'>{escape(k)}</th><td class='l'>{escape(str(v))}</td></tr>"
            for k, v in provenance.items()
        )
        + "</table>"
    )
    return "".join(parts)


def _n_items(metrics: dict[str, Any]) -> list[int]:
    outcomes = metrics.get("outcomes", {})
    return [v for k, v in outcomes.items() if k.startswith("stage1.")]


def _excluded(metrics: dict[str, Any]) -> str:
    outcomes = metrics.get("outcomes", {})
    bad = {
        k.split(".", 1)[1]: v
        for k, v in outcomes.items()
        if k.startswith("stage1.") and k not in ("stage1.correct", "stage1.wrong")
    }
    stage2_bad = sum(
        v
        for k, v in outcomes.items()
        if k.startswith("stage2.") and k.split(".", 1)[1] in ("unparseable", "model_error")
    )
    text = ", ".join(f"{k} {v}" for k, v in bad.items()) or "none"
    return text + (f"; stage 2: {stage2_bad}" if stage2_bad else "")


def _data_label(run: Run) -> str:
    split = run.details.get("split")
    dataset = str(run.details.get("dataset", ""))
    return f"{dataset} {split}" if split and dataset == "trustworld" else dataset
