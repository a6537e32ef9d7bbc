"""Settings of the web application: where its data lives, its secret, and its limits.

Every value has a default for a local installation; environment variables override them
(``YUSUAN_DATA_DIR``, ``YUSUAN_SECRET_KEY``, ``YUSUAN_MAX_UPLOAD_MB``, ``YUSUAN_MAX_PAGES``,
``YUSUAN_COOKIE_SECURE``, ``YUSUAN_READING_PROCESSES``, ``YUSUAN_BATCH_MAX_FILES``,
``YUSUAN_BATCH_MAX_MB``), and ``create_app`` takes any of them as keyword arguments.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

MiB = 1024 * 1024


def default_reading_processes() -> int:
    """Reader processes of one server process: one per core, at most 4 (each holds a document
    being read, and the OCR models once it has read a scan: a few hundred MB)."""
    return max(1, min(4, os.cpu_count() or 1))


def human_size(size: int) -> str:
    """``812 B``, ``48.8 KB``, ``50 MB``: sizes in messages."""
    if size < 1024:
        return f"{size} B"
    if size < MiB:
        return f"{size / 1024:.1f} KB"
    return f"{size / MiB:.1f}".removesuffix(".0") + " MB"


@dataclass(slots=True)
class Settings:
    db_url: str
    data_dir: Path
    secret_key: str = ""  # signs session cookies and the login form's CSRF token
    title: str = "预算公开审核"
    max_upload_bytes: int = 50 * MiB  # per file
    max_files: int = 20  # per upload request
    max_pages: int = 500  # per document (PDF pages, DOCX pages, XLSX sheets, text pages)
    # A batch (a ZIP, a folder, many files: ``web.batches``): at most this many documents, and
    # at most this many bytes once unpacked (a ZIP declaring more is refused whole, as a zip
    # bomb, before anything is unpacked); a ZIP may list at most ``zip_max_members`` entries
    # (folders and skipped files included).
    batch_max_files: int = 500
    batch_max_bytes: int = 1024 * MiB
    zip_max_members: int = 5000
    session_hours: float = 12.0
    cookie_secure: bool = False  # set behind HTTPS
    login_max_failures: int = 5  # per user name and address, within the window
    login_ip_max_failures: int = 30  # per address, whatever the user name
    login_window_seconds: int = 15 * 60
    # argon2id cost; the defaults are argon2-cffi's RFC 9106 "low memory" profile
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 64 * 1024
    argon2_parallelism: int = 4
    document_cache_size: int = 64  # parsed documents kept in memory for the document view
    # processes that read uploaded files (``web.reading``); per server process (``--workers``)
    reading_processes: int = field(default_factory=default_reading_processes)
    extra: dict[str, Any] = field(default_factory=dict)  # for pages added later

    @property
    def max_request_bytes(self) -> int:
        """The largest request body accepted: every file at its limit plus the form fields."""
        return self.max_upload_bytes * self.max_files + MiB

    @property
    def max_batch_request_bytes(self) -> int:
        """The largest request body of a batch upload: its files, unpacked, plus the form."""
        return self.batch_max_bytes + MiB

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"


def _env_int(name: str, default: int, scale: int = 1) -> int:
    value = os.environ.get(name)
    return int(float(value) * scale) if value else default


def load_settings(db_url: str, data_dir: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from the arguments, then the environment, then the defaults. The secret key is
    kept in ``data_dir/secret.key`` (created once, readable by the owner only) unless given."""
    folder = Path(data_dir or os.environ.get("YUSUAN_DATA_DIR") or "yusuan-data").expanduser()
    known = {f.name for f in fields(Settings)}
    unknown = set(overrides) - known
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    settings = Settings(db_url=db_url, data_dir=folder.resolve())
    settings.max_upload_bytes = _env_int("YUSUAN_MAX_UPLOAD_MB", settings.max_upload_bytes, MiB)
    settings.max_pages = _env_int("YUSUAN_MAX_PAGES", settings.max_pages)
    settings.reading_processes = _env_int("YUSUAN_READING_PROCESSES", settings.reading_processes)
    settings.batch_max_files = _env_int("YUSUAN_BATCH_MAX_FILES", settings.batch_max_files)
    settings.batch_max_bytes = _env_int("YUSUAN_BATCH_MAX_MB", settings.batch_max_bytes, MiB)
    settings.cookie_secure = os.environ.get("YUSUAN_COOKIE_SECURE", "") in ("1", "true", "yes")
    for name, value in overrides.items():
        setattr(settings, name, Path(value) if name == "data_dir" else value)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not settings.secret_key:
        settings.secret_key = os.environ.get("YUSUAN_SECRET_KEY") or _stored_secret(
            settings.data_dir
        )
    return settings


def _stored_secret(folder: Path) -> str:
    path = folder / "secret.key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    secret = secrets.token_urlsafe(48)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it a moment ago
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secret)
    return secret
