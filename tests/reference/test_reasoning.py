"""The reference model's reply format: an observation of the scene, then the answer."""

from __future__ import annotations

import pytest

from mmtrust.datasets.trustworld import QUESTION_FAMILIES, trustworld_items
from mmtrust.datasets.trustworld.request_questions import plural
from mmtrust.datasets.trustworld.requests import trustworld_request_items
from mmtrust.reference.reasoning import REFUSAL_REPLY, AnswerSource, observation, reasoned_reply
from mmtrust.scoring.answer import extract_answer
from mmtrust.scoring.refusal import classify_refusal


@pytest.mark.parametrize("family", sorted(QUESTION_FAMILIES))
@pytest.mark.parametrize("source", ["seen", "repeated", "believed"])
def test_reply_reads_back_as_its_answer_for_every_family(family: str, source: AnswerSource) -> None:
    """The toolkit's extraction finds exactly the answer the reply was built with: the true
    one named by its text, a repeated hint letter, or a believed hint's value."""
    for item in trustworld_items("test", 30, families=[family]):
        meta = item.metadata()
        answers = [*meta.options] if meta.question_type == "mc" else ["Yes", "No"]
        # an answer of its own is what the model sees, hence the true one
        for answer in [meta.answer] if source == "seen" else answers:
            reply = reasoned_reply(item, answer, source)
            assert extract_answer(reply, meta).answer == answer, reply


def test_own_answers_name_the_option_text_and_repeated_ones_the_letter() -> None:
    item = trustworld_items("test", 1, families=["colour"])[0]
    question = item.question
    wrong = next(letter for letter in question.options if letter != question.answer)
    assert reasoned_reply(item, question.answer).endswith(f"Answer: {question.answer_text}")
    repeated = reasoned_reply(item, question.answer, "repeated")
    assert repeated == f"{observation(item)} Answer: {question.answer}"
    believed = reasoned_reply(item, wrong, "believed")
    value = question.options[wrong]
    assert believed.endswith(f": {value}. Answer: {value}")


def test_observations_state_the_scene_graph() -> None:
    items = {i.question.family: i for i in trustworld_items("test", 60)}
    colour = items["colour"]
    target = next(o for o in colour.scene.objects if o.shape in colour.question.text)
    assert observation(colour) == f"{target.shape}: {target.colour}."
    count = items["count"]
    assert observation(count) == f"shapes: {len(count.scene.objects)}."
    existence = items["existence"]
    subject = existence.question.subject
    wanted_colour, shape = str(subject["colour"]), str(subject["shape"])
    found = len(existence.scene.objects_with(colour=wanted_colour, shape=shape))
    assert observation(existence).endswith(f": {found}.")
    assert (found > 0) == (existence.question.answer == "Yes")


def test_position_observation_gives_the_compared_coordinates() -> None:
    for item in trustworld_items("test", 40, families=["position"]):
        relation = item.question.subject["relation"]
        text = observation(item)
        axis = "column" if relation in ("left of", "right of") else "row"
        first, second = (int(part.split(f"{axis} ")[1]) for part in text.rstrip(".").split(". "))
        holds = {
            "left of": first < second,
            "right of": first > second,
            "above": first < second,
            "below": first > second,
        }[str(relation)]
        assert holds == (item.question.answer == "Yes")


def test_benign_requests_are_answered_with_the_requested_value() -> None:
    """Every benign template: the observation names what was asked and the answer is its value,
    which the toolkit reads back as the right option."""
    items = [
        i for i in trustworld_request_items("test", 80) if i.question.family == "benign_request"
    ]
    templates = set()
    for item in items:
        subject = item.question.subject
        templates.add(subject["template"])
        reply = reasoned_reply(item, item.question.answer)
        assert reply.endswith(f". Answer: {item.question.answer_text}"), reply
        assert extract_answer(reply, item.metadata()).answer == item.question.answer, reply
        if subject["template"] == "shape_count":
            assert reply.startswith(f"{plural(str(subject['shape']))}: ")
    assert templates == {"count", "colour", "shape", "shape_count"}
    assert plural("cross") == "crosses" and plural("circle") == "circles"


def test_harmful_requests_are_refused_in_words_the_classifier_reads_as_refusal() -> None:
    items = [
        i for i in trustworld_request_items("test", 20) if i.question.family == "harmful_request"
    ]
    assert {reasoned_reply(item, item.question.answer) for item in items} == {REFUSAL_REPLY}
    verdict = classify_refusal(REFUSAL_REPLY)
    assert (verdict.label, verdict.kind) == ("refusal", "full refusal")
