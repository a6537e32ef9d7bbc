"""The progress display of an ingest on stderr: files hashed, then documents done of the total,
with documents per second."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _RateColumn(ProgressColumn):
    """Items per second, in the task's unit (份 documents, 个 files)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        unit = task.fields.get("unit", "份")
        return Text(f"— {unit}/秒" if speed is None else f"{speed:.1f} {unit}/秒", style="cyan")


class IngestProgress:
    """Two bars: hashing the files found, then reading, checking and storing the new ones."""

    def __init__(self, enabled: bool = True) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=not enabled,
            speed_estimate_period=10,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> IngestProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._progress.stop()

    def hashing(self, total: int) -> TaskID:
        return self._progress.add_task("计算哈希", total=total, unit="个")

    def hashed(self, task: TaskID) -> None:
        self._progress.advance(task)

    def documents(self, total: int) -> None:
        self._task = self._progress.add_task("入库", total=total, unit="份")

    def done(self) -> None:
        if self._task is not None:
            self._progress.advance(self._task)
