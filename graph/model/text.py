"""Search text for the full-text index, tokenized by us so both engines agree.

Neither engine's analysers segment Chinese the same way (FalkorDB's "chinese" tokenizer misses a
whole name like 陈志强; Neo4j's "cjk" analyser makes bigrams), so we store a ``search`` property of
space-separated tokens and index it with a plain whitespace analyser on both:

- a run of CJK characters gives its single characters and its overlapping bigrams
  (全民公益园 → 全 民 公 益 园 全民 民公 公益 益园);
- other words (Latin letters, digits) are lower-cased whole words.

A query is tokenized the same way, but a CJK run of two or more characters gives only bigrams,
and every token must match, so 公益园 finds 全民公益园 and not 公园.
Tokens hold only letters, digits and CJK characters, so user text can never reach the engines'
query syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
MAX_QUERY_TOKENS = 16


def _runs(text: str) -> Iterable[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def search_text(*texts: str | None) -> str:
    """The ``search`` property for a node whose names are ``texts``."""
    tokens: dict[str, None] = {}
    for text in texts:
        for run in _runs(text or ""):
            if _IS_CJK.match(run):
                tokens.update(dict.fromkeys(run))
                tokens.update(dict.fromkeys(run[i : i + 2] for i in range(len(run) - 1)))
            else:
                tokens[run] = None
    return " ".join(tokens)


def query_terms(text: str) -> list[str]:
    """Terms that must all match; empty when the text has nothing searchable."""
    terms: dict[str, None] = {}
    for run in _runs(text):
        if _IS_CJK.match(run) and len(run) > 1:
            terms.update(dict.fromkeys(run[i : i + 2] for i in range(len(run) - 1)))
        else:
            terms[run] = None
    return list(terms)[:MAX_QUERY_TOKENS]
