"""Budget drafts for the pages and the API: start one from a unit's stored disclosure, from an
uploaded input workbook or data file, or blank; save edits.

A draft carries its template (``BudgetData.template``: 山西 or 上海): a blank draft the one chosen
(by default the unit's), a draft from a stored document the document's, a draft from a file the
file's. Its form, its workbook and the disclosure built from it are the template's own.

A draft belongs to a unit, and whoever may see the unit may edit its drafts (admins and
reviewers every unit, a unit user their own). Every change is audited in the transaction that
makes it. Regenerating the disclosure and the downloads are in ``yusuan.web.draftfiles``.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yusuan import pipeline
from yusuan.budget.model import BudgetData, Unit
from yusuan.errors import YusuanError
from yusuan.store import schema as s
from yusuan.store.accounts import User
from yusuan.store.drafts import ORIGIN_LABELS, BudgetDraft
from yusuan.templates import TEMPLATES, UnsupportedStageError, get_template
from yusuan.web import access, audit
from yusuan.web.auth import now
from yusuan.web.context import AppContext
from yusuan.web.errors import Conflict, Invalid, NotFound, TooLarge
from yusuan.web.principal import Principal

log = logging.getLogger(__name__)
# The templates a draft may follow: those yusuan builds disclosures and workbooks for.
DRAFT_TEMPLATES = {key: t.name for key, t in TEMPLATES.items()
                   if t.supports("render") and t.supports("workbook")}  # fmt: skip
MAX_DATA_BYTES = 2 * 1024 * 1024  # an input workbook or data file
_ZIP = b"PK\x03\x04"


@dataclass(slots=True)
class CheckOutcome:
    """The checks of the regenerated document."""

    errors: int
    warnings: int
    infos: int
    rounding: int
    findings: list[dict[str, str]]  # severity, rule, title, message (errors and warnings first)

    @property
    def passed(self) -> bool:
        return self.errors == 0


@dataclass(slots=True)
class DraftInfo:
    id: int
    unit_id: int
    unit_name: str
    year: int
    data_unit_name: str
    template: str  # the key of the draft's template
    template_name: str
    origin: str
    origin_label: str
    source_disclosure_id: int | None
    revision: int
    created_at: datetime
    updated_at: datetime
    updated_by: str
    notes: list[str]
    rendered_revision: int | None
    rendered_at: datetime | None
    files: dict[str, str] = field(default_factory=dict)  # format → file name
    check: CheckOutcome | None = None

    @property
    def stale(self) -> bool:
        """Edited since the files were last generated."""
        return self.rendered_revision is not None and self.rendered_revision != self.revision


def info_of(session: Session, draft: BudgetDraft) -> DraftInfo:
    """What the pages and the API show of a draft."""
    unit = session.get(s.Unit, draft.unit_id)
    who = session.get(User, draft.updated_by) if draft.updated_by else None
    data = json.loads(draft.data_json)
    template = get_template(str(data.get("template") or "shanxi"))
    outcome = json.loads(draft.check_result or "{}")
    check = None
    if outcome:
        counts = outcome.get("counts", {})
        check = CheckOutcome(int(counts.get("error", 0)), int(counts.get("warning", 0)),
                             int(counts.get("info", 0)), int(outcome.get("rounding", 0)),
                             list(outcome.get("findings", [])))  # fmt: skip
    return DraftInfo(
        id=draft.id, unit_id=draft.unit_id, unit_name=unit.name if unit else "",
        year=draft.year, data_unit_name=str(data.get("unit", {}).get("name", "")),
        template=template.key, template_name=template.name,
        origin=draft.origin, origin_label=ORIGIN_LABELS.get(draft.origin, draft.origin),
        source_disclosure_id=draft.source_disclosure_id, revision=draft.revision,
        created_at=draft.created_at, updated_at=draft.updated_at,
        updated_by=(who.display_name or who.username) if who else "",
        notes=list(json.loads(draft.notes or "[]")), rendered_revision=draft.rendered_revision,
        rendered_at=draft.rendered_at, files=dict(json.loads(draft.rendered_files or "{}")),
        check=check,
    )  # fmt: skip


def _unit(session: Session, principal: Principal, unit_id: int) -> s.Unit:
    unit = session.get(s.Unit, unit_id)
    if unit is None or not access.may_see_unit(principal, unit_id):
        raise NotFound("未找到该单位，或您没有权限查看")
    return unit


def draft_row(session: Session, principal: Principal, draft_id: int) -> BudgetDraft:
    """The draft, when the principal may see its unit (``NotFound`` otherwise)."""
    draft = session.get(BudgetDraft, draft_id)
    if draft is None or not access.may_see_unit(principal, draft.unit_id):
        raise NotFound("未找到该预算草稿，或您没有权限查看")
    return draft


def data_of(draft: BudgetDraft) -> BudgetData:
    return BudgetData.model_validate_json(draft.data_json)


# --- reading ----------------------------------------------------------------------------------


def list_drafts(ctx: AppContext, principal: Principal, unit_id: int | None = None
                ) -> list[DraftInfo]:  # fmt: skip
    query = select(BudgetDraft).join(s.Unit, s.Unit.id == BudgetDraft.unit_id)
    if not principal.sees_all:
        query = query.where(BudgetDraft.unit_id.in_(sorted(principal.unit_ids) or [-1]))
    if unit_id is not None:
        query = query.where(BudgetDraft.unit_id == unit_id)
    query = query.order_by(s.Unit.name, BudgetDraft.year.desc()).limit(500)
    with ctx.store.reader() as session:
        return [info_of(session, d) for d in session.scalars(query)]


def get(ctx: AppContext, principal: Principal, draft_id: int) -> tuple[DraftInfo, BudgetData]:
    with ctx.store.reader() as session:
        draft = draft_row(session, principal, draft_id)
        return info_of(session, draft), data_of(draft)


# --- starting a draft -------------------------------------------------------------------------


def _put(
    ctx: AppContext, principal: Principal, unit_id: int, data: BudgetData, origin: str,
    disclosure_id: int | None, notes: list[str], replace: bool, ip: str | None,
) -> DraftInfo:  # fmt: skip
    """Store ``data`` as the unit's draft of its year: a new draft, or (``replace``) the
    existing one's data replaced."""
    _check_text(data)
    year = data.unit.year
    try:
        with ctx.store.session() as session:
            _unit(session, principal, unit_id)
            draft = session.scalars(
                select(BudgetDraft).where(BudgetDraft.unit_id == unit_id, BudgetDraft.year == year)
            ).first()
            if draft is not None and not replace:
                raise Conflict(f"该单位{year}年度已有预算草稿（第{draft.revision}版），"
                               "请打开它继续编辑，或选择覆盖后重新开始")  # fmt: skip
            change = "replaced" if draft is not None else "created"
            if draft is None:
                draft = BudgetDraft(unit_id=unit_id, year=year, revision=0, created_at=now())
                session.add(draft)
            draft.data_json = data.model_dump_json()
            draft.origin = origin
            draft.source_disclosure_id = disclosure_id
            draft.notes = json.dumps(notes, ensure_ascii=False)
            draft.revision += 1
            draft.updated_at = now()
            draft.updated_by = principal.user_id or None
            session.flush()
            audit.record(session, principal, "edit", "budget_draft", draft.id, ip,
                         unit=data.unit.name, year=year, change=change, origin=origin,
                         disclosure=disclosure_id, revision=draft.revision)  # fmt: skip
            return info_of(session, draft)
    except IntegrityError as exc:  # another request created it a moment ago
        raise Conflict(f"该单位{year}年度已有预算草稿，请刷新后重试") from exc


