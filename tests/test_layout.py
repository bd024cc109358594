"""The layout's rules (README, "Architecture"): one folder and one record per benchmark, every
task in exactly one benchmark, and shared layers that never import a benchmark."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from inspect_ai.util import registry_info

import mmtrust
from mmtrust.benchmarks import BENCHMARKS

SOURCE = Path(mmtrust.__file__).parent
TESTS = Path(__file__).parent
ASSEMBLY = {
    "mmtrust._registry",
    "mmtrust.api",
    "mmtrust.cli",
    "mmtrust.suites",
    "mmtrust.report.results",
    "mmtrust.report.html",
}
"""The modules that read the benchmark list: everything else outside ``benchmarks/`` is a
shared layer."""


def _modules() -> dict[str, Path]:
    modules = {}
    for path in SOURCE.rglob("*.py"):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _imported(path: Path) -> set[str]:
    """The mmtrust modules a file imports, at any depth (lazy imports in functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("mmtrust")}


def _registered_tasks() -> set[str]:
    for module in pkgutil.walk_packages(mmtrust.__path__, "mmtrust."):
        importlib.import_module(module.name)
    tasks = set()
    for module in list(pkgutil.walk_packages(mmtrust.__path__, "mmtrust.")):
        for value in _with_members(vars(importlib.import_module(module.name)).values()):
            try:
                info = registry_info(value)
            except (ValueError, AttributeError, TypeError):
                continue
            if info.type == "task":
                tasks.add(info.name)
    return tasks


def _with_members(values: Iterable[object]) -> Iterator[object]:
    """Module values, and the members of its tuples and dicts: a table of tasks made by a
    factory (MultiTrust's) holds them there rather than as module names."""
    for value in values:
        yield value
        if isinstance(value, tuple):
            yield from value
        elif isinstance(value, dict):
            yield from value.values()


def test_every_registered_task_belongs_to_exactly_one_benchmark() -> None:
    owners = Counter(f"mmtrust/{name}" for b in BENCHMARKS for name in b.task_names())
    assert [task for task, n in owners.items() if n > 1] == []
    registered = _registered_tasks()
    assert registered == set(owners), "tasks outside a benchmark record, or records' tasks unknown"


def test_every_benchmark_folder_has_a_record_a_readme_and_tests() -> None:
    folders = {p.name for p in (SOURCE / "benchmarks").iterdir() if (p / "__init__.py").exists()}
    assert folders == {b.name for b in BENCHMARKS}
    for benchmark in BENCHMARKS:
        readme = SOURCE / "benchmarks" / benchmark.name / "README.md"
        assert readme.is_file() and len(readme.read_text(encoding="utf-8")) > 500, readme
        assert list((TESTS / benchmark.name).glob("test_*.py")), f"no tests/{benchmark.name}/"


def test_run_kinds_suites_and_datasets_are_owned_once() -> None:
    for field in ("run_kinds", "suites", "datasets"):
        owned = Counter(key for b in BENCHMARKS for key in getattr(b, field))
        assert [key for key, n in owned.items() if n > 1] == [], field
    for benchmark in BENCHMARKS:
        own = {f"mmtrust/{name}" for name in benchmark.task_names()}
        suite_tasks = [t.name for s in benchmark.suites.values() for t in s.tasks]
        assert set(suite_tasks) | {t.name for t in benchmark.default_suite} <= own


@pytest.mark.parametrize("module", sorted(set(_modules()) - ASSEMBLY))
def test_shared_modules_never_import_a_benchmark(module: str) -> None:
    if module.startswith("mmtrust.benchmarks"):
        pytest.skip("a benchmark may import the shared layers")
    imported = _imported(_modules()[module])
    assert not {name for name in imported if name.startswith("mmtrust.benchmarks")}, module
