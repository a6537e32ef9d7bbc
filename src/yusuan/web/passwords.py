"""Password hashing with argon2id (argon2-cffi); hashes are upgraded when the cost changes."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from yusuan.web.settings import Settings

MIN_LENGTH = 8
MAX_LENGTH = 256  # hashing a megabyte-long "password" is a denial of service


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        # Verified when the user name is unknown, so that both cases take the same time.
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        if len(password) > MAX_LENGTH:
            return False
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable (Chinese), or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少需要 {MIN_LENGTH} 个字符"
    if len(password) > MAX_LENGTH:
        return f"密码不能超过 {MAX_LENGTH} 个字符"
    if password.strip() != password:
        return "密码首尾不能是空格"
    return None


def generate_password() -> str:
    """A random password a person can type: 16 URL-safe characters."""
    return secrets.token_urlsafe(12)