def latest_disclosure(session: Session, principal: Principal, unit_id: int) -> int | None:
    """The unit's newest stored disclosure (newest year, then newest version)."""
    _unit(session, principal, unit_id)
    D = s.Disclosure
    return session.scalar(
        select(D.id).where(D.unit_id == unit_id)
        .order_by(D.year.desc().nulls_last(), D.version.desc(), D.id.desc()).limit(1)
    )  # fmt: skip


def start_from_document(
    ctx: AppContext, principal: Principal, unit_id: int, disclosure_id: int | None = None,
    *, replace: bool = False, ip: str | None = None,
) -> DraftInfo:  # fmt: skip
    """A draft from a stored disclosure of the unit (its newest by default): the published
    document's figures recovered in 元 (``yusuan data``)."""
    from yusuan.budget.extract import to_budget_data
    from yusuan.store.records import load_model
    from yusuan.templates import template_of

    with ctx.store.reader() as session:
        if disclosure_id is None:
            disclosure_id = latest_disclosure(session, principal, unit_id)
            if disclosure_id is None:
                raise Invalid("该单位还没有入库的预算公开文件，请上传填报工作簿或新建空白草稿")
        d = access.disclosure(session, principal, disclosure_id)
        if d.unit_id != unit_id:
            raise Invalid("该文件不属于所选单位")
        blob = session.scalar(select(s.Document.model_json_gz)
                              .where(s.Document.disclosure_id == d.id))  # fmt: skip
    if blob is None:
        raise Invalid("未找到该文件的模型数据，无法提取预算数据")
    model = load_model(blob)
    _require(template_of(model).key, "data")  # a template yusuan cannot extract data from
    try:
        data, notes = to_budget_data(model)
    except Exception:
        log.exception("budget data of disclosure %s could not be extracted", disclosure_id)
        raise Invalid("无法从该文件提取预算数据，请改为上传填报工作簿") from None
    return _put(ctx, principal, unit_id, data, "document", disclosure_id, notes, replace, ip)


