"""A 决算 in the web application: the real 普陀区财政局 2024 部门决算 uploaded beside a 2024 预算 of
the same bureau; its page shows its tables and the real errors of its 情况说明, and the comparison
page sets budget and final side by side (执行率)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from tests.budget_years import store_disclosure
from tests.conftest import SHARED
from tests.test_final_budget import _budget_2024
from tests.webutil import Browser, add_user, context, make_app
from yusuan.crossyear.check import after_save
from yusuan.web.principal import SYSTEM
from yusuan.web.uploads import receive

FINAL = SHARED / "real-docs" / "shanghai-final" / "shpt_czj_2024_dept_final_good.pdf"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    tmp = tmp_path_factory.mktemp("final")
    application = make_app(f"sqlite:///{tmp / 'yusuan.db'}", tmp)
    result = receive(context(application), SYSTEM, FINAL.name, FINAL.read_bytes())
    assert result.ok, result.message
    store = context(application).store
    after_save(store, store_disclosure(store, _budget_2024(), "czj_2024_budget.pdf"))
    add_user(application, "rev", "reviewer")
    yield application
    context(application).store.close()


@pytest.fixture
def reviewer(app: FastAPI) -> Browser:
    browser = Browser(app)
    browser.login("rev")
    return browser


def test_the_final_has_its_page_with_its_real_errors(reviewer: Browser) -> None:
    listed = {d["file_name"]: d for d in reviewer.get("/api/documents").json()}
    final = listed[FINAL.name]
    assert final["errors"] == 2  # 四's 总计0.3万元 and 五（二）'s 占71.73%
    page = reviewer.get(f"/documents/{final['id']}").text
    assert "2024年部门决算" in page and "财政拨款收入支出决算总表" in page
    assert "2961.68" in page and "71.65%" in page


def test_the_comparison_page_sets_budget_beside_final(reviewer: Browser) -> None:
    page = reviewer.get("/units?metric=budget_final&year=2024").text
    assert "执行率" in page and "98.20%" in page
    assert "2,993.93" in page and "2,940.05" in page  # 预算 (its items) and 决算, 万元
