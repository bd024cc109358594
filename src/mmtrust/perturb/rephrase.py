"""Offline question rephrasing for TrustWorld, standing in for MM-R3's LLM-written rephrasings.

MM-R3 (spec: shared/spec/mmr3.md) asks each question in three rephrasings and measures whether
the answers agree. Here every question family has a set of meaning-preserving templates, filled
from the scene graph through the ``Question.subject`` the family records (the object asked
about, the colour and shape looked for, the two objects and their relation), never by editing
the original string. A rephrasing keeps the answer and the options of its question:

* colour / shape questions name the same unique object by the same attribute;
* existence questions name the same colour and shape;
* position questions either reword the relation ("left of", "on the left side of") or swap the
  two objects and invert it ("A left of B" as "B right of A"), which has the same truth value
  because a relation is only asked where the two objects differ in column (left/right) or in
  row (above/below);
* count and text questions have no parameters and are reworded only.

The unanswerable families (``colour_absent``, ``shape_absent``, ``text_absent``) use the
templates of their answerable counterparts, so the IDK task can be rephrased as well.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from mmtrust.datasets.trustworld.dataset import TrustWorldItem
from mmtrust.datasets.trustworld.questions import Question
from mmtrust.datasets.trustworld.scene import Scene, SceneObject

COLOUR_TEMPLATES: tuple[str, ...] = (
    "Which colour does the {shape} have?",
    "The {shape} is what colour?",
    "Tell me the colour of the {shape}.",
    "What is the colour of the {shape}?",
    "In the image, which colour is the {shape}?",
    "What colour has the {shape} been drawn in?",
)
SHAPE_TEMPLATES: tuple[str, ...] = (
    "Which shape is the {colour} object?",
    "The {colour} object has what shape?",
    "Tell me the shape of the {colour} object.",
    "What is the shape of the {colour} object?",
    "What kind of shape is the {colour} object?",
    "Which shape does the {colour} object have?",
)
COUNT_TEMPLATES: tuple[str, ...] = (
    "How many shapes does the image contain?",
    "What is the number of shapes in the image?",
    "Count the shapes in the image: how many are there?",
    "How many shapes can be seen in the picture?",
    "What is the total number of shapes shown in the image?",
)
TEXT_TEMPLATES: tuple[str, ...] = (
    "Which letter is written in the image?",
    "What letter appears in the image?",
    "What is the letter written in the picture?",
    "Read the letter in the image: which one is it?",
    "Which letter can be read in the image?",
)
EXISTENCE_TEMPLATES: tuple[str, ...] = (
    "Does the image contain {article} {colour} {shape}?",
    "Can you see {article} {colour} {shape} in the image?",
    "Is {article} {colour} {shape} present in the image?",
    "Does {article} {colour} {shape} appear anywhere in the image?",
    "Is there any {colour} {shape} in the picture?",
)

RELATION_PHRASES: dict[str, tuple[str, ...]] = {
    "left of": ("to the left of", "left of", "on the left side of"),
    "right of": ("to the right of", "right of", "on the right side of"),
    "above": ("above", "higher up than", "higher than"),
    "below": ("below", "lower down than", "lower than"),
}
"""Wordings of each relation ``questions.position_question`` asks, plainest first."""
INVERSE_RELATION: dict[str, str] = {
    "left of": "right of",
    "right of": "left of",
    "above": "below",
    "below": "above",
}
"""``a REL b`` holds exactly when ``b INVERSE[REL] a`` holds (strict column/row order)."""

POSITION_TEMPLATES: tuple[tuple[str, bool, int], ...] = (
    ("Is the {first} {phrase} the {second}?", True, 0),
    ("Does the {first} appear {phrase} the {second}?", False, 1),
    ("Is it true that the {first} is {phrase} the {second}?", False, 2),
    ("Is the {first} located {phrase} the {second}?", True, 2),
    ("Looking at the image, is the {first} {phrase} the {second}?", False, 1),
    ("Would you say the {first} is {phrase} the {second}?", True, 0),
)
"""``(template, swapped, phrase index)``: ``swapped`` puts the second object first and inverts
the relation; the phrase index picks the wording from ``RELATION_PHRASES``."""

_Builder = Callable[[Scene, Question], list[str]]


def rephrasings(item: TrustWorldItem, count: int = 3, seed: int = 0) -> list[str]:
    """``count`` distinct rephrasings of ``item``'s question, none equal to the original.

    The choice among the family's templates is seeded by ``seed`` and the item, so the same
    arguments always give the same list while different items get different wordings.
    """
    candidates = candidate_rephrasings(item.scene, item.question)
    if not 1 <= count <= len(candidates):
        raise ValueError(
            f"Can give 1 to {len(candidates)} rephrasings of a {item.question.family!r} "
            f"question, not {count}."
        )
    rng = random.Random(f"rephrase:{seed}:{item.item_id}")
    return rng.sample(candidates, count)


def candidate_rephrasings(scene: Scene, question: Question) -> list[str]:
    """Every template rephrasing of ``question`` about ``scene``, in template order.

    Duplicates and the original question itself (ignoring case and spacing) are left out.
    """
    builder = _BUILDERS.get(question.family)
    if builder is None:
        raise ValueError(
            f"No rephrasing templates for question family {question.family!r}; "
            f"supported: {sorted(_BUILDERS)}."
        )
    seen = {_normalised(question.text)}
    unique: list[str] = []
    for text in builder(scene, question):
        key = _normalised(text)
        if key not in seen:
            seen.add(key)
            unique.append(text)
    return unique


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _colour(scene: Scene, question: Question) -> list[str]:
    """Colour questions ask about a shape that occurs once; absent-shape ones name it."""
    shape = (
        _subject_text(question, "shape")
        if question.family == "colour_absent"
        else _subject_object(scene, question, 0).shape
    )
    return [template.format(shape=shape) for template in COLOUR_TEMPLATES]


def _shape(scene: Scene, question: Question) -> list[str]:
    """Shape questions ask about an object whose colour occurs once."""
    colour = (
        _subject_text(question, "colour")
        if question.family == "shape_absent"
        else _subject_object(scene, question, 0).colour
    )
    return [template.format(colour=colour) for template in SHAPE_TEMPLATES]


def _existence(scene: Scene, question: Question) -> list[str]:
    colour = _subject_text(question, "colour")
    shape = _subject_text(question, "shape")
    return [
        template.format(article=_article(colour), colour=colour, shape=shape)
        for template in EXISTENCE_TEMPLATES
    ]


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _position(scene: Scene, question: Question) -> list[str]:
    first = _subject_object(scene, question, 0)
    second = _subject_object(scene, question, 1)
    relation = _subject_text(question, "relation")
    if relation not in RELATION_PHRASES:
        raise ValueError(
            f"Position question relation {relation!r} is not one of {list(RELATION_PHRASES)}."
        )
    return [
        _position_text(template, phrase_index, swapped, first, relation, second)
        for template, swapped, phrase_index in POSITION_TEMPLATES
    ]


def _position_text(
    template: str,
    phrase_index: int,
    swapped: bool,
    first: SceneObject,
    relation: str,
    second: SceneObject,
) -> str:
    """``template`` stating ``first relation second``, with the objects swapped if asked."""
    if swapped:
        # "A left of B" holds exactly when "B right of A" does (see INVERSE_RELATION)
        first, relation, second = second, INVERSE_RELATION[relation], first
    return template.format(
        first=first.description,
        phrase=RELATION_PHRASES[relation][phrase_index],
        second=second.description,
    )


def _fixed(templates: tuple[str, ...]) -> _Builder:
    """A builder for a family whose question has no parameters."""

    def build(scene: Scene, question: Question) -> list[str]:
        return list(templates)

    return build


_BUILDERS: dict[str, _Builder] = {
    "colour": _colour,
    "shape": _shape,
    "count": _fixed(COUNT_TEMPLATES),
    "position": _position,
    "existence": _existence,
    "text": _fixed(TEXT_TEMPLATES),
    "colour_absent": _colour,
    "shape_absent": _shape,
    "text_absent": _fixed(TEXT_TEMPLATES),
}


def _subject_text(question: Question, key: str) -> str:
    value = question.subject.get(key)
    if not isinstance(value, str):
        raise ValueError(
            f"A {question.family!r} question's subject lacks a text {key!r}: {question.subject}."
        )
    return value


def _subject_object(scene: Scene, question: Question, index: int) -> SceneObject:
    """Object ``index`` of the subject's ``object_ids``, looked up in the scene graph."""
    ids = question.subject.get("object_ids")
    if not isinstance(ids, list) or len(ids) <= index:
        raise ValueError(
            f"A {question.family!r} question's subject lacks object {index}: {question.subject}."
        )
    return scene.object(ids[index])
