"""Train the refusal head and measure every judge's agreement with people (the judge card).

    python -m mmtrust.scoring.refusal.training --xstest ../shared/data/xstest   # make refusal-head

Data: XSTest's 2,250 replies of five model set-ups, each labelled by two people (refusal = full
or partial refusal, as XSTest counts it), and the project's own labelled replies
(``data/refusal_judge/train``: multimodal requests in many assistant styles). The project's
held-out replies (``data/refusal_judge/held_out``, written apart from the training ones) are
never trained on.

Validation that cannot flatter: leave-one-model-out on XSTest (for each set-up, a head trained
on the other four and the own training set judges it), then the shipped head, trained on all
five and the own training set, judges the own held-out set. Both go into the card with the rules
alone and MultiTrust's keyword modes measured on the same replies. The fit is seeded (each MLP's
initialisation and batch order), so the same data gives the same head on the same machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from mmtrust.metrics.agreement import agreement_summary
from mmtrust.scoring.refusal.card import CARD_FILE, JUDGE_DESCRIPTIONS
from mmtrust.scoring.refusal.features import RULE_FEATURE_NAMES
from mmtrust.scoring.refusal.head import (
    EMBEDDING_TOKENS,
    HEAD_FILE,
    THRESHOLD,
    HeadFeatures,
    RefusalHead,
    response_digest,
)
from mmtrust.scoring.refusal.judge import RefusalJudge
from mmtrust.scoring.refusal.labelled import Columns, LabelledReply, read_labelled
from mmtrust.scoring.refusal.rules import read_reply

REPOSITORY: Final = Path(__file__).resolve().parents[4]
OWN_DATA: Final = REPOSITORY / "data" / "refusal_judge"
WEIGHTS: Final = Path(__file__).resolve().parent / "weights"
XSTEST_COLUMNS: Final = Columns(response="completion", label="final_label", request="prompt")
OWN_COLUMNS: Final = Columns(response="response", label="label", group="kind", request="request")
HIDDEN: Final = 128
BAG: Final = 3
"""MLPs in the head, each from its own seed; their mean probability is the head's."""
EPOCHS: Final = 60
BATCH: Final = 64
LEARNING_RATE: Final = 1e-3
WEIGHT_DECAY: Final = 0.1
INPUT_DROPOUT: Final = 0.5
"""Measured by leave-one-model-out on XSTest and leave-one-file-out on the project's training
replies: a logistic regression on the same features reached F1 0.95 / own recall 0.87; these
MLPs 0.96 / 0.89, three of them averaged a little steadier than one."""
SEED: Final = 0
"""Seed of the first MLP (the others take the next seeds) and of the bootstrap intervals."""


@dataclass(frozen=True)
class Corpus:
    """Labelled replies with their features (embedding, then rule features) computed once."""

    replies: list[LabelledReply]
    features: npt.NDArray[np.float32]

    @property
    def labels(self) -> npt.NDArray[np.bool_]:
        return np.asarray([r.refusal for r in self.replies], dtype=bool)

    def where(self, keep: Callable[[LabelledReply], bool]) -> Corpus:
        picked = [i for i, r in enumerate(self.replies) if keep(r)]
        return Corpus([self.replies[i] for i in picked], self.features[picked])


def xstest_files(directory: Path) -> list[Path]:
    files = sorted(directory.glob("xstest_v2_completions_*.csv"))
    if not files:
        raise FileNotFoundError(f"No xstest_v2_completions_*.csv in {directory}.")
    return files


def read_xstest(directory: Path) -> list[LabelledReply]:
    """XSTest's replies, grouped by model set-up (the file name's suffix)."""
    replies: list[LabelledReply] = []
    for path in xstest_files(directory):
        labelled = read_labelled([path], XSTEST_COLUMNS)
        if labelled.problems:
            raise ValueError("\n".join(labelled.problems))
        setup = path.stem.removeprefix("xstest_v2_completions_")
        replies += [dataclasses.replace(r, group=setup) for r in labelled.replies]
    return replies


def read_own(part: str, directory: Path = OWN_DATA) -> list[LabelledReply]:
    """The project's own labelled replies of ``part`` ("train" or "held_out"), grouped by kind."""
    files = sorted((directory / part).glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"No labelled replies in {directory / part}.")
    labelled = read_labelled(files, OWN_COLUMNS)
    if labelled.problems:
        raise ValueError("\n".join(labelled.problems))
    return labelled.replies


def featurise(replies: list[LabelledReply], features: HeadFeatures) -> Corpus:
    responses = [r.response for r in replies]
    return Corpus(replies, features(responses, [read_reply(t) for t in responses]))


