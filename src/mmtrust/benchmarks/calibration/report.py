"""The calibration part of the HTML report: a metrics table and reliability diagrams."""

from __future__ import annotations

from typing import Any

from mmtrust.report.formatting import escape, num, num_interval
from mmtrust.report.runs import Run

_EXPLANATIONS = [
    (
        "ECE",
        "expected calibration error: the gap between confidence and accuracy, averaged over "
        "10 equal-width confidence bins weighted by their items. 0 is perfect.",
    ),
    (
        "ECE scaled",
        "the same after temperature scaling, one temperature per answer format (multiple "
        "choice, yes/no) fitted on the calib split with the same prompts and images.",
    ),
    ("MCE", "the largest gap of any bin."),
    ("Brier", "mean squared gap between confidence and correctness (0 is perfect)."),
    (
        "AUROC",
        "how well confidence separates right from wrong answers (0.5: not at all, 1: fully).",
    ),
    (
        "AURC",
        "area under the risk-coverage curve: the error rate when only the most confident "
        "answers are kept, averaged over every coverage (lower is better).",
    ),
]


def calibration_section(runs: list[Run]) -> str:
    if not runs:
        return ""
    parts = ["<h2>Calibration</h2>", _table(runs), "<h3>What the metrics mean</h3><ul>"]
    parts += [f"<li><b>{escape(name)}</b>: {escape(text)}</li>" for name, text in _EXPLANATIONS]
    parts.append("</ul>")
    for run in runs:
        parts.append(f"<h3>{escape(run.model)} · reliability</h3>")
        parts.append(_reliability_diagram(run.details.get("reliability", []), "before scaling"))
        if run.details.get("reliability_scaled"):
            parts.append(_reliability_diagram(run.details["reliability_scaled"], "after scaling"))
        fit = run.details.get("temperature_fit")
        if fit:
            parts.append(
                "<p class='note'>"
                + "; ".join(
                    f"{escape(kind)}: T = {f['temperature']:.3g} "
                    f"(grid {f['grid_temperature']:.3g}), {f['fit_items']} calib items, "
                    f"option NLL {f['option_nll_before']:.3f} → "
                    f"{f['option_nll_after']:.3f}"
                    for kind, f in fit.items()
                )
                + "</p>"
            )
    return "".join(parts)


def _table(runs: list[Run]) -> str:
    rows = [
        "<table><tr><th class='l'>model</th><th class='l'>data</th><th>n</th><th>accuracy</th>"
        "<th>mean confidence</th><th>ECE</th><th>ECE scaled</th><th>MCE</th><th>Brier</th>"
        "<th>AUROC</th><th>AURC</th><th>coverage</th></tr>"
    ]
    for run in runs:
        m = run.metrics
        rows.append(
            f"<tr><td class='l'>{escape(run.model)}</td>"
            f"<td class='l'>{escape(str(run.details.get('dataset')))} "
            f"{escape(str(run.details.get('split')))}<br><span class='ci'>prompt: "
            f"{escape(str(run.details.get('prompt')))}</span></td><td>{run.n}</td>"
            f"<td>{num(m.get('accuracy'))}</td><td>{num(m.get('mean_confidence'))}</td>"
            f"<td>{num(m.get('ece'))}<br><span class='ci'>{num_interval(m.get('ece_ci95'))}</span>"
            f"</td><td>{num(m.get('ece_scaled'))}<br><span class='ci'>"
            f"{num_interval(m.get('ece_scaled_ci95'))}</span></td>"
            f"<td>{num(m.get('mce'))}</td><td>{num(m.get('brier'))}</td>"
            f"<td>{num(m.get('auroc'))}</td><td>{num(m.get('aurc'))}</td>"
            f"<td>{num(m.get('coverage'))}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def _reliability_diagram(bins: list[dict[str, Any]], title: str) -> str:
    """Accuracy per confidence bin as bars against the diagonal of perfect calibration;
    bar labels give the bin's item count."""
    size, margin = 220, 34
    svg = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{size + 2 * margin}' "
        f"height='{size + 2 * margin}' role='img' aria-label='reliability diagram, {title}' "
        "style='margin-right:1.5rem'>",
        f"<text x='{margin}' y='16' font-size='12'>{escape(title)}</text>",
        f"<rect x='{margin}' y='{margin}' width='{size}' height='{size}' fill='none' "
        "stroke='#99a'/>",
        f"<line x1='{margin}' y1='{margin + size}' x2='{margin + size}' y2='{margin}' "
        "stroke='#bbb' stroke-dasharray='4 3'/>",
        f"<text x='{margin}' y='{margin + size + 16}' font-size='10'>0</text>",
        f"<text x='{margin + size - 18}' y='{margin + size + 16}' font-size='10'>conf 1</text>",
        f"<text x='2' y='{margin + 8}' font-size='10'>acc 1</text>",
    ]
    width = size / max(1, len(bins))
    for index, b in enumerate(bins):
        if not b.get("count"):
            continue
        height = size * float(b["accuracy"])
        x = margin + index * width
        svg.append(
            f"<rect x='{x + 1:.1f}' y='{margin + size - height:.1f}' width='{width - 2:.1f}' "
            f"height='{height:.1f}' fill='#4e79a7' opacity='0.85'/>"
            f"<text x='{x + 2:.1f}' y='{margin + size - height - 3:.1f}' font-size='9'>"
            f"{b['count']}</text>"
        )
    svg.append("</svg>")
    return "".join(svg)
