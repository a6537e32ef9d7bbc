"""What travels between the coordinator and the workers: a job in, an outcome back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class Job:
    """One file to ingest: its path (the name it is stored under), the hash it had when it was
    listed, and its bytes when they are sent along (Dask workers without the shared folder)."""

    path: str
    sha256: str
    size: int
    data: bytes | None = None


@dataclass(slots=True)
class Outcome:
    path: str
    sha256: str
    status: str  # stored, skipped, failed
    message: str = ""  # the Chinese reason of a failure
    seconds: float = 0.0  # wall time in the worker
    disclosure_id: int | None = None
    cpu: float = 0.0  # CPU seconds of the worker process spent on it