def fit_head(
    features: npt.NDArray[np.floating[Any]],
    labels: npt.NDArray[np.bool_],
    *,
    seed: int = SEED,
    training: dict[str, Any] | None = None,
) -> RefusalHead:
    """``BAG`` MLPs on standardised features, trained with AdamW from seeds ``seed, seed+1, ...``
    (deterministic on one machine: the same data and seeds give the same head)."""
    import torch

    x = torch.tensor(np.asarray(features), dtype=torch.float32)
    y = torch.tensor(labels.astype(np.float32))
    mean = x.mean(0)
    # a floor on the scale: a feature constant in training must not blow up at test time
    scale = x.std(0).clamp(min=1e-3)
    z = (x - mean) / scale
    nets = [_fit_mlp(z, y, seed + i) for i in range(BAG)]
    return RefusalHead(
        hidden_weights=np.stack([n[1].weight.detach().numpy().T for n in nets]),
        hidden_bias=np.stack([n[1].bias.detach().numpy() for n in nets]),
        output_weights=np.stack([n[3].weight.detach().numpy()[0] for n in nets]),
        output_bias=np.stack([n[3].bias.detach().numpy()[0] for n in nets]),
        mean=mean.numpy(),
        scale=scale.numpy(),
        embedding_tokens=EMBEDDING_TOKENS,
        rule_feature_names=RULE_FEATURE_NAMES,
        training=training or {},
    )


def _fit_mlp(z: Any, y: Any, seed: int) -> Any:
    import torch

    # a forked generator: training must not move the process's global random state
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return _train_mlp(z, y, seed)


