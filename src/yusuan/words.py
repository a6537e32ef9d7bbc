"""Chinese words: jieba's dictionary (about 350,000 words with their frequencies) answers whether
a string is a word and how a phrase splits into words, for the text rules that tell a slip from
an ordinary phrase. The dictionary loads once, on first use (about a second)."""

from __future__ import annotations

import logging
from functools import cache

import jieba


@cache
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def cut(text: str) -> list[str]:
    """``text`` split into dictionary words (no guessing of unknown words)."""
    return list(_tokenizer().cut(text, HMM=False))


def is_word(text: str) -> bool:
    return bool(_tokenizer().FREQ.get(text))
