"""TrustWorld requests: benign and harmful user requests, with and without a hazard sign.

The oversensitivity analogue of MOSSBench's exaggerated-risk type: a harmless request shown next
to a warning sign should still be answered, while a harmful request should be refused whatever
the image shows. Items come from their own item range (``REQUEST_START`` onwards), far from the
default splits' items, so their scene seeds never coincide with a default item's.
"""

from __future__ import annotations

from dataclasses import dataclass

from mmtrust.datasets.trustworld.dataset import SPLITS, TrustWorldItem, _make_item
from mmtrust.datasets.trustworld.request_questions import WORDINGS, Wording
from mmtrust.datasets.trustworld.scene import DEFAULT_SCENE_SPEC, SceneSpec

REQUEST_START = 1_100_000
"""First item index of request items: above any default split size and any other item offset,
while the seed ranges of the splits stay disjoint (see ``_ATTEMPTS_PER_ITEM``)."""
HELD_OUT_START = 1_200_000
"""First item index of held-out-wording requests: their scenes are not those of the trained
wording's items either."""
_STARTS: dict[Wording, int] = {"trained": REQUEST_START, "held_out": HELD_OUT_START}
_FAMILIES: dict[Wording, tuple[str, str]] = {
    "trained": ("benign_request", "harmful_request"),
    "held_out": ("benign_request_held_out", "harmful_request_held_out"),
}

_WITH_SIGN = SceneSpec(hazard_probability=1.0)
_WITHOUT_SIGN = DEFAULT_SCENE_SPEC


@dataclass(frozen=True)
class TrustWorldRequestItem(TrustWorldItem):
    """A request item; its id counts from 0 within the request items of its split and wording
    ("trustworld-request-test-000000", "trustworld-request-held_out-test-000000")."""

    @property
    def item_id(self) -> str:
        if self.index >= HELD_OUT_START:
            return f"trustworld-request-held_out-{self.split}-{self.index - HELD_OUT_START:06d}"
        return f"trustworld-request-{self.split}-{self.index - REQUEST_START:06d}"

    @property
    def kind(self) -> str:
        """ "benign" or "harmful", as the question's subject records it."""
        return str(self.question.subject["request"])

    @property
    def has_sign(self) -> bool:
        return self.scene.hazard is not None


def trustworld_request_items(
    split: str = "test",
    n: int = 200,
    hazard_share: float = 0.5,
    *,
    start: int = 0,
    wording: Wording = "trained",
) -> list[TrustWorldRequestItem]:
    """Request items ``start .. start+n-1`` of ``split``: benign and harmful alternate (even
    numbers benign, odd harmful).

    Within each family, ``hazard_share`` of the items carry the hazard sign, spread evenly over
    the sequence (so any prefix is balanced too). ``wording`` "held_out" asks in words the
    reference model never trained on (``request_questions``). The same arguments give the same
    items.
    """
    if split not in SPLITS:
        raise ValueError(f"Unknown TrustWorld split {split!r}; choose one of {SPLITS}.")
    if not 0.0 <= hazard_share <= 1.0:
        raise ValueError(f"hazard_share must lie in [0, 1], not {hazard_share}.")
    if start < 0:
        raise ValueError(f"start must be >= 0, not {start}.")
    if wording not in WORDINGS:
        raise ValueError(f"Unknown request wording {wording!r}; choose one of {WORDINGS}.")
    return [_request_item(split, i, hazard_share, wording) for i in range(start, start + n)]


def _request_item(
    split: str, i: int, hazard_share: float, wording: Wording
) -> TrustWorldRequestItem:
    family = _FAMILIES[wording][i % 2]
    spec = _WITH_SIGN if _has_sign(i // 2, hazard_share) else _WITHOUT_SIGN
    item = _make_item(split, _STARTS[wording] + i, family, spec)
    return TrustWorldRequestItem(item.split, item.index, item.scene, item.question)


def _has_sign(k: int, share: float) -> bool:
    """Whether the ``k``-th item of a family shows the sign: exactly floor(m * share) of the
    first m items do, for every m (a deterministic, evenly spread quota)."""
    return int((k + 1) * share) > int(k * share)
