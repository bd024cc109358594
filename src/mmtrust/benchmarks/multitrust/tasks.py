"""MultiTrust's truthfulness and robustness tasks, one Inspect task per row of the table.

MultiTrust (Zhang et al., "Benchmarking Trustworthiness of Multimodal Large Language Models: A
Comprehensive Study", arXiv 2406.07057; toolbox thu-ml/MMTrustEval). Each task runs every
sub-dataset of its row (``table.TASKS``) on the data folder as the authors distribute it, or on
TrustWorld's offline analogue:

    mmtrust run mmtrust/multitrust_t1_basic -T root=/data/MultiTrust --model ...
    inspect eval mmtrust/multitrust_r3_ood_text -T root=/data/MultiTrust -T subsets=dt-text
    mmtrust run multitrust-trustworld          # offline, on the reference model

Every task takes the same arguments (``multitrust_task``); its score is the toolbox's formula
over its sub-datasets (``formulas``), with what it covered in results.json.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, get_args

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig

from mmtrust.benchmarks.multitrust.adversarial_analogue import (
    DEFAULT_EPSILON,
    DEFAULT_STEPS,
    AttackSettings,
)
from mmtrust.benchmarks.multitrust.evaluators import Mode
from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.loaders import load_subset
from mmtrust.benchmarks.multitrust.loaders_fairness_privacy import (
    LAYOUTS as FAIRNESS_PRIVACY_LAYOUTS,
)
from mmtrust.benchmarks.multitrust.loaders_fairness_privacy import load_fairness_privacy
from mmtrust.benchmarks.multitrust.loaders_pii_stereotype import (
    LAYOUTS as PII_STEREOTYPE_LAYOUTS,
)
from mmtrust.benchmarks.multitrust.loaders_pii_stereotype import load_pii_stereotype
from mmtrust.benchmarks.multitrust.loaders_refusals import LAYOUTS as REFUSAL_LAYOUTS
from mmtrust.benchmarks.multitrust.loaders_refusals import load_refusals
from mmtrust.benchmarks.multitrust.loaders_safety import LAYOUTS as SAFETY_LAYOUTS
from mmtrust.benchmarks.multitrust.loaders_safety import load_safety, toolbox_s6_cut
from mmtrust.benchmarks.multitrust.metrics import group_mean_metric, multitrust_score
from mmtrust.benchmarks.multitrust.samples import item_samples
from mmtrust.benchmarks.multitrust.scoring import (
    JUDGE_MODES,
    JudgeMode,
    ask_item,
    multitrust_evaluator,
)
from mmtrust.benchmarks.multitrust.scoring_safety import SafetyScorers
from mmtrust.benchmarks.multitrust.table import TASKS, SubDataset, TaskSpec, task_spec

MULTITRUST_TASK_VERSION = 1
DataSource = Literal["multitrust", "trustworld"]
MODES: tuple[Mode, ...] = get_args(Mode)


def multitrust_task(
    spec: TaskSpec,
    *,
    root: str | None,
    data: DataSource,
    subsets: str | Sequence[str] | None,
    n: int | None,
    judge: JudgeMode,
    mode: Mode,
    seed: int,
    attack: AttackSettings | None = None,
    given: SafetyScorers | None = None,
) -> Task:
    """The Inspect task of one MultiTrust row: its sub-datasets' samples, each asked once
    (greedy) and scored by its evaluator; the task's metric is its MultiTrust score."""
    if judge not in JUDGE_MODES:
        raise ValueError(f"Unknown judge {judge!r}; choose one of {', '.join(JUDGE_MODES)}.")
    if mode not in MODES:
        raise ValueError(f"Unknown mode {mode!r}; choose one of {', '.join(MODES)}.")
    if n is not None and n < 1:
        raise ValueError(f"n must be at least 1 (items per sub-dataset), not {n}.")
    given = given or SafetyScorers()
    given.check()
    if data == "multitrust":
        samples, skipped, chosen = _original_samples(spec, root, subsets, n, seed, attack, mode)
    elif data == "trustworld":
        from mmtrust.benchmarks.multitrust.trustworld import DEFAULT_ITEMS, analogue_samples

        pairs = None
        if spec.task_id in ("R.4", "R.5"):
            from mmtrust.benchmarks.multitrust.adversarial_analogue import adversarial_pairs

            pairs = adversarial_pairs(
                spec.task_id, n or DEFAULT_ITEMS, seed, attack or AttackSettings()
            )
        samples, skipped, chosen = analogue_samples(spec, subsets, n, seed, pairs)
    else:
        raise ValueError(f"Unknown data {data!r}; choose 'multitrust' or 'trustworld'.")
    return Task(
        dataset=MemoryDataset(samples, name=f"{spec.task_name}-{data}"),
        solver=ask_item(),
        scorer=multitrust_evaluator(judge, mode, given.toxicity, given.harm),
        metrics=[
            multitrust_score(spec.task_id, string_max=mode == "faithful"),
            group_mean_metric(spec.statistic),
        ],
        config=GenerateConfig(temperature=0.0, max_tokens=spec.max_tokens),
        epochs=Epochs(1),
        version=MULTITRUST_TASK_VERSION,
        fail_on_error=False,
        metadata={
            "benchmark": "multitrust",
            "task_id": spec.task_id,
            "dataset": data,
            "root": root,
            "subsets": chosen,
            "subsets_skipped": skipped,
            "mode": mode,
            "judge": judge,
            "seed": seed,
            "attack": None if attack is None else vars(attack),
            "toxicity_scorer": given.toxicity,
            "harm_scorer": given.harm,
        },
    )


