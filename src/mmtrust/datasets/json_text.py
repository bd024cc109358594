"""Record files as benchmarks release them: one JSON document, or JSON lines."""

from __future__ import annotations

import json
from typing import Any


def parse_json_or_lines(text: str) -> Any:
    """``text`` parsed as one JSON document, or else as JSON lines (a list, one value per
    non-blank line). When neither parses, the error of the whole-document parse is raised:
    it points at the first broken place of a file meant as one document."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as document_error:
        try:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError:
            raise document_error from None
