"""A dependency-free progress bar for long loops (simulations, benchmarks).

On a terminal it redraws one line on stderr (``\\r``); elsewhere (logs, CI, make output
captured to a file) it prints nothing, so logs hold only the summary lines.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: int, label: str, *, stream: TextIO | None = None,
             width: int = 30, enabled: bool | None = None) -> Iterator[T]:
    """Yield ``items`` while drawing ``label [#####.....] k/total  elapsed``.

    Parameters
    ----------
    items : iterable
    total : int
        Number of items expected (the bar's 100 %).
    label : str
    stream : file, optional
        Where to draw (default ``sys.stderr``).
    width : int
        Characters of the bar.
    enabled : bool, optional
        Force the bar on or off; None: on only when ``stream`` is a terminal.
    """
    stream = sys.stderr if stream is None else stream
    on = stream.isatty() if enabled is None else enabled
    start = time.perf_counter()
    k = 0

    def draw() -> None:
        filled = int(width * k / total) if total else width
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {k}/{total} "
                     f"{time.perf_counter() - start:5.0f} s")
        stream.flush()

    if on:
        draw()
    for item in items:
        yield item
        k += 1
        if on:
            draw()
    if on:
        stream.write("\n")
        stream.flush()