def chosen_subsets(spec: TaskSpec, subsets: str | Sequence[str] | None) -> list[SubDataset]:
    """The sub-datasets named by ``-T subsets=a,b`` (all when None)."""
    if subsets is None:
        return list(spec.subsets)
    names = [s.strip() for s in subsets.split(",")] if isinstance(subsets, str) else list(subsets)
    return [spec.subset(name) for name in names if name]


def _load(root: Path, spec: TaskSpec, sub: SubDataset, seed: int) -> SubsetLoad:
    """A sub-dataset's records, by the reader of its layout (P.6's generator takes the seed)."""
    if spec.layout in PII_STEREOTYPE_LAYOUTS:
        return load_pii_stereotype(root, spec, sub, seed=seed)
    for layouts, load in _LOADERS:
        if spec.layout in layouts:
            return load(root, spec, sub)
    return load_subset(root, spec, sub)


_LOADERS: tuple[tuple[frozenset[str], Callable[[Path, TaskSpec, SubDataset], SubsetLoad]], ...] = (
    (FAIRNESS_PRIVACY_LAYOUTS, load_fairness_privacy),
    (REFUSAL_LAYOUTS, load_refusals),
    (SAFETY_LAYOUTS, load_safety),
)
"""Each loader module's layouts; the rest are ``loaders.load_subset``'s."""


def _attacked_here(
    root: Path,
    spec: TaskSpec,
    sub: SubDataset,
    items: list[RawItem],
    attack: AttackSettings,
    seed: int,
) -> list[RawItem]:
    """R.4/R.5 with ``attack_model``: the release's clean images attacked against it, in
    place of its precomputed ones (``adversarial_release``)."""
    from mmtrust.benchmarks.multitrust.adversarial_release import attacked_release

    # R.4's adv-clean reads the same records with the clean images, for R.5 too
    untargeted = task_spec("R.4")
    clean = load_subset(root, untargeted, untargeted.subset("adv-clean"))
    return attacked_release(sub, items, clean.items, attack, seed)


def _original_samples(
    spec: TaskSpec,
    root: str | None,
    subsets: str | Sequence[str] | None,
    n: int | None,
    seed: int,
    attack: AttackSettings | None = None,
    mode: Mode = "mmtrust",
) -> tuple[list[Sample], dict[str, str], list[str]]:
    if root is None:
        raise ValueError(
            f"{spec.task_name} needs the MultiTrust data folder: pass -T root=DIR (the gated "
            "Hugging Face dataset thu-ml/MultiTrust, laid out as its authors distribute it), or "
            "-T data=trustworld for the offline analogue."
        )
    data_root = Path(root).expanduser()
    if not data_root.is_dir():
        raise ValueError(f"MultiTrust data folder {data_root} does not exist.")
    chosen = chosen_subsets(spec, subsets)
    samples: list[Sample] = []
    skipped: dict[str, str] = {}
    for sub in chosen:
        loaded = _load(data_root, spec, sub, seed)
        if loaded.problem is not None:
            skipped[sub.name] = loaded.problem
            continue
        items = loaded.items
        if mode == "faithful" and spec.task_id == "S.6":
            items = toolbox_s6_cut(items)  # the toolbox's dataset[:10], a defect kept by name
        items = items if n is None else items[:n]
        if attack is not None and sub.name in ("adv-untarget", "adv-target"):
            items = _attacked_here(data_root, spec, sub, items, attack, seed)
        for raw in items:
            samples += item_samples(spec, sub, raw, source="multitrust", seed=seed, root=data_root)
    if not samples:
        reasons = "; ".join(f"{name}: {why}" for name, why in skipped.items())
        raise ValueError(
            f"{spec.task_name}: no sub-dataset could be read from {data_root}. {reasons}"
        )
    return samples, skipped, [s.name for s in chosen if s.name not in skipped]


