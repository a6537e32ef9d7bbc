"""The CSS of an HTML page, only what decides lines: ``display`` and ``visibility`` from the
``style`` attribute and the page's own ``<style>`` rules (selectors made of tag, ``.class``,
``#id``, descendant and ``>``; ``@media`` blocks skipped).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lxml is imported when a page is read, not when text is told from HTML
    from lxml import etree

_NONE, _INLINE, _BLOCK, _FLEX = 0, 1, 2, 3  # FLEX: a block whose children are blocks
_INLINE_DISPLAYS = {
    "inline", "inline-block", "inline-flex", "inline-grid", "inline-table", "contents", "ruby",
    "ruby-base", "ruby-text",
}  # fmt: skip
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_COMPOUND = re.compile(r"(\*|[A-Za-z][\w-]*)?((?:[.#][\w-]+)*)")
_SIMPLE = re.compile(r"([.#])([\w-]+)")
_SELECTOR_TOKEN = re.compile(r">|[^\s>]+")
_UNSUPPORTED_SELECTOR = re.compile(r"[\[\]:+~()\\\"'|,]")


def _display_kind(value: str) -> int | None:
    """What a CSS ``display`` value means for lines, or None when not understood."""
    words = value.replace("!important", " ").lower().split()
    if not words:
        return None
    if "none" in words:
        return _NONE
    if words[0] in _INLINE_DISPLAYS or "inline" in words:
        return _INLINE
    if any(w in ("flex", "grid") for w in words):
        return _FLEX
    if words[0] in ("inherit", "initial", "unset", "revert", "revert-layer"):
        return None
    return _BLOCK


def _declarations(text: str) -> tuple[int | None, bool | None]:
    """(display kind, hidden) set by a declaration block; None where not set."""
    display: int | None = None
    hidden: bool | None = None
    for declaration in text.split(";"):
        name, _, value = declaration.partition(":")
        name = name.strip().lower()
        if name == "display":
            display = _display_kind(value)
        elif name == "visibility":
            hidden = value.replace("!important", "").strip().lower() in ("hidden", "collapse")
    return display, hidden


@dataclass(frozen=True, slots=True)
class _Compound:
    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]

    def matches(self, element: etree._Element) -> bool:
        if self.tag is not None and element.tag != self.tag:
            return False
        if self.ids and element.get("id") not in self.ids:
            return False
        if self.classes:
            present = set((element.get("class") or "").split())
            return all(c in present for c in self.classes)
        return True


@dataclass(slots=True)
class _Rule:
    chain: list[tuple[str, _Compound]]  # (combinator to the compound on its left, compound)
    rank: tuple[int, int, int, int]  # specificity, then order in the page
    display: int | None
    hidden: bool | None

    # (ancestor, compound) pairs already tried, for the page being read: a long descendant
    # chain that fails on a deep page costs elements × length, not depth to the power of length
    seen: dict[tuple[etree._Element, int], bool] = field(default_factory=dict)

    def matches(self, element: etree._Element, index: int | None = None) -> bool:
        at = len(self.chain) - 1 if index is None else index
        combinator, compound = self.chain[at]
        if not compound.matches(element):
            return False
        if at == 0:
            return True
        seen = self.seen
        parent = element.getparent()
        while parent is not None:
            key = (parent, at - 1)
            if key not in seen:
                seen[key] = self.matches(parent, at - 1)
            if seen[key]:
                return True
            if combinator == ">":
                return False
            parent = parent.getparent()
        return False


def _parse_selector(text: str) -> list[tuple[str, _Compound]] | None:
    """Tag, class, id, ``*``, descendant and child combinators; None for anything else
    (attributes, pseudo-classes, siblings), whose rules are then not applied."""
    if not text or _UNSUPPORTED_SELECTOR.search(text):
        return None
    chain: list[tuple[str, _Compound]] = []
    combinator = " "
    for token in _SELECTOR_TOKEN.findall(text):
        if token == ">":
            combinator = ">"
            continue
        found = _COMPOUND.fullmatch(token)
        if found is None or not token:
            return None
        tag = found.group(1)
        simple = _SIMPLE.findall(found.group(2))
        chain.append(
            (
                combinator,
                _Compound(
                    tag.lower() if tag and tag != "*" else None,
                    tuple(name for kind, name in simple if kind == "#"),
                    tuple(name for kind, name in simple if kind == "."),
                ),
            )
        )
        combinator = " "
    return chain or None


def _style_rules(css: str) -> Iterator[tuple[str, str]]:
    """(selector list, declarations) of the top-level rules; @-rules and their blocks skipped."""
    css = _CSS_COMMENT.sub(" ", css).replace("<!--", " ").replace("-->", " ")  # old-page guards
    at, end = 0, len(css)
    while at < end:
        opening = css.find("{", at)
        if opening < 0:
            return
        prelude = css[at:opening].rsplit(";", 1)[-1].strip()  # after @import …; @charset …;
        depth, close = 1, opening + 1
        while close < end and depth:
            if css[close] == "{":
                depth += 1
            elif css[close] == "}":
                depth -= 1
            close += 1
        if not prelude.startswith("@"):
            yield prelude, css[opening + 1 : close - 1]
        at = close


class _StyleSheet:
    """The page's own ``<style>`` rules that set ``display`` or ``visibility``, indexed by the
    id, class or tag their last compound selector requires."""

    def __init__(self, root: etree._Element) -> None:
        self.index: dict[tuple[str, str], list[_Rule]] = {}
        order = 0
        for style in root.iter("style"):
            media = (style.get("media") or "all").lower()
            if "all" not in media and "screen" not in media:
                continue
            for selectors, body in _style_rules("".join(style.itertext())):
                display, hidden = _declarations(body)
                if display is None and hidden is None:
                    continue
                for selector in selectors.split(","):
                    chain = _parse_selector(selector.strip())
                    if chain is None:
                        continue
                    order += 1
                    compounds = [c for _, c in chain]
                    rank = (
                        sum(len(c.ids) for c in compounds),
                        sum(len(c.classes) for c in compounds),
                        sum(c.tag is not None for c in compounds),
                        order,
                    )
                    last = chain[-1][1]
                    key = (
                        ("#", last.ids[0])
                        if last.ids
                        else (".", last.classes[0])
                        if last.classes
                        else ("t", last.tag)
                        if last.tag
                        else ("*", "")
                    )
                    self.index.setdefault(key, []).append(_Rule(chain, rank, display, hidden))

    def lookup(self, element: etree._Element, tag: str) -> tuple[int | None, bool | None]:
        if not self.index:
            return None, None
        ident, classes = element.get("id"), element.get("class")
        keys = [("t", tag), ("*", "")]
        if not ident and not classes and keys[0] not in self.index and keys[1] not in self.index:
            return None, None
        if ident:
            keys.append(("#", ident))
        if classes:
            keys += [(".", name) for name in classes.split()]
        rules = [r for key in keys for r in self.index.get(key, ()) if r.matches(element)]
        display: int | None = None
        hidden: bool | None = None
        for rule in sorted(rules, key=lambda r: r.rank):
            if rule.display is not None:
                display = rule.display
            if rule.hidden is not None:
                hidden = rule.hidden
        return display, hidden
