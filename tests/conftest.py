"""Shared fixtures. The user's data lives in ../shared/data beside the checkout (never copied in)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "poundtech101.jsonl").exists():
        pytest.fail(
            f"the shared data is missing at {SHARED_DATA}: the checkout needs ../shared/data"
        )
    return SHARED_DATA


# Small-model and vLLM engine fixtures (session-scoped), shared by the LLM and adapter tests.
pytest_plugins = ["llm_fixtures"]  # tests/ is on sys.path (rootdir conftest, no __init__)