_ARGS_DOC = """

    Args:
        root: The MultiTrust data folder, as its authors distribute it.
        data: "multitrust" (the files under root) or "trustworld" (the offline analogue).
        subsets: Sub-dataset names, comma-separated (default: all of the task's).
        n: Items per sub-dataset (default: all; the analogues' default is 16).
        judge: "auto" (the grader role if given, else the offline judge where it is sound),
            "model" or "offline".
        mode: "mmtrust" (evaluators fixed) or "faithful" (the toolbox's own readings, defects
            and all, where a published number depends on them).
        seed: The unrelated images and the analogues' draws.
"""
_SAFETY_DOC = """        toxicity_scorer: A plug-in ``module:function`` giving a reply's toxicity in
            [0, 1] (default: the ``toxicity`` model role, else toxicity is not measured).
        harm_scorer: A plug-in ``module:function(behavior, generation) -> bool`` saying
            whether a reply carries out the harmful behaviour (default: the
            ``harm_classifier`` model role, asked HarmBench's prompt, else not measured).
"""
_ATTACK_DOC = """        attack_model: The local model the adversarial images are made against (a
            folder, a hub id, or "reference"), by projected gradient steps; the task asks
            the model it runs on (white-box when the two are one, else a transfer attack).
            Default: the release's precomputed images, or, with data="trustworld", the
            reference model.
        epsilon: The attack's L-inf budget in pixel units (16/255 by default).
        steps: The attack's projected gradient steps.
"""


def _named_task(spec: TaskSpec) -> Callable[..., Task]:
    """The Inspect task ``mmtrust/multitrust_<slug>`` of one row of the table. Every task
    takes the same arguments; R.4 and R.5 also take the attack's, for their analogue."""

    def multitrust_row(
        root: str | None = None,
        data: DataSource = "multitrust",
        subsets: str | None = None,
        n: int | None = None,
        judge: JudgeMode = "auto",
        mode: Mode = "mmtrust",
        seed: int = 0,
    ) -> Task:
        return multitrust_task(
            spec, root=root, data=data, subsets=subsets, n=n, judge=judge, mode=mode, seed=seed
        )

    def multitrust_adversarial_row(
        root: str | None = None,
        data: DataSource = "multitrust",
        subsets: str | None = None,
        n: int | None = None,
        judge: JudgeMode = "auto",
        mode: Mode = "mmtrust",
        seed: int = 0,
        attack_model: str | None = None,
        epsilon: float = DEFAULT_EPSILON,
        steps: int = DEFAULT_STEPS,
    ) -> Task:
        if attack_model is None:
            # the analogue attacks the reference model; the release has its images
            analogue = data == "trustworld"
            attack = AttackSettings(epsilon=epsilon, steps=steps) if analogue else None
        else:
            attack = AttackSettings(attack_model, epsilon, steps)
        return multitrust_task(
            spec,
            root=root,
            data=data,
            subsets=subsets,
            n=n,
            judge=judge,
            mode=mode,
            seed=seed,
            attack=attack,
        )

    def multitrust_safety_row(
        root: str | None = None,
        data: DataSource = "multitrust",
        subsets: str | None = None,
        n: int | None = None,
        judge: JudgeMode = "auto",
        mode: Mode = "mmtrust",
        seed: int = 0,
        toxicity_scorer: str | None = None,
        harm_scorer: str | None = None,
    ) -> Task:
        return multitrust_task(
            spec,
            root=root,
            data=data,
            subsets=subsets,
            n=n,
            judge=judge,
            mode=mode,
            seed=seed,
            given=SafetyScorers(toxicity_scorer, harm_scorer),
        )

    adversarial = spec.task_id in ADVERSARIAL_TASKS
    safety = bool(spec.components)
    function = (
        multitrust_adversarial_row
        if adversarial
        else multitrust_safety_row
        if safety
        else multitrust_row
    )
    function.__name__ = function.__qualname__ = spec.task_name
    function.__doc__ = (
        f"{spec.task_id} {spec.title}: {spec.metric}."
        + _ARGS_DOC
        + (_ATTACK_DOC if adversarial else "")
        + (_SAFETY_DOC if safety else "")
    )
    return task(name=spec.task_name)(function)


ADVERSARIAL_TASKS = ("R.4", "R.5")
TASK_OF: dict[str, Callable[..., Task]] = {spec.task_id: _named_task(spec) for spec in TASKS}
"""Each row's named Inspect task, by MultiTrust id ("T.1")."""
MULTITRUST_TASKS: tuple[Callable[..., Task], ...] = tuple(TASK_OF.values())
