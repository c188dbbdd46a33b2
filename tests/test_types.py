"""mypy with django-stubs over the services, selectors, permissions, the figures module and lifeport/lib
(configured in pyproject's [tool.mypy]); `make test` and `make lint` run it too."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_is_clean():
    env = {**os.environ, "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
