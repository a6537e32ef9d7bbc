"""A small thread-safe LRU cache for what never changes once stored (a document's model view)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def drop(self, match: object) -> None:
        """Forget every entry whose key is, or starts with, ``match``."""
        with self._lock:
            for key in [k for k in self._items if k == match or (
                isinstance(k, tuple) and k[:1] == (match,))]:  # fmt: skip
                del self._items[key]
