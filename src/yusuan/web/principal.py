"""Who is making a request: the signed-in user with their role and units."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    role: str  # admin, reviewer, unit
    unit_ids: frozenset[int]
    via: str  # "session" (browser cookie) or "token" (API bearer token)
    csrf_token: str | None = None  # the session's; None for token requests
    session_hash: str | None = None
    token_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_review(self) -> bool:
        return self.role in ("admin", "reviewer")

    @property
    def sees_all(self) -> bool:
        """Admins and reviewers see every document; a unit user only their units'."""
        return self.role in ("admin", "reviewer")

    @property
    def name(self) -> str:
        return self.display_name or self.username


# The command line (``yusuan serve`` creating the first admin, ingesting the examples).
SYSTEM = Principal(0, "system", "系统", "admin", frozenset(), "cli")
