"""Answer-lead search (prompt optimisation): parsing, ranking and the offline paraphraser as
pure functions; the search end to end on the reference model, with the offline paraphraser and
with a mock generator (Inspect's ``mockllm/model``)."""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from inspect_ai.model import ChatMessage, GenerateConfig, ModelOutput, ModelUsage, get_model
from inspect_ai.tool import ToolChoice, ToolInfo

from mmtrust.benchmarks.calibration.paraphrase import (
    PARAPHRASE_REQUEST,
    GeneratorParaphraser,
    lead_key,
    offline_paraphrases,
    parse_paraphrases,
    proposal_from_reply,
)
from mmtrust.benchmarks.calibration.prompt_search import (
    SEED_LEADS,
    ScoredLead,
    accuracy_band,
    is_better,
    rank,
    rank_key,
    search_answer_lead,
)
from mmtrust.cli import main

MODEL = "mmtrust/reference"


def _lead(lead: str, accuracy: float | None, ece: float | None) -> ScoredLead:
    error = None if accuracy is not None and ece is not None else "no confidences (no ECE)"
    return ScoredLead(lead, accuracy, ece, coverage=1.0, n=10, error=error)


# --- parsing ---------------------------------------------------------------------------------


def test_paraphrases_lose_numbering_quotes_repeats_and_empty_parts() -> None:
    reply = (
        '1. The answer may be <sx> 2) "The answer could be." <sx>- the answer  MAY be\n'
        "<sx>  <sx> 3. <sx> '' <sx> (4) ‘My option is’: <sx> * The answer is"
    )
    assert parse_paraphrases(reply) == [
        "The answer may be",
        "The answer could be",
        "My option is",
        "The answer is",
    ]


def test_a_reply_without_separator_is_one_paraphrase() -> None:
    assert parse_paraphrases("The answer may be") == ["The answer may be"]
    assert parse_paraphrases("") == []
    assert parse_paraphrases(' <sx> 1. <sx> "" ') == []


def test_talk_is_rejected_and_the_parent_is_no_paraphrase_of_itself() -> None:
    talk = "As an AI language model I cannot know which sentences you would like me to produce here"
    proposal = proposal_from_reply(
        "The answer might be", f"the answer might be <sx> {talk} <sx> The answer may be", m=5
    )
    assert proposal.leads == ["The answer may be"]
    assert proposal.rejected == [talk]
    assert proposal.error is None
    garbage = proposal_from_reply("The answer might be", f"{talk} <sx> ?!? <sx>", m=5)
    assert garbage.leads == [] and garbage.error is not None
    assert garbage.reply is not None and talk in garbage.reply


def test_the_request_is_the_papers() -> None:
    assert PARAPHRASE_REQUEST.format(suffix="The answer might be", m=5) == (
        'Given sentence: "The answer might be", please generate 5 sentences similar to the '
        "given sentence, separate each sentence with '<sx>', be careful not to output anything "
        "except for the sentence."
    )


# --- ranking ---------------------------------------------------------------------------------


def test_accuracy_bands_are_floors_of_fifths() -> None:
    assert [accuracy_band(a) for a in (0.0, 0.19, 0.2, 0.39, 0.4, 0.6, 0.79, 0.8, 1.0)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        3,
        4,
        5,
    ]
    assert 0.6 / 0.2 < 3  # floating point: the band of 0.6 needs the tolerance
    assert accuracy_band(0.6) == 3 and accuracy_band(0.5999) == 2


def test_rank_by_band_then_ece() -> None:
    assert rank_key(0.7, 0.3) == (-3, 0.3)
    leads = [
        _lead("band 3, high ECE", 0.79, 0.40),
        _lead("band 3, low ECE", 0.61, 0.05),
        _lead("band 4", 0.80, 0.90),
        _lead("band 2", 0.59, 0.00),
        _lead("unscored", None, None),
        _lead("band 3, high ECE, later", 0.70, 0.40),
    ]
    assert [lead.lead for lead in rank(leads)] == [
        "band 4",
        "band 3, low ECE",
        "band 3, high ECE",
        "band 3, high ECE, later",  # a tie keeps its order
        "band 2",
        "unscored",
    ]
    assert rank_key(None, 0.1) == rank_key(0.5, math.nan) == (math.inf, math.inf)


def test_the_global_best_wants_accuracy_then_ece() -> None:
    best = _lead("best", 0.7, 0.2)
    assert is_better(_lead("more accurate", 0.71, 0.9), best)
    assert is_better(_lead("as accurate, better calibrated", 0.7, 0.1), best)
    assert not is_better(_lead("as accurate, worse calibrated", 0.7, 0.3), best)
    assert not is_better(_lead("less accurate", 0.69, 0.0), best)
    assert not is_better(_lead("unscored", None, None), best)
    assert not is_better(None, best)
    assert is_better(best, None) and is_better(best, _lead("unscored", None, None))


# --- offline paraphraser ---------------------------------------------------------------------


def test_offline_paraphrases_are_deterministic_distinct_and_new() -> None:
    lead = "The answer might be"
    first = offline_paraphrases(lead, 5, seed=0)
    assert first == offline_paraphrases(lead, 5, seed=0)
    assert len(first) == 5
    assert len({lead_key(p) for p in first} | {lead_key(lead)}) == 6
    assert offline_paraphrases(lead, 5, seed=1) != first
    many = offline_paraphrases(lead, 100, seed=0)
    assert len({lead_key(p) for p in many}) == len(many) > 10
    assert "The answer may be" in many and "The answer is probably" in many
    assert "My answer might be" in many and "The correct option might be" in many


