"""Sign-in rate limiting: failed attempts counted per user name and address, and per address.

Only failures count, so people who type their password correctly are never slowed down. The
counts are kept in memory, per server process, over a sliding window.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class LoginLimiter:
    def __init__(self, max_failures: int, ip_max_failures: int, window_seconds: int) -> None:
        self.max_failures = max_failures
        self.ip_max_failures = ip_max_failures
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, moment: float) -> deque[float]:
        found = self._failures.get(key)
        if found is None:
            return deque()
        while found and found[0] <= moment - self.window:
            found.popleft()
        if not found:
            del self._failures[key]
        return found

    @staticmethod
    def _keys(username: str, ip: str) -> tuple[str, str]:
        return f"user:{username.strip().lower()}|{ip}", f"ip:{ip}"

    def retry_after(self, username: str, ip: str) -> int | None:
        """Seconds to wait before the next attempt is allowed, or None when it is allowed."""
        moment = time.monotonic()
        user_key, ip_key = self._keys(username, ip)
        with self._lock:
            waits = []
            for key, limit in ((user_key, self.max_failures), (ip_key, self.ip_max_failures)):
                recent = self._recent(key, moment)
                if len(recent) >= limit:
                    waits.append(int(recent[0] + self.window - moment) + 1)
            return max(waits) if waits else None

    def failed(self, username: str, ip: str) -> None:
        moment = time.monotonic()
        with self._lock:
            for key in self._keys(username, ip):
                self._failures.setdefault(key, deque()).append(moment)

    def succeeded(self, username: str, ip: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(username, ip)[0], None)
