"""The `mmtrust` command: list, run, report, and clear errors for bad arguments."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from mmtrust.cli import main
from mmtrust.models.tiny import build_tiny_llava, train_chat_tokenizer
from mmtrust.perturb.misleading import MC_SYSTEM_TEXT


def test_list_names_tasks_suites_and_datasets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("mmtrust/mub_misleading", "mmtrust/mub_explicit", "default", "trustworld"):
        assert name in out


def test_run_then_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tokenizer = train_chat_tokenizer([MC_SYSTEM_TEXT, "A B C D Yes No"], 300)
    model_dir = build_tiny_llava(tmp_path / "llava", tokenizer=tokenizer)
    logs = tmp_path / "logs"
    code = main(
        [
            "run",
            "mub_explicit",
            "--model",
            f"hf-vlm/{model_dir}",
            "--limit",
            "5",
            "--log-dir",
            str(logs),
            "--display",
            "none",
            "-T",
            "n=5",
        ]
    )
    assert code == 0
    assert main(["report", str(logs), "-o", str(tmp_path / "out")]) == 0
    document = json.loads((tmp_path / "out" / "results.json").read_text())
    (run,) = document["runs"]
    assert run["task"] == "mub_explicit" and run["n"] == 5
    assert run["provenance"]["task_args"]["n"] == 5
    assert "mub_explicit" in capsys.readouterr().out


def test_report_on_a_folder_without_logs_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # most likely a wrong path: an error naming the folder, not an empty report
    assert main(["report", str(tmp_path), "-o", str(tmp_path / "out")]) == 2
    assert f"no Inspect logs (.eval or .json) in {tmp_path}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder of Inspect logs" in capsys.readouterr().err


def test_bad_arguments_are_clear(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "mub_explicit", "-T", "oops"]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err
    assert main(["run", "no_such_suite_or_task", "-T", "n=1"]) == 2
    assert "Unknown task or suite 'no_such_suite_or_task'" in capsys.readouterr().err
    assert main(["run", "mmtrust/mub_mislead"]) == 2
    error = capsys.readouterr().err
    assert "Did you mean: mub_misleading" in error and "mmtrust list" in error
    assert main(["run", "mub_explicit", "-T", "fit_n=3"]) == 2
    error = capsys.readouterr().err
    assert "fit_n taken by no task: mub_explicit takes" in error and " n," in error
    assert main(["run", "mub_explicit", "--fault-retries", "-1"]) == 2
    assert "must not be negative" in capsys.readouterr().err
    assert main(["run", "inspect_evals/mmmu", "-T", "n=1"]) == 2
    assert "external task" in capsys.readouterr().err
