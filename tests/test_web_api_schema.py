"""The REST API against its own OpenAPI description: schemathesis generates requests for every
operation (valid ones, and invalid ones that must be refused) and checks that none ends in a
server error and that every answer matches what ``/openapi.json`` promises.

The application is served by uvicorn on a free loopback port, over a temporary SQLite store
holding the four Shanxi seeds and a budget draft, so that generated ids often name real
documents, findings, units and drafts.
Requests carry an admin's API token, so protected operations run and are not just refused with
401; an operation that revokes or invalidates the token (it may revoke itself) gets a new one
for the next request. Hypothesis examples are bounded per operation to keep the run short.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.liveserver import served
from tests.webutil import add_user, context, ingest_seed, make_app
from yusuan.web import drafts
from yusuan.web.principal import SYSTEM
from yusuan.web.users import create_token

EXAMPLES = 12  # per operation and generation mode


@dataclass
class Api:
    app: FastAPI
    url: str
    user_id: int
    raw: str = ""

    def token(self) -> str:
        """A valid admin token: the last one, or a new one if a request revoked it."""
        ctx = context(self.app)
        principal = ctx.auth.from_token(self.raw) if self.raw else None
        if principal is None or principal.role != "admin":
            with ctx.store.reader() as session:
                from yusuan.store.accounts import User
                from yusuan.web.auth import principal_for

                user = session.get(User, self.user_id)
                assert user is not None
                admin = principal_for(session, user, "token")
            _, self.raw = create_token(ctx, admin, "schemathesis", None, None)
        return self.raw


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder: Path = tmp_path_factory.mktemp("api")
    app = make_app(f"sqlite:///{folder / 'yusuan.db'}", folder, login_max_failures=10**6,
                   login_ip_max_failures=10**6)  # fmt: skip
    admin = add_user(app, "admin", "admin")
    ids = [ingest_seed(app, seed).disclosure_id for seed in ("000", "001", "002", "003")]
    with context(app).store.reader() as session:
        from yusuan.store import schema as s

        unit = session.get(s.Disclosure, ids[0])
        assert unit is not None
        unit_id = unit.unit_id
    drafts.start_from_document(context(app), SYSTEM, unit_id)
    add_user(app, "unit-user", "unit", [unit_id])
    try:
        with served(app) as url:
            yield Api(app, url, admin)
    finally:
        context(app).store.close()


def _description() -> dict[str, Any]:
    """``/openapi.json`` of an application on a throwaway store (the description does not depend
    on the data; the requests go to the test's own application)."""
    with tempfile.TemporaryDirectory(prefix="yusuan-openapi-") as folder:
        app = make_app(f"sqlite:///{folder}/spec.db", Path(folder))
        try:
            return app.openapi()
        finally:
            context(app).store.close()


# Every built-in check runs, except where its premise does not hold here:
# - positive_data_acceptance: a request the schema allows may still break a rule of the domain
#   (a 退回 needs a note, a draft needs a stored document), refused with 400 and a reason;
# - allow_header_conformance and unsupported_method: Starlette answers a method a path does not
#   have with the methods of the first route that matched the path, and ``/budget/drafts/upload``
#   also matches ``/budget/drafts/{draft_id}`` (GET), which refuses "upload" as an id (422);
# - negative_data_rejection for file uploads: any bytes are a file, so a multipart part cannot
#   have "the wrong type".
# The token is the test's to send: the Authorization header is neither generated nor left out as
# a negative case, so every request is made as the admin. The coverage phase enumerates every
# boundary case of a schema; for the whole budget data (PUT …/data) that is over a thousand
# requests, so there only the examples and fuzzing phases run.
UPLOADS = ("POST /api/documents", "POST /api/batches", "POST /api/budget/drafts/upload",
           "POST /api/budget/drafts/{draft_id}/upload")  # fmt: skip
CONFIG = SchemathesisConfig.from_dict({
    "generation": {"mode": "all", "max-examples": EXAMPLES, "with-security-parameters": False},
    "checks": {name: {"enabled": False} for name in (
        "positive_data_acceptance", "allow_header_conformance", "unsupported_method")},
    "operations": [
        {"include-name": "PUT /api/budget/drafts/{draft_id}/data",
         "phases": {"coverage": {"enabled": False}}},
        *({"include-name": name, "checks": {"negative_data_rejection": {"enabled": False}}}
          for name in UPLOADS),
    ],
})  # fmt: skip
schema = schemathesis.openapi.from_dict(_description(), config=CONFIG)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_openapi_description(case: schemathesis.Case[Any], api: Api) -> None:
    case.call_and_validate(base_url=api.url, headers={"Authorization": f"Bearer {api.token()}"})
