"""The report's HTML from Jinja2 templates (shared by every benchmark's section).

A package's templates live in its ``templates/`` folder: ``mmtrust.report`` holds the page and
the macros every section may import (``macros.html.j2``), each benchmark its own sections.
Autoescape is on for every template whatever its name (``.j2`` matches no extension rule), so
every value from a model, a task or a log is escaped; ``|safe`` is only for HTML another
template already rendered. An undefined name is an error (``StrictUndefined``), not an empty
cell. The formatting functions of ``mmtrust.report.formatting`` are filters.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from mmtrust.report import formatting

SHARED = "mmtrust.report"
"""The package whose templates (the page, the shared macros) every environment also finds."""

FILTERS = {
    "pct": formatting.pct,
    "pct_interval": formatting.pct_interval,
    "count": formatting.count,  # replaces Jinja's own ``count`` (an alias of ``length``)
    "num": formatting.num,
    "num_interval": formatting.num_interval,
}


@cache
def environment(package: str) -> Environment:
    """The environment of ``package``'s templates (its own first, then the shared ones)."""
    loaders = [PackageLoader(package, "templates")]
    if package != SHARED:
        loaders.append(PackageLoader(SHARED, "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def render(package: str, template: str, **context: Any) -> str:
    """``package``'s template ``template`` rendered with ``context``."""
    return environment(package).get_template(template).render(**context)
