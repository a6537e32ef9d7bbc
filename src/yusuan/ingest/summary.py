"""What an ingest did, counted as it goes, and the Chinese summary printed at its end."""

from __future__ import annotations

from dataclasses import dataclass, field

from yusuan.ingest.jobs import Outcome


@dataclass(slots=True)
class Summary:
    found: int = 0  # files listed
    stored: int = 0  # 新入库
    skipped: int = 0  # 已存在跳过: hash already in the database, or twice in this batch
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, Chinese reason)
    processed: int = 0  # documents the workers read (stored, failed or lost a race)
    seconds: float = 0.0  # wall time of the whole run
    cpu_seconds: float = 0.0  # CPU time the workers spent on the documents (all processes)
    interrupted: bool = False
    relinked: int = 0  # stored before without their cross-year link, linked at the end of this run
    unlinked: int = 0  # still without a cross-year link

    def add(self, outcome: Outcome) -> None:
        self.processed += 1
        self.cpu_seconds += outcome.cpu
        if outcome.status == "stored":
            self.stored += 1
        elif outcome.status == "skipped":
            self.skipped += 1
        else:
            self.failed.append((outcome.path, outcome.message))

    def fail(self, path: str, reason: str) -> None:
        """A file that failed before reaching a worker (it could not even be hashed)."""
        self.failed.append((path, reason))

    @property
    def rate(self) -> float:
        """Documents read, checked and written per second of wall time."""
        return self.processed / self.seconds if self.seconds > 0 else 0.0


def format_summary(summary: Summary) -> str:
    lines = [
        "入库已中断（已写入的文档都完整保留，重新运行同一命令即可继续）"
        if summary.interrupted
        else "入库完成",
        f"  文件        {summary.found}",
        f"  新入库      {summary.stored}",
        f"  已存在跳过  {summary.skipped}",
        f"  失败        {len(summary.failed)}",
    ]
    for path, reason in summary.failed:
        shown = reason if reason.startswith(path) else f"{path}：{reason}"
        lines.append(f"    - {shown}")
    if summary.relinked:
        lines.append(f"  补做跨年度关联  {summary.relinked}")
    if summary.unlinked:
        lines.append(
            f"  跨年度关联失败  {summary.unlinked}（文档已入库；请运行 yusuan links --relink）"
        )
    lines.append(f"  用时        {summary.seconds:.1f} 秒")
    lines.append(f"  文档/秒     {summary.rate:.1f}（处理 {summary.processed} 份）")
    return "\n".join(lines)
