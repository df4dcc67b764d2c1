"""What a run with browser tests needs installed, checked before any test runs.

The check is made from tests/conftest.py, whose hooks every pytest process runs: this
package's own conftest is loaded only where its tests are collected, which with pytest-xdist
is in the test processes alone, too late to stop the run with one plain message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Chromium is missing: apt-get install -y chromium"
HERE = Path(__file__).resolve().parent


def browser_tests_due(config: pytest.Config) -> bool:
    """Whether the run's paths include this package (or lie in it)."""
    for arg in config.args:
        path = (config.invocation_params.dir / arg.partition("::")[0]).resolve()
        if HERE.is_relative_to(path) or path.is_relative_to(HERE):
            return True
    return False


def require_browser(config: pytest.Config) -> None:
    """Stop a run that is due to drive a browser where there is none, saying what to install:
    a skipped browser test would pass a run that never looked at a page."""
    if browser_tests_due(config) and not CHROMIUM.exists():
        raise pytest.UsageError(CHROMIUM_MISSING)