def start_blank(
    ctx: AppContext, principal: Principal, unit_id: int, year: int, *, replace: bool = False,
    ip: str | None = None, template: str | None = None,
) -> DraftInfo:  # fmt: skip
    """An empty draft of ``template`` (by default the template of the unit's documents)."""
    if not 2000 <= year <= 2100:
        raise Invalid("预算年度应在 2000 至 2100 之间")
    if template is not None and template not in TEMPLATES:
        raise Invalid("未知的公开模板")
    if template is not None:
        _require(template, "render")
        _require(template, "workbook")  # a draft is edited as budget data (a 决算 is not)
    with ctx.store.reader() as session:
        unit = _unit(session, principal, unit_id)
        chosen = template or (unit.profile if unit.profile in DRAFT_TEMPLATES else "shanxi")
        scope = "部门" if unit.kind == "部门" else "单位"
        data = BudgetData.model_validate(
            {"template": chosen, "unit": Unit(name=unit.name, year=year, scope=scope)}
        )
    return _put(ctx, principal, unit_id, data, "blank", None, [], replace, ip)


def _require(template: str, stage: str) -> None:
    """``Invalid`` with the template's Chinese message when it lacks ``stage``."""
    try:
        get_template(template).require(stage)
    except UnsupportedStageError as exc:
        raise Invalid(unsupported(exc)) from None


def unsupported(exc: UnsupportedStageError) -> str:
    """The Chinese message of a stage a template lacks, with what it supports."""
    return f"{exc.message}。{exc.hint}" if exc.hint else exc.message


def read_upload(file_name: str, content: bytes) -> tuple[BudgetData, str]:
    """Budget data from an uploaded input workbook (.xlsx), YAML or JSON file, and its origin;
    ``Invalid`` with the reader's Chinese message (sheet, row and column) when it is wrong."""
    from yusuan.budget.io import load_data

    if len(content) > MAX_DATA_BYTES:
        raise TooLarge("填报工作簿或数据文件不能超过 2 MB")
    if not content.strip():
        raise Invalid("上传的文件是空的")
    if content.startswith(_ZIP):
        suffix, origin = ".xlsx", "workbook"
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid("无法识别该文件：请上传填报工作簿（.xlsx）或 YAML/JSON 预算数据文件"
                          ) from None  # fmt: skip
        suffix = ".json" if text.lstrip().startswith("{") else ".yaml"
        origin = "data"
        if suffix == ".yaml" and _has_aliases(text):
            raise Invalid(f"{file_name}：数据文件中不能使用 YAML 锚点和别名（& 和 *），"
                          "请写出完整的内容")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="yusuan-data-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            return load_data(path), origin
        except YusuanError as exc:
            raise Invalid(pipeline.describe(exc, file_name)) from None


