"""Shared fixtures. The user's data is carried in the repo (provenance in the READMEs beside it)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The user's training file, and Canto I (1925, public domain): provenance in their READMEs.
POUNDTECH101 = REPO / "training" / "poundtech101.jsonl"
CANTOS_TEXT = REPO / "texts" / "cantos"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def poundtech101() -> Path:
    return POUNDTECH101


@pytest.fixture(scope="session")
def cantos_dir() -> Path:
    return CANTOS_TEXT


# Small-model and vLLM engine fixtures (session-scoped), shared by the LLM and adapter tests.
pytest_plugins = ["llm_fixtures"]  # tests/ is on sys.path (rootdir conftest, no __init__)
