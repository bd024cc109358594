"""Tiny data roots in the exact layouts ``loaders_pii_stereotype`` reads (F.1, P.4, P.6).

``build_pii_stereotype_root(path, *, defects=False) -> Path`` writes under ``path``:

- F.1: ``fairness/stereo_generation_images/`` with real images ``1.png``, ``2.jpg``,
  ``10.png`` (natural order 1, 2, 10; as strings "10.png" < "2.jpg").
- P.4: ``privacy/celeb/celebrities.csv`` (``Celebrity,Title,Url``) with ``CELEBRITIES`` (an
  actress, a singer, an actor; one name quoted with a comma), their photos
  ``privacy/celeb/imgs/<name with _>.jpeg`` (real JPEGs).
- P.6: ``privacy/enron-email/five_shot.json`` with ``FIVE_SHOT_RECORDS`` records (more than
  the 10 read) of five ``[email, name]`` people each; record 1 names its first person twice
  (two emails), so its truth has two values where the value is the email.

With ``defects=True`` the same clean files are written, and then: F.1's folder also holds a
corrupt ``3.png``, a ``notes.txt``, a hidden ``.DS_Store`` and a subfolder (the last three are
no images and left out); P.4's CSV gets rows after the clean ones (their photo missing, with a
Url to fetch it from; a corrupt photo; a row cut before Title; an empty name; a name with a
slash; a row with a cell past the header; a repeated name, which is no defect); P.6's records
7, 8 and 9 (within the 10 read, so that the clean records keep their places) are replaced by a
string, a person without a name and an empty list. ``planted()`` lists every bad input
(``Planted``: kind, file, the bad item's id, its ``extra["record"]``, the ``where`` its
problem names and words the problem says). Everything is deterministic.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from mmtrust.benchmarks.multitrust.loaders_pii_stereotype import PII_TYPES, enron_item_id

STEREO_FOLDER = "fairness/stereo_generation_images"
CELEB_CSV = "privacy/celeb/celebrities.csv"
CELEB_IMAGES = "privacy/celeb/imgs"
FIVE_SHOT = "privacy/enron-email/five_shot.json"

STEREO_IMAGES = ("1.png", "2.jpg", "10.png")
"""F.1's clean images, in natural order."""
CELEBRITIES: tuple[tuple[str, str, str], ...] = (
    ("Ana Lee", "Actress", "https://example.invalid/ana-lee.jpg"),
    ("Bo Kim", "Singer", "https://example.invalid/bo-kim.jpg"),
    ("Cy Park, Jr.", "ACTOR", "https://example.invalid/cy-park.jpg"),
)
"""P.4's clean rows (lines 2-4)."""
FIVE_SHOT_RECORDS = 12
"""Records of five_shot.json; the loader reads the first 10."""
BAD_RECORDS = (7, 8, 9)
"""The records the defects root replaces."""


def person(record: int, k: int) -> tuple[str, str]:
    """The ``k``-th (email, name) of a clean record; record 1's third person is its first
    again, with another email."""
    if record == 1 and k == 2:
        return "first.again@example.org", "Person 1-0"
    return f"p{record}.{k}@example.org", f"Person {record}-{k}"


def five_shot_records() -> dict[str, list[list[str]]]:
    """The clean five_shot.json: key -> five [email, name] pairs."""
    return {
        f"key{record}@example.org": [list(person(record, k)) for k in range(5)]
        for record in range(FIVE_SHOT_RECORDS)
    }


def photo_name(celebrity: str) -> str:
    return "_".join(celebrity.split(" ")) + ".jpeg"


@dataclass(frozen=True)
class Planted:
    """One bad input of the defects root."""

    kind: str
    file: str
    item_id: str
    record: int | str
    where: str
    says: str
    """Words its problem holds."""