def test_offline_paraphrases_of_an_unknown_lead() -> None:
    assert offline_paraphrases("Answer", 3, seed=0)[0][0].isupper()  # sentence case is kept
    assert offline_paraphrases("Hmm", 3, seed=0) == []


def test_the_lead_is_never_chosen_on_test(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="never on test"):
        search_answer_lead(MODEL, items=4, split="test", log_dir=str(tmp_path))


# --- end to end on the reference model -------------------------------------------------------


def test_offline_search_on_the_reference_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "search.json"
    args = ["optimise-prompt", "--model", MODEL, "--items", "16", "--rounds", "2"]
    args += ["--keep", "2", "--per-prompt", "2", "--log-dir", str(tmp_path / "logs")]
    assert main([*args, "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "offline" in printed and "round 1/2" in printed and "best lead: '" in printed

    history = json.loads(out.read_text())
    candidates = history["candidates"]
    leads = [c["score"]["lead"] for c in candidates]
    assert max(Counter(lead_key(lead) for lead in leads).values()) == 1  # none scored twice
    seeds = [c for c in candidates if c["parent"] is None]
    assert [c["score"]["lead"] for c in seeds] == list(SEED_LEADS)
    assert all(c["round"] == 1 for c in seeds)
    paraphrases = [c for c in candidates if c["parent"] is not None]
    assert len(paraphrases) >= 4  # 2 per seed in round 1, more in round 2
    for c in paraphrases:
        assert c["parent"] in leads[: leads.index(c["score"]["lead"])]  # scored before it
    for c in candidates:
        score = c["score"]
        assert score["error"] is None and score["n"] == 16
        assert 0 <= score["accuracy"] <= 1 and 0 <= score["ece"] <= 1
    assert len(list((tmp_path / "logs").glob("*.eval"))) == len(candidates)
    _assert_bests_follow_the_rules(history)


def _assert_bests_follow_the_rules(history: dict[str, Any]) -> None:
    by_lead = {c["score"]["lead"]: ScoredLead(**c["score"]) for c in history["candidates"]}
    kept = list(history["settings"]["seeds"])
    best: ScoredLead | None = None
    for search_round in history["rounds"]:
        pool = [by_lead[lead] for lead in dict.fromkeys([*kept, *search_round["new"]])]
        top = rank(pool)[0]
        assert search_round["best"]["lead"] == top.lead
        assert (
            search_round["kept"] == [lead.lead for lead in rank(pool)][: len(search_round["kept"])]
        )
        best = top if is_better(top, best) else best
        assert best is not None and search_round["global_best"]["lead"] == best.lead
        kept = search_round["kept"]
    assert best is not None and history["best"]["lead"] == best.lead
    assert history["best_ranked"]["lead"] == rank(list(by_lead.values()))[0].lead


def _mock_generator_outputs() -> Any:
    """Replies of the mock generator, read off the request: "The answer might be" gets a
    well-formed list, "The answer must be" gets talk; the requests after those two (round 2)
    fail, as at a server that went down."""
    asked: list[str] = []

    def reply(
        messages: list[ChatMessage], tools: list[ToolInfo], choice: ToolChoice, cfg: GenerateConfig
    ) -> ModelOutput:
        request = messages[-1].text
        asked.append(request)
        if len(asked) > len(SEED_LEADS):
            raise RuntimeError("generator is down")
        if '"The answer might be"' in request:
            content = (
                '1. The answer may be <sx> 2. "The answer could be." <sx> 3. The answer may be'
            )
        else:
            content = (
                "I am sorry, but I am not sure which kind of sentences you would like me to write."
            )
        output = ModelOutput.from_content(model="mockllm", content=content)
        # with no usage, mockllm counts tokens with tiktoken, which downloads its tables
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return output

    return reply


def test_generator_replies_and_failures_are_recorded(tmp_path: Path) -> None:
    # mockllm/model is Inspect's mock provider: its replies are the scripted ones above
    generator = get_model("mockllm/model", custom_outputs=_mock_generator_outputs())
    result = search_answer_lead(
        MODEL,
        items=8,
        rounds=3,
        keep=2,
        per_prompt=3,
        paraphraser=GeneratorParaphraser(generator),
        log_dir=str(tmp_path / "logs"),
    )
    first, second = result.rounds  # the third never came: the second brought nothing new
    assert first.new == [*SEED_LEADS, "The answer may be", "The answer could be"]
    good, talk = first.proposals
    assert good.leads == ["The answer may be", "The answer could be"] and good.error is None
    assert talk.leads == [] and talk.error == "generator reply held no usable paraphrase"
    assert talk.reply is not None and talk.rejected == [talk.reply.rstrip(".")]
    assert second.new == []
    assert all("RuntimeError: generator is down" in (p.error or "") for p in second.proposals)
    assert result.stopped_early is not None and "generator is down" in result.stopped_early
    assert [c.score.lead for c in result.candidates] == first.new
    assert result.best is not None and result.best == first.best
    json.dumps(result.as_dict())  # the history is JSON
    paraphrase_logs = list((tmp_path / "logs" / "paraphrases").glob("*.eval"))
    assert len(paraphrase_logs) == 2
