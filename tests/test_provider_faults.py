"""Bounded retries of transient provider faults (the HTTP side is in test_faults_and_resume)."""

from __future__ import annotations

import asyncio
import json

import pytest
from inspect_ai.model import ModelOutput

from mmtrust.models.provider_faults import (
    BACKOFF_VARIABLE,
    RETRIES_VARIABLE,
    FaultRetries,
    ProviderFaultError,
    fault_settings,
    with_fault_retries,
)

QUICK = FaultRetries(retries=2, backoff_s=0.0)


def _replies(*steps: ModelOutput | Exception) -> tuple[list[int], object]:
    calls: list[int] = []

    async def request() -> ModelOutput:
        calls.append(1)
        step = steps[len(calls) - 1]
        if isinstance(step, Exception):
            raise step
        return step

    return calls, request


def test_a_transient_fault_is_asked_again_until_it_passes() -> None:
    calls, request = _replies(
        json.JSONDecodeError("Expecting value", "<html>", 0),
        ModelOutput(model="m", choices=[]),  # an empty choices list is a fault too
        ModelOutput.from_content("m", "B"),
    )
    output = asyncio.run(with_fault_retries(request, QUICK))  # type: ignore[arg-type]
    assert output.completion == "B" and len(calls) == 3


def test_persistent_faults_end_in_an_error_naming_each_of_them() -> None:
    calls, request = _replies(
        ConnectionResetError("reset"),
        ModelOutput(model="m", choices=[]),
        json.JSONDecodeError("Unterminated string", '{"id": "x', 8),
    )
    with pytest.raises(ProviderFaultError) as raised:
        asyncio.run(with_fault_retries(request, QUICK))  # type: ignore[arg-type]
    assert len(calls) == 3
    message = str(raised.value)
    assert "all 3 attempts" in message and "ConnectionResetError" in message
    assert "empty choices" in message and "Unterminated string" in message


def test_other_errors_and_refusals_are_not_retried() -> None:
    calls, request = _replies(ValueError("the server rejected the image"))
    with pytest.raises(ValueError):
        asyncio.run(with_fault_retries(request, QUICK))  # type: ignore[arg-type]
    assert len(calls) == 1
    # a provider's own error (a content filter) comes without choices: an answer, not a fault
    refused = ModelOutput(model="m", choices=[], error="content filtered")
    calls, request = _replies(refused)
    assert asyncio.run(with_fault_retries(request, QUICK)) is refused  # type: ignore[arg-type]
    assert len(calls) == 1


def test_settings_come_from_the_environment_and_are_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert FaultRetries.from_environment() == FaultRetries()
    monkeypatch.setenv(RETRIES_VARIABLE, "5")
    monkeypatch.setenv(BACKOFF_VARIABLE, "0.5")
    settings = FaultRetries.from_environment()
    assert settings == FaultRetries(5, 0.5)
    assert [settings.wait_s(n) for n in range(3)] == [0.5, 1.0, 2.0]
    assert FaultRetries(10, 20.0).wait_s(3) == 30.0  # capped
    monkeypatch.setenv(RETRIES_VARIABLE, "many")
    with pytest.raises(ValueError, match=RETRIES_VARIABLE):
        FaultRetries.from_environment()
    monkeypatch.setenv(RETRIES_VARIABLE, "-1")
    with pytest.raises(ValueError, match="negative"):
        FaultRetries.from_environment()


def test_run_settings_hold_within_the_run_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKOFF_VARIABLE, "0.5")
    monkeypatch.delenv(RETRIES_VARIABLE, raising=False)
    with fault_settings(retries=0):
        assert FaultRetries.from_environment() == FaultRetries(0, 0.5)
    assert FaultRetries.from_environment() == FaultRetries(3, 0.5)  # restored, both
    with pytest.raises(ValueError, match="negative"), fault_settings(backoff_s=-1.0):
        pass
    assert FaultRetries.from_environment() == FaultRetries(3, 0.5)