_CELEB_DEFECT_ROWS: tuple[tuple[list[str], Planted | None], ...] = (
    (
        ["Dee Missing", "Actor", "https://example.invalid/dee.jpg"],
        Planted(
            "missing-image",
            CELEB_CSV,
            "Dee_Missing",
            5,
            "line 5",
            "fetch it from https://example.invalid/dee.jpg",
        ),
    ),
    (
        ["Eve Broken", "Actress", "https://example.invalid/eve.jpg"],
        Planted("corrupt-image", CELEB_CSV, "Eve_Broken", 6, "line 6", "corrupt image"),
    ),
    (["Fay Short"], Planted("short-row", CELEB_CSV, "Fay_Short", 7, "line 7", "'Title'")),
    (
        ["", "Actor", "https://example.invalid/nobody.jpg"],
        Planted("empty-name", CELEB_CSV, "line-8", 8, "line 8", "'Celebrity' is empty"),
    ),
    (
        ["Gus/Slash", "Actor", ""],
        Planted("bad-name", CELEB_CSV, "line-9", 9, "line 9", "cannot name a folder or file"),
    ),
    (
        ["Hal Extra", "Actor", "https://example.invalid/hal.jpg", "surplus"],
        Planted("wide-row", CELEB_CSV, "Hal_Extra", 10, "line 10", "past the header"),
    ),
    (["Ana Lee", "Actress", "https://example.invalid/ana-lee.jpg"], None),
)
"""P.4's rows after the clean ones (lines 5-11) and the defect each plants (the last, a
repeated name, plants none: it loads, as ``Ana_Lee#11``)."""

_BAD_RECORD_VALUES: dict[int, tuple[object, str]] = {
    7: ("not a list", "must be a non-empty list of [email, name] pairs"),
    8: (
        [list(person(8, 0)), list(person(8, 1)), ["nameless@example.org"]],
        "person 2 of 'key8@example.org' must be an [email, name] pair",
    ),
    9: ([], "must be a non-empty list"),
}


def planted() -> tuple[Planted, ...]:
    found: list[Planted] = [
        Planted("corrupt-image", STEREO_FOLDER, "3.png", "3.png", "image 3.png", "corrupt image")
    ]
    found += [defect for _, defect in _CELEB_DEFECT_ROWS if defect is not None]
    for record, (_, says) in _BAD_RECORD_VALUES.items():
        for pii_type in PII_TYPES:
            item_id = enron_item_id(pii_type, record)
            found.append(
                Planted("bad-record", FIVE_SHOT, item_id, record, f"record {record}", says)
            )
    return tuple(found)


def _picture(i: int, size: tuple[int, int] = (40, 32)) -> Image.Image:
    colours = [(200, 40, 40), (40, 160, 60), (40, 60, 200), (220, 180, 30), (120, 40, 160)]
    image = Image.new("RGB", size, (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 4, size[0] - 6, size[1] - 4), fill=colours[i % len(colours)])
    return image


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def build_pii_stereotype_root(path: Path, *, defects: bool = False) -> Path:
    root = Path(path)
    stereo = root / STEREO_FOLDER
    stereo.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(STEREO_IMAGES):
        _picture(i).save(stereo / name)
    celeb_rows = [["Celebrity", "Title", "Url"], *[list(row) for row in CELEBRITIES]]
    photos = root / CELEB_IMAGES
    photos.mkdir(parents=True, exist_ok=True)
    for i, (name, _, _) in enumerate(CELEBRITIES):
        _picture(i, (48, 64)).save(photos / photo_name(name), format="JPEG")
    records: dict[str, object] = dict(five_shot_records())
    if defects:
        (stereo / "3.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really a png")
        (stereo / "notes.txt").write_text("not an image\n")
        (stereo / ".DS_Store").write_bytes(b"\x00\x01")
        (stereo / "sub").mkdir(exist_ok=True)
        _picture(4).save(stereo / "sub" / "4.png")
        celeb_rows += [row for row, _ in _CELEB_DEFECT_ROWS]
        (photos / "Eve_Broken.jpeg").write_bytes(b"\xff\xd8\xff\xe0 cut short")
        _picture(3, (48, 64)).save(photos / "Hal_Extra.jpeg", format="JPEG")
        for record, (value, _) in _BAD_RECORD_VALUES.items():
            records[f"key{record}@example.org"] = value
    (root / CELEB_CSV).write_text(_csv_text(celeb_rows), encoding="utf-8")
    five_shot = root / FIVE_SHOT
    five_shot.parent.mkdir(parents=True, exist_ok=True)
    five_shot.write_text(json.dumps(records, indent=1), encoding="utf-8")
    return root
