"""Everything a request handler needs, built once per application: the store, the settings,
password hashing, sign-in, rate limiting, the reader processes, templates and caches."""

from __future__ import annotations

from dataclasses import dataclass, field

from yusuan.store.db import Store
from yusuan.web.auth import Authenticator
from yusuan.web.cache import LRU
from yusuan.web.csrf import PreSessionTokens
from yusuan.web.docview import DocumentView
from yusuan.web.passwords import Passwords
from yusuan.web.ratelimit import LoginLimiter
from yusuan.web.reading import Readers
from yusuan.web.settings import Settings


@dataclass(slots=True)
class AppContext:
    store: Store
    settings: Settings
    passwords: Passwords
    auth: Authenticator
    limiter: LoginLimiter
    pre_tokens: PreSessionTokens
    readers: Readers
    views: LRU[tuple[int, str], DocumentView] = field(default_factory=lambda: LRU(64))

    @classmethod
    def build(cls, store: Store, settings: Settings) -> AppContext:
        passwords = Passwords(settings)
        return cls(
            store=store,
            settings=settings,
            passwords=passwords,
            auth=Authenticator(store, settings, passwords),
            limiter=LoginLimiter(
                settings.login_max_failures,
                settings.login_ip_max_failures,
                settings.login_window_seconds,
            ),
            pre_tokens=PreSessionTokens(settings.secret_key),
            readers=Readers(settings.reading_processes),
            views=LRU(settings.document_cache_size),
        )

    def close(self) -> None:
        """Stop the reader processes and close the database connections."""
        self.readers.close()
        self.store.close()