def _has_aliases(text: str) -> bool:
    """Whether YAML text uses aliases: a few lines of them can expand into more data than any
    budget holds, so an uploaded data file may not use them."""
    import yaml

    try:
        return any(isinstance(t, yaml.AliasToken) for t in yaml.scan(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return False  # the reader reports the syntax error, with its place


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _control_characters(value: Any) -> bool:
    """Whether any text in the data holds control characters (no document can print them, and
    neither PostgreSQL nor Excel stores all of them)."""
    if isinstance(value, str):
        return _CONTROL.search(value) is not None
    if isinstance(value, dict):
        return any(_control_characters(k) or _control_characters(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_control_characters(v) for v in value)
    return False


def _check_text(data: BudgetData) -> None:
    if _control_characters(data.model_dump(mode="python")):
        raise Invalid("数据中含有控制字符（如换页符、NUL），请删除后重试")


def start_from_upload(
    ctx: AppContext, principal: Principal, unit_id: int, file_name: str, content: bytes, *,
    replace: bool = False, ip: str | None = None,
) -> DraftInfo:  # fmt: skip
    data, origin = read_upload(file_name, content)
    return _put(ctx, principal, unit_id, data, origin, None, [], replace, ip)


# --- editing ----------------------------------------------------------------------------------


def buildable(data: BudgetData) -> str | None:
    """Why the data cannot make a disclosure (a Chinese message), or None."""
    from yusuan.budget.build import DataError, build

    try:
        build(data)
    except DataError as exc:
        return str(exc)
    except UnsupportedStageError as exc:
        return unsupported(exc)
    except Exception:
        log.exception("budget data does not build")
        return "无法由这些数据生成公开文件，请检查填写的内容"
    return None


def _changes(old: BudgetData, new: BudgetData, limit: int = 20) -> list[str]:
    """The fields an edit changed, for the audit log: "path: old → new"."""
    before, after = _flat(old.model_dump(mode="json")), _flat(new.model_dump(mode="json"))
    changed = [f"{k}: {before.get(k, '')} → {after.get(k, '')}"
               for k in sorted(set(before) | set(after), key=_natural)
               if before.get(k) != after.get(k)]  # fmt: skip
    if len(changed) > limit:
        changed = [*changed[:limit], f"……共 {len(changed)} 处"]
    return [c if len(c) < 200 else c[:197] + "…" for c in changed]


def _natural(key: str) -> list[Any]:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in key.split(".")]


def _flat(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}{k}."))
        return out
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(_flat(v, f"{prefix}{i}."))
        return out
    return {} if value is None or value == "" else {prefix.rstrip("."): str(value)}


def save(
    ctx: AppContext, principal: Principal, draft_id: int, data: BudgetData, *,
    revision: int | None = None, how: str = "form", origin: str | None = None,
    ip: str | None = None,
) -> DraftInfo:  # fmt: skip
    """Replace the draft's data (validated) and count its revision up. ``revision``: the one the
    edit started from; an edit of an older revision is refused, so no change is lost."""
    _check_text(data)
    problem = buildable(data)
    if problem is not None:
        raise Invalid(problem)
    try:
        with ctx.store.session() as session:
            draft = draft_row(session, principal, draft_id)
            if revision is not None and draft.revision != revision:
                raise Conflict(f"该草稿已被修改（现为第{draft.revision}版），请重新打开后再编辑")
            year = data.unit.year
            if year != draft.year:
                other = session.scalar(select(BudgetDraft.id).where(
                    BudgetDraft.unit_id == draft.unit_id, BudgetDraft.year == year))  # fmt: skip
                if other is not None:
                    raise Conflict(f"该单位{year}年度已有另一份预算草稿，不能把本草稿改为该年度")
            changed = _changes(data_of(draft), data)
            draft.data_json = data.model_dump_json()
            draft.year = year
            draft.revision += 1
            draft.updated_at = now()
            draft.updated_by = principal.user_id or None
            if origin is not None:
                draft.origin = origin
                draft.notes = "[]"
            audit.record(session, principal, "edit", "budget_draft", draft.id, ip,
                         unit=data.unit.name, year=year, change=how, revision=draft.revision,
                         fields=changed)  # fmt: skip
            session.flush()
            return info_of(session, draft)
    except IntegrityError as exc:
        raise Conflict("该单位该年度已有另一份预算草稿") from exc


def replace_from_upload(
    ctx: AppContext, principal: Principal, draft_id: int, file_name: str, content: bytes, *,
    ip: str | None = None,
) -> DraftInfo:  # fmt: skip
    """The draft's data replaced by an uploaded workbook or data file. A workbook is merged
    onto the draft: what it has no place for is kept (``yusuan.web.bookmerge``)."""
    from pydantic import ValidationError

    from yusuan.web.bookmerge import OtherTemplate, merge

    with ctx.store.reader() as session:
        current = data_of(draft_row(session, principal, draft_id))  # before reading the file
    data, origin = read_upload(file_name, content)
    if origin == "workbook":
        try:
            data = merge(data, current)
        except OtherTemplate as exc:
            raise Invalid(f"{file_name}：{exc}") from None
        except ValidationError:
            log.exception("workbook of draft %s could not be merged", draft_id)
            raise Invalid(f"{file_name}：工作簿与草稿无法合并，请检查填写的内容") from None
    return save(ctx, principal, draft_id, data, how=f"upload:{file_name}"[:100], origin=origin,
                ip=ip)  # fmt: skip


def delete(ctx: AppContext, principal: Principal, draft_id: int, ip: str | None = None) -> None:
    with ctx.store.session() as session:
        draft = draft_row(session, principal, draft_id)
        unit = session.get(s.Unit, draft.unit_id)
        audit.record(
            session,
            principal,
            "delete",
            "budget_draft",
            draft.id,
            ip,
            unit=unit.name if unit else "",
            year=draft.year,
            revision=draft.revision,
        )
        session.delete(draft)
    shutil.rmtree(generated_dir(ctx) / str(draft_id), ignore_errors=True)


def generated_dir(ctx: AppContext) -> Path:
    """Where the files regenerated from drafts are kept (``yusuan.web.draftfiles``)."""
    return ctx.settings.data_dir / "generated"
