"""Templates: one object per provincial template and document kind, mostly data.

``get_template(key)`` gives the template a disclosure was read with (``Disclosure.meta.profile``);
``detect`` picks the template whose table titles a document prints. Adding a template is one module
beside these (see docs/templates.md).
"""

from __future__ import annotations

from yusuan.model import Disclosure
from yusuan.templates.shanghai import SHANGHAI
from yusuan.templates.shanghai_final import SHANGHAI_FINAL
from yusuan.templates.shanxi import SHANXI
from yusuan.templates.spec import (
    STAGES,
    ChecklistSpec,
    ColumnSpec,
    FactSpec,
    GroupSpec,
    TableSpec,
    Template,
    UnsupportedStageError,
)

TEMPLATES: dict[str, Template] = {t.key: t for t in (SHANXI, SHANGHAI, SHANGHAI_FINAL)}


def get_template(key: str) -> Template:
    """The template stored under ``key``; Shanxi for documents stored before templates had keys."""
    return TEMPLATES.get(key, SHANXI)


def template_of(disclosure: Disclosure) -> Template:
    return get_template(disclosure.meta.profile)


def detect(compacts: list[str]) -> Template:
    """The template whose table titles occur most often among the document's lines."""
    best, best_hits = SHANXI, 0
    for template in TEMPLATES.values():
        hits = sum(1 for c in compacts if "表" in c and len(c) < 60 and template.title_of(c))
        if hits > best_hits:
            best, best_hits = template, hits
    return best


__all__ = [
    "SHANGHAI",
    "SHANGHAI_FINAL",
    "SHANXI",
    "STAGES",
    "TEMPLATES",
    "ChecklistSpec",
    "ColumnSpec",
    "FactSpec",
    "GroupSpec",
    "TableSpec",
    "Template",
    "UnsupportedStageError",
    "detect",
    "get_template",
    "template_of",
]
