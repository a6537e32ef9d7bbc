"""Signing in: argon2 password hashes, session cookies, CSRF on every form and unsafe request,
rate-limited sign-in, API tokens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tests.webutil import PASSWORD, Browser, add_user, bearer, context, ingest_seed, make_app
from yusuan.store.accounts import ApiToken, User, WebSession
from yusuan.web.auth import SESSION_COOKIE, digest


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(db_url, tmp_path, login_max_failures=3, login_ip_max_failures=6)
    add_user(application, "admin", "admin")
    add_user(application, "rev", "reviewer")
    yield application
    context(application).store.close()


def test_login_logout_and_password_storage(app: FastAPI) -> None:
    browser = Browser(app)
    assert browser.get("/documents", follow_redirects=False).headers["location"] == (
        "/login?next=/documents"
    )
    wrong = browser.login("rev", "not-the-password")
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text
    signed_in = browser.login("rev")
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/documents"
    cookie = signed_in.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = browser.get("/documents")
    assert page.status_code == 200 and "审核人员" in page.text
    # the database holds an argon2id hash, never the password; the session only as a digest
    with context(app).store.reader() as session:
        user = session.scalars(select(User).where(User.username == "rev")).one()
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        stored = session.scalars(select(WebSession).where(WebSession.user_id == user.id)).one()
    raw = browser.client.cookies[SESSION_COOKIE].rsplit(".", 2)[0]
    assert stored.id_hash == digest(raw) and raw not in stored.id_hash
    # signing out ends the session on the server: the old cookie no longer works
    old_cookie = browser.client.cookies[SESSION_COOKIE]
    assert browser.post_form("/logout").headers["location"] == "/login?msg=logged_out"
    replay = Browser(app)
    replay.client.cookies.set(SESSION_COOKIE, old_cookie)
    assert replay.get("/documents", follow_redirects=False).status_code == 303
    # a forged cookie is rejected
    replay.client.cookies.set(SESSION_COOKIE, old_cookie[:-2] + "xx")
    assert replay.get("/api/me").status_code == 401


def test_next_only_leads_to_this_site(app: FastAPI) -> None:
    browser = Browser(app)
    form = browser.get("/login", params={"next": "//evil.example/x"})
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = browser.client.post(
        "/login",
        data={
            "username": "rev",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/documents"


def test_csrf_is_required_for_every_unsafe_request(app: FastAPI) -> None:
    doc = ingest_seed(app, "001").disclosure_id
    browser = Browser(app)
    browser.login("rev")
    review = {"status": "reviewed", "note": "ok"}
    # form without a token, with a wrong one, with the right one
    missing = browser.client.post(f"/documents/{doc}/review", data=review, follow_redirects=False)
    assert missing.status_code == 403 and "CSRF" in missing.text
    wrong = browser.client.post(
        f"/documents/{doc}/review", data={**review, "csrf_token": "x" * 43}, follow_redirects=False
    )
    assert wrong.status_code == 403
    assert browser.post_form(f"/documents/{doc}/review", review).status_code == 303
    # the API with the session cookie needs the header; the page's token works there
    api_body = {"status": "returned", "note": "请补充说明"}
    no_header = browser.client.put(f"/api/documents/{doc}/review", json=api_body)
    assert no_header.status_code == 403
    assert browser.api("PUT", f"/api/documents/{doc}/review", json=api_body).status_code == 200
    # signing in needs the pre-session token bound to its cookie
    stranger = Browser(app)
    stranger.get("/login")
    forged = stranger.client.post(
        "/login",
        data={"username": "rev", "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403 and SESSION_COOKIE not in stranger.client.cookies
    # logging out without the token does not end the session
    assert browser.client.post("/logout", follow_redirects=False).status_code == 403
    assert browser.get("/api/me").json()["username"] == "rev"


def test_login_is_rate_limited_per_user_and_address(app: FastAPI) -> None:
    browser = Browser(app, client_ip="10.0.0.7")
    for _ in range(3):
        assert browser.login("rev", "wrong-password").status_code == 401
    blocked = browser.login("rev")  # the right password, but too many failures before it
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "登录失败次数过多" in blocked.text
    # the API's password exchange shares the limit
    api = browser.client.post("/api/auth/token", json={"username": "rev", "password": PASSWORD})
    assert api.status_code == 429 and "Retry-After" in api.headers
    # another user from the same address is not blocked by rev's failures …
    assert browser.login("admin").status_code == 303
    # … until the address itself has failed too often
    other = Browser(app, client_ip="10.0.0.7")
    for _ in range(3):
        other.login("nobody", "wrong-password")
    assert other.login("admin").status_code == 429
    # another address is unaffected
    assert Browser(app, client_ip="10.0.0.8").login("rev").status_code == 303


def test_api_tokens(app: FastAPI) -> None:
    anonymous = Browser(app).client
    assert anonymous.get("/api/documents").status_code == 401
    wrong = anonymous.post("/api/auth/token", json={"username": "rev", "password": "nope-nope"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"
    created = anonymous.post(
        "/api/auth/token", json={"username": "rev", "password": PASSWORD, "name": "脚本"}
    )
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("ys_") and created.json()["info"]["prefix"] == token[:10]
    client = bearer(app, token)
    me = client.get("/api/me").json()
    assert (me["username"], me["role"], me["via"]) == ("rev", "reviewer", "token")
    # a token needs no CSRF header: it is not sent by browsers on their own
    doc = ingest_seed(app, "001").disclosure_id
    review = client.put(f"/api/documents/{doc}/review", json={"status": "reviewed"})
    assert review.status_code == 200 and review.json()["status_label"] == "已审"
    # listed without the token itself; stored only as a digest
    listed = client.get("/api/tokens").json()
    assert [t["name"] for t in listed] == ["脚本"] and token not in str(listed)
    with context(app).store.reader() as session:
        row = session.scalars(select(ApiToken)).one()
        assert row.token_hash == digest(token)
    assert bearer(app, token + "x").get("/api/me").status_code == 401
    assert bearer(app, "not-a-token").get("/api/me").status_code == 401
    # expired
    with context(app).store.session() as session:
        stored = session.scalars(select(ApiToken)).one()
        stored.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    assert client.get("/api/me").status_code == 401
    with context(app).store.session() as session:
        session.scalars(select(ApiToken)).one().expires_at = None
    assert client.get("/api/me").status_code == 200
    # revoked
    second = client.post("/api/tokens", json={"name": "二号", "days": 30}).json()
    second_client = bearer(app, second["token"])
    assert second_client.get("/api/me").status_code == 200
    assert client.delete(f"/api/tokens/{second['info']['id']}").status_code == 204
    assert second_client.get("/api/me").status_code == 401
    # a disabled user's tokens stop working
    admin = Browser(app)
    admin.login("admin")
    rev_id = next(u["id"] for u in admin.get("/api/users").json() if u["username"] == "rev")
    patched = admin.api("PATCH", f"/api/users/{rev_id}", json={"active": False})
    assert patched.status_code == 200 and patched.json()["active"] is False
    assert client.get("/api/me").status_code == 401
