"""Signing in: password checks, browser sessions (signed cookie + CSRF token), API tokens.

The session cookie carries a random session id signed with the application's secret; the
database keeps only its SHA-256, the user and the CSRF token, so signing out (or deleting the
user) ends the session at once. API tokens are random too and stored as SHA-256 digests.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, TimestampSigner
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from yusuan.store.accounts import ApiToken, Membership, User, WebSession
from yusuan.store.db import Store
from yusuan.web.passwords import Passwords
from yusuan.web.principal import Principal
from yusuan.web.settings import Settings

SESSION_COOKIE = "yusuan_session"
TOKEN_PREFIX = "ys_"
TOKEN_TOUCH = timedelta(minutes=5)  # last_used_at is written at most this often


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for timezone-aware columns: they are UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


def principal_for(session: Session, user: User, via: str, **extra: object) -> Principal:
    units = frozenset(
        session.scalars(select(Membership.unit_id).where(Membership.user_id == user.id))
    )
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        unit_ids=units,
        via=via,
        **extra,  # type: ignore[arg-type]
    )


@dataclass(slots=True)
class NewSession:
    cookie: str  # the signed value for the cookie
    principal: Principal


class Authenticator:
    def __init__(self, store: Store, settings: Settings, passwords: Passwords) -> None:
        self.store = store
        self.settings = settings
        self.passwords = passwords
        self._signer = TimestampSigner(settings.secret_key, salt="yusuan-session")
        self._max_age = int(settings.session_hours * 3600)

    # --- passwords ------------------------------------------------------------------------

    def check_password(self, username: str, password: str) -> User | None:
        """The active user with this name and password, or None (same time either way)."""
        with self.store.reader() as session:
            user = session.scalars(select(User).where(User.username == username.strip())).first()
            ok = self.passwords.verify(user.password_hash if user else None, password)
            if user is None or not ok or not user.active:
                return None
            session.expunge(user)
        if self.passwords.needs_rehash(user.password_hash):
            with self.store.session() as session:
                stored = session.get(User, user.id)
                if stored is not None:
                    stored.password_hash = self.passwords.hash(password)
        return user

    # --- browser sessions -----------------------------------------------------------------

    def start_session(self, user: User, ip: str | None) -> NewSession:
        raw = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        moment = now()
        with self.store.session() as session:
            session.execute(delete(WebSession).where(WebSession.expires_at < moment))
            session.add(
                WebSession(
                    id_hash=digest(raw), user_id=user.id, csrf_token=csrf, created_at=moment,
                    expires_at=moment + timedelta(seconds=self._max_age), ip=ip,
                )
            )  # fmt: skip
            stored = session.get(User, user.id)
            assert stored is not None
            stored.last_login_at = moment
            principal = principal_for(session, stored, "session", csrf_token=csrf,
                                   session_hash=digest(raw))  # fmt: skip
        cookie = self._signer.sign(raw).decode("ascii")
        return NewSession(cookie, principal)

    def from_cookie(self, cookie: str | None) -> Principal | None:
        if not cookie or len(cookie) > 200:
            return None
        try:
            raw = self._signer.unsign(cookie, max_age=self._max_age).decode("ascii")
        except (BadSignature, UnicodeDecodeError):
            return None
        with self.store.reader() as session:
            row = session.execute(
                select(WebSession, User)
                .join(User, User.id == WebSession.user_id)
                .where(WebSession.id_hash == digest(raw))
            ).first()
            if row is None:
                return None
            web_session, user = row
            expires = utc(web_session.expires_at)
            if not user.active or expires is None or expires <= now():
                return None
            return principal_for(session, user, "session", csrf_token=web_session.csrf_token,
                              session_hash=web_session.id_hash)  # fmt: skip

    def end_session(self, principal: Principal) -> None:
        if principal.session_hash is None:
            return
        with self.store.session() as session:
            session.execute(delete(WebSession).where(WebSession.id_hash == principal.session_hash))

    def end_user_sessions(self, session: Session, user_id: int) -> None:
        """Sign a user out everywhere (password changed, account disabled)."""
        session.execute(delete(WebSession).where(WebSession.user_id == user_id))

    # --- API tokens -----------------------------------------------------------------------

    def from_token(self, token: str) -> Principal | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        moment = now()
        with self.store.reader() as session:
            row = session.execute(
                select(ApiToken, User)
                .join(User, User.id == ApiToken.user_id)
                .where(ApiToken.token_hash == digest(token))
            ).first()
            if row is None:
                return None
            api_token, user = row
            expires = utc(api_token.expires_at)
            if api_token.revoked or not user.active or (expires is not None and expires <= moment):
                return None
            principal = principal_for(session, user, "token", token_id=api_token.id)
            last_used = utc(api_token.last_used_at)
        if last_used is None or moment - last_used > TOKEN_TOUCH:
            with self.store.session() as session:
                stored = session.get(ApiToken, principal.token_id)
                if stored is not None:
                    stored.last_used_at = moment
        return principal


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)