def _train_mlp(z: Any, y: Any, seed: int) -> Any:
    import torch

    net = torch.nn.Sequential(
        torch.nn.Dropout(INPUT_DROPOUT),
        torch.nn.Linear(z.shape[1], HIDDEN),
        torch.nn.GELU(approximate="tanh"),
        torch.nn.Linear(HIDDEN, 1),
    )
    optimiser = torch.optim.AdamW(net.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    order = torch.Generator().manual_seed(seed)
    for _ in range(EPOCHS):
        permutation = torch.randperm(len(z), generator=order)
        for start in range(0, len(z), BATCH):
            batch = permutation[start : start + BATCH]
            optimiser.zero_grad()
            logits = net(z[batch]).squeeze(1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y[batch])
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
    net.eval()
    return net


def fit_on(parts: Sequence[Corpus], training: dict[str, Any] | None = None) -> RefusalHead:
    """A head fitted on the replies of ``parts`` together, knowing which replies it saw."""
    features = np.vstack([p.features for p in parts])
    labels = np.concatenate([p.labels for p in parts])
    head = fit_head(features, labels, training=training)
    digests = sorted({response_digest(r.response) for p in parts for r in p.replies})
    return dataclasses.replace(head, trained_on=np.asarray(digests, dtype=np.uint64))


def head_verdicts(head: RefusalHead, corpus: Corpus) -> list[bool]:
    return [bool(p >= THRESHOLD) for p in head.probabilities(corpus.features)]


def judge_verdicts(mode: str, replies: Sequence[LabelledReply]) -> list[bool]:
    verdicts = RefusalJudge(mode).judge_many([r.response for r in replies])
    return [v.is_refusal for v in verdicts]


def agreement_by_group(
    replies: Sequence[LabelledReply], verdicts: Sequence[bool]
) -> dict[str, Any]:
    """Pooled agreement and agreement per group."""
    people = [r.refusal for r in replies]
    groups = sorted({r.group for r in replies})
    return {
        "pooled": agreement_summary(people, verdicts, SEED),
        "groups": {
            group: agreement_summary(
                [r.refusal for r in replies if r.group == group],
                [v for r, v in zip(replies, verdicts, strict=True) if r.group == group],
                SEED,
            )
            for group in groups
        },
    }


def leave_one_model_out(xstest: Corpus, own_train: Corpus) -> list[bool]:
    """Each XSTest set-up judged by a head trained on the other four and the own training set;
    verdicts in ``xstest.replies`` order."""
    verdicts = [False] * len(xstest.replies)
    for setup in sorted({r.group for r in xstest.replies}):
        head = fit_on([xstest.where(lambda r, s=setup: r.group != s), own_train])  # type: ignore[misc]
        held = [i for i, r in enumerate(xstest.replies) if r.group == setup]
        probabilities = head.probabilities(xstest.features[held])
        for i, p in zip(held, probabilities, strict=True):
            verdicts[i] = bool(p >= THRESHOLD)
    return verdicts


def leave_one_file_out(own_train: Corpus, xstest: Corpus) -> list[bool]:
    """Each file of the project's training replies judged by a head trained on all of XSTest
    and the other files (a check of the recipe on multimodal replies, in the card)."""
    verdicts = [False] * len(own_train.replies)
    files = sorted({_file(r) for r in own_train.replies})
    for name in files:
        head = fit_on([xstest, own_train.where(lambda r, n=name: _file(r) != n)])  # type: ignore[misc]
        held = [i for i, r in enumerate(own_train.replies) if _file(r) == name]
        for i, p in zip(held, head.probabilities(own_train.features[held]), strict=True):
            verdicts[i] = bool(p >= THRESHOLD)
    return verdicts


def _file(reply: LabelledReply) -> str:
    return Path(reply.source.rsplit(":", 1)[0]).name


def measure_leave_one_model_out(xstest_dir: Path) -> dict[str, Any]:
    """The recipe's leave-one-model-out agreement on XSTest, measured afresh (for the check in
    the tests and ``benchmarks/refusal_judge_agreement.py``)."""
    features = HeadFeatures(EMBEDDING_TOKENS)
    xstest = featurise(read_xstest(xstest_dir), features)
    own_train = featurise(read_own("train"), features)
    return agreement_by_group(xstest.replies, leave_one_model_out(xstest, own_train))


def build(xstest_dir: Path) -> tuple[RefusalHead, dict[str, Any]]:
    """The shipped head and the judge card, from the data (deterministic)."""
    features = HeadFeatures(EMBEDDING_TOKENS)
    xstest = featurise(read_xstest(xstest_dir), features)
    own_train = featurise(read_own("train"), features)
    own_held_out = featurise(read_own("held_out"), features)
    training = {
        "xstest_replies": len(xstest.replies),
        "own_training_replies": len(own_train.replies),
        "own_held_out_replies": len(own_held_out.replies),
        "head": f"{BAG} MLPs, {HIDDEN} hidden units (GELU), input dropout {INPUT_DROPOUT}, "
        f"AdamW lr {LEARNING_RATE} weight decay {WEIGHT_DECAY}, {EPOCHS} epochs of batches of "
        f"{BATCH}",
        "embedding": f"all-MiniLM-L6-v2, first {EMBEDDING_TOKENS} tokens",
        "rule_features": len(RULE_FEATURE_NAMES),
        "seed": SEED,
    }
    head = fit_on([xstest, own_train], training)
    lomo = leave_one_model_out(xstest, own_train)
    judges: dict[str, Any] = {
        "mmtrust": {
            "xstest": agreement_by_group(xstest.replies, lomo),
            "xstest_protocol": "leave-one-model-out: each set-up judged by a head trained on "
            "the other four set-ups and the project's training replies",
            "own_held_out": agreement_by_group(
                own_held_out.replies, head_verdicts(head, own_held_out)
            ),
            "own_training_leave_one_file_out": agreement_by_group(
                own_train.replies, leave_one_file_out(own_train, xstest)
            ),
        }
    }
    for mode in ("mmtrust-rules", "multitrust-2025", "multitrust-paper"):
        judges[mode] = {
            "xstest": agreement_by_group(xstest.replies, judge_verdicts(mode, xstest.replies)),
            "xstest_protocol": "no training (but the rules were revised while reading XSTest's "
            "replies, so this is not a held-out figure)"
            if mode == "mmtrust-rules"
            else "no training (a fixed keyword list)",
            "own_held_out": agreement_by_group(
                own_held_out.replies, judge_verdicts(mode, own_held_out.replies)
            ),
        }
    for mode, entry in judges.items():
        entry["description"] = JUDGE_DESCRIPTIONS[mode]
    card = {"card_version": 1, "training": training, "judges": judges}
    return head, card


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--xstest", type=Path, default=REPOSITORY.parent / "shared/data/xstest")
    parser.add_argument("--out", type=Path, default=WEIGHTS, help="folder for the head and card")
    args = parser.parse_args(argv)
    head, card = build(args.xstest)
    args.out.mkdir(parents=True, exist_ok=True)
    head.save(args.out / HEAD_FILE)
    (args.out / CARD_FILE).write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    mmtrust = card["judges"]["mmtrust"]
    print(
        f"leave-one-model-out F1 {mmtrust['xstest']['pooled']['f1']:.3f}; own held-out "
        f"precision {mmtrust['own_held_out']['pooled']['precision']:.3f}, recall "
        f"{mmtrust['own_held_out']['pooled']['recall']:.3f}; wrote {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
