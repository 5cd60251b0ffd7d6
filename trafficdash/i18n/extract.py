"""A Babel extraction method for the app's message keys: ``t("key")`` and ``tn("key", n)``,
including both branches of ``t("a" if x else "b")`` (Babel's token-based Python extractor glues
those into one string). ``babel.cfg`` names it, so ``pybabel extract -F babel.cfg`` lists every
literal key; keys built at run time (``t(f"status.{s}")``) are not literal and are not listed."""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

Extracted = tuple[int, str, str, list[str]]


def _literals(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)


def _name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def extract_keys(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any] | Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = _name(node.func)
        if name not in ("t", "tn"):
            continue
        for key in _literals(node.args[0]):
            if name == "tn":  # the plural forms every catalogue needs
                yield node.lineno, "", f"{key}.one", []
                yield node.lineno, "", f"{key}.other", []
            else:
                yield node.lineno, "", key, []
