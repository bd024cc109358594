"""Did a reply refuse the request? mmtrust's refusal judges, shared by every benchmark that
counts refusals (MOSSBench, TrustWorld oversensitivity, MultiTrust's refusal rates).

- ``judge``: the offline judge by mode (``classify_refusal``, ``RefusalJudge``);
- ``rules`` (with ``clauses`` and ``roles``): the transparent clause rules;
- ``head`` (with ``features``): the learned head over an embedding and the rules' reading;
- ``keywords``: MultiTrust's keyword lists, faithful modes;
- ``model_judge``: MOSSBench's judge prompt for a grader model, and a reading of its reply;
- ``card``: how far each judge agrees with people, measured, shipped with the head;
- ``training``: the script that trains the head and measures the card.
"""

from mmtrust.scoring.refusal.judge import RefusalJudge, check_mode, classify_refusal
from mmtrust.scoring.refusal.keywords import MULTITRUST_2025_KEYWORDS, MULTITRUST_PAPER_KEYWORDS
from mmtrust.scoring.refusal.verdict import (
    REFUSAL_MODES,
    RefusalLabel,
    RefusalMode,
    RefusalVerdict,
)

__all__ = [
    "MULTITRUST_2025_KEYWORDS",
    "MULTITRUST_PAPER_KEYWORDS",
    "REFUSAL_MODES",
    "RefusalJudge",
    "RefusalLabel",
    "RefusalMode",
    "RefusalVerdict",
    "check_mode",
    "classify_refusal",
]
