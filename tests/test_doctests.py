"""The examples in docstrings are tests: a helper whose example no longer holds fails here."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import assistant
import ingest

pytestmark = pytest.mark.unit

# Every module of every layer package (walk_packages goes into assistant/core, assistant/text, ...).
MODULES = sorted(
    m.name for package in (assistant, ingest) for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} fail (run python -m doctest)"
