"""The load tool's own rules: bounded input, and visitors who arrive one after another."""

from __future__ import annotations

import asyncio
import time

import pytest
from conftest import in_a_thread_of_its_own

from benchmarks.load import Phase, _arriving, main


@pytest.mark.parametrize(
    "argv",
    [
        ["--arrive", "60", "--seconds", "60"],
        ["--arrive", "-1"],
        ["--sessions", "101"],
        ["--think", "121"],
    ],
)
def test_out_of_bounds_input_is_refused_before_anything_starts(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--url", "http://127.0.0.1:1", *argv])
    assert stopped.value.code == 2
    assert argv[0] in capsys.readouterr().err


def test_visitors_arrive_spread_over_the_given_seconds() -> None:
    phase = Phase(sessions=4, seconds=5)
    arrived: dict[int, float] = {}
    started = time.monotonic()

    async def visit(number: int) -> None:
        arrived[number] = time.monotonic() - started

    async def everyone() -> None:
        await asyncio.gather(*(_arriving(n, phase, 0.4, visit(n)) for n in range(4)))

    in_a_thread_of_its_own(everyone())
    times = [arrived[n] for n in range(4)]
    assert times == sorted(times)
    assert all(times[n] >= 0.1 * n - 0.005 for n in range(4))  # none before its turn
    assert times[3] < 2.0  # and not held back much longer (a busy machine may be slow)
