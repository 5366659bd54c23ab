"""The second thread that prepares COPY payloads hands over what it builds, and its errors, and
never outlives a writer that stopped early."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from fupin.core.copy_frames import _Ahead


def numbers(count: int, fail_at: int | None = None) -> Iterator[Any]:
    for n in range(count):
        if n == fail_at:
            raise ValueError(f"slice {n} is bad")
        yield n


def ahead(items: Iterator[Any]) -> Iterator[Any]:
    built = _Ahead(items)
    try:
        yield from built
    finally:
        built.close()


def test_everything_built_arrives_in_order() -> None:
    assert list(ahead(numbers(50))) == list(range(50))


def test_an_error_while_building_is_raised_to_the_writer() -> None:
    received = []
    with pytest.raises(ValueError, match="slice 7 is bad"):
        for item in ahead(numbers(50, fail_at=7)):
            received.append(item)
    assert received == list(range(7))


def test_a_writer_that_stops_early_leaves_no_thread_behind() -> None:
    before = threading.active_count()
    for item in ahead(numbers(1000)):
        if item == 3:
            break
    assert threading.active_count() == before
