"""The API's request and response bodies (they make the OpenAPI description at ``/docs``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]  # a database id (64-bit, positive)
# A moment, always with its offset (RFC 3339): times are stored in UTC, and SQLite gives
# them back without their zone.
Timestamp = Annotated[
    datetime, AfterValidator(lambda v: v if v.tzinfo is not None else v.replace(tzinfo=UTC))
]
Responses = dict[int | str, dict[str, Any]]  # extra OpenAPI responses of a route
Role = Literal["admin", "reviewer", "unit"]
Status = Literal["pending", "reviewed", "returned"]
Decision = Literal["accepted", "dismissed"]


class Message(BaseModel):
    detail: str


class Body(BaseModel):
    """A request body: every value has the JSON type its schema names (no true or "30" for 30)."""

    model_config = ConfigDict(strict=True)


class Health(BaseModel):
    status: Literal["ok"]
    database: str
    version: str


class TokenRequest(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    name: str = Field(default="API", max_length=100)
    days: int | None = Field(default=None, ge=1, le=3650, description="有效天数；不填则长期有效")


class TokenInfo(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    prefix: str
    created_at: Timestamp
    expires_at: Timestamp | None
    last_used_at: Timestamp | None
    revoked: bool


class NewToken(BaseModel):
    token: str = Field(description="只显示这一次，请妥善保存")
    info: TokenInfo


class TokenCreate(Body):
    name: str = Field(default="API", max_length=100)
    days: int | None = Field(default=None, ge=1, le=3650)


class UnitRef(BaseModel):
    id: int
    name: str


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    created_at: Timestamp
    last_login_at: Timestamp | None
    units: list[UnitRef]


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    unit_ids: list[int]
    via: Literal["session", "token"]


class UserCreate(Body):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    display_name: str = Field(default="", max_length=100)
    role: Role
    password: str | None = Field(
        default=None, max_length=256, description="不填则生成一个随机密码并在响应中返回一次"
    )
    unit_ids: list[DbId] = Field(default_factory=list, max_length=1000)


class UserCreated(BaseModel):
    user: UserOut
    password: str | None = Field(description="生成的密码（仅在未指定密码时返回一次）")


class UserUpdate(Body):
    display_name: str | None = Field(default=None, max_length=100)
    role: Role | None = None
    active: bool | None = None
    unit_ids: list[DbId] | None = Field(default=None, max_length=1000)
    password: str | None = Field(default=None, max_length=256)


class PasswordChange(Body):
    old_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class UnitOut(BaseModel):
    id: int
    name: str
    kind: str
    profile: str
    parent_id: int | None
    documents: int


class UnitCreate(Body):
    name: str = Field(min_length=1, max_length=200)


class DocumentOut(BaseModel):
    id: int
    unit_id: int
    unit_name: str
    year: int | None
    scope: str
    version: int
    profile: str
    extraction: str
    errors: int
    warnings: int
    infos: int
    ingested_at: Timestamp
    file_name: str
    status: Status
    status_label: str
    note: str


class ReviewOut(BaseModel):
    status: Status
    status_label: str
    note: str
    reviewer: str
    updated_at: Timestamp | None


class ReviewIn(Body):
    status: Status
    note: str = Field(default="", max_length=5000)


class LocationOut(BaseModel):
    label: str
    text: str
    where: str


class FindingOut(BaseModel):
    id: int
    rule: str
    family: str
    severity: Literal["error", "warning", "info"]
    rounding: bool
    title: str
    message: str
    expected: str | None
    actual: str | None
    difference: str | None
    locations: list[LocationOut]
    cells: list[str] = Field(description="引用的表格单元格（页面元素 id）")
    lines: list[int] = Field(description="引用的原文行号")
    decision: Decision | None
    reason: str


class FindingReviewIn(Body):
    decision: Decision
    reason: str = Field(default="", max_length=5000)


class DocumentDetailOut(BaseModel):
    document: DocumentOut
    review: ReviewOut
    counts: dict[str, int]
    reading_issues: list[str]


class CellOut(BaseModel):
    id: str
    text: str
    numeric: bool
    low_confidence: bool


class RowOut(BaseModel):
    id: str
    code: str
    label: str
    kind: str
    line: int | None
    cells: list[CellOut]


class HeaderCellOut(BaseModel):
    text: str
    colspan: int
    rowspan: int


class BlockOut(BaseModel):
    label: str
    coded: bool
    header: list[list[HeaderCellOut]]
    rows: list[RowOut]


class TableOut(BaseModel):
    number: int
    title: str
    amount_unit: str
    no_data: bool
    line: int | None
    blocks: list[BlockOut]


class SourceLineOut(BaseModel):
    number: int
    page: int | None
    text: str


class UploadOut(BaseModel):
    upload_id: int | None
    file_name: str
    status: Literal["stored", "duplicate", "failed", "rejected"]
    message: str
    disclosure_id: int | None
    unit_name: str
    year: int | None
    errors: int
    warnings: int


class UploadRecord(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    original_name: str
    sha256: str
    size: int
    kind: str
    pages: int | None
    status: str
    message: str
    disclosure_id: int | None
    created_at: Timestamp


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: Timestamp
    user_id: int | None
    username: str
    action: str
    target_type: str
    target_id: str
    detail: str
    ip: str | None


class JobQueued(BaseModel):
    """A file taken into the work queue: poll ``url`` for its progress and outcome."""

    job_id: int
    file_name: str
    status: Literal["queued", "running", "done", "failed"]
    url: str


class JobOut(BaseModel):
    """One job of the work queue: where it is (stage, page N of M, seconds left), then its
    outcome and the stored document."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: Literal["upload", "recheck"]
    status: Literal["queued", "running", "done", "failed"]
    status_label: str
    file_name: str
    stage: str
    page: int | None
    pages: int | None
    eta_seconds: float | None
    progress_text: str
    outcome: Literal["stored", "duplicate", "failed", "rejected"] | None
    message: str
    disclosure_id: int | None
    unit_name: str
    year: int | None
    errors: int
    warnings: int
    upload_id: int | None
    batch_id: int | None
    attempts: int
    created_at: Timestamp
    finished_at: Timestamp | None
