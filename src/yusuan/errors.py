"""Errors a user can act on. Messages are Chinese and name the file and what is wrong."""

from __future__ import annotations


class YusuanError(Exception):
    """Base of every error shown to a user instead of a traceback."""

    def __init__(self, path: str, message: str, hint: str = "") -> None:
        self.path = path
        self.message = message
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        text = f"{self.path}：{self.message}"
        if self.hint:
            text += f"。{self.hint}"
        return text


class UnreadableFileError(YusuanError):
    """The file cannot be opened or decoded (missing, empty, binary)."""


class NotADisclosureError(YusuanError):
    """The file is text but shows none of the template's tables or parts."""


class BlankTemplateError(NotADisclosureError):
    """The file is a template itself (XX placeholders where a disclosure has names and figures)."""
