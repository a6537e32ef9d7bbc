"""Errors the services raise; ``app.py`` turns them into an HTML page or a JSON body."""

from __future__ import annotations


class WebError(Exception):
    status = 400
    default = "请求无效"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default
        super().__init__(self.message)


class Invalid(WebError):
    status = 400
    default = "请求无效"


class NotSignedIn(WebError):
    status = 401
    default = "请先登录"


class Forbidden(WebError):
    status = 403
    default = "没有权限执行此操作"


class NotFound(WebError):
    status = 404
    default = "未找到，或您没有权限查看"


class Conflict(WebError):
    status = 409
    default = "与现有数据冲突"


class TooLarge(WebError):
    status = 413
    default = "上传内容超过大小上限"


class TooManyAttempts(WebError):
    status = 429
    default = "登录失败次数过多，请稍后再试"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, -(-retry_after // 60))
        super().__init__(f"登录失败次数过多，请 {minutes} 分钟后再试")
