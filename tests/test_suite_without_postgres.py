"""`make test` without PostgreSQL runs the SQLite suite and says plainly what did not run."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

# Port 9 (discard) has no PostgreSQL listening on 127.0.0.1.
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:9/test"


def run_suite(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            # A quick file whose tests run on both databases: what matters is the summary.
            "tests/reports/test_penalties.py",
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTEST_POSTGRES_URL": UNREACHABLE,
            "PYTEST_REQUIRE_POSTGRES": "0",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_sqlite_suite_runs_and_the_summary_says_postgresql_did_not() -> None:
    done = run_suite()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "THE POSTGRESQL SUITE DID NOT RUN" in done.stdout
    assert "passed" in done.stdout
    assert "deselected" in done.stdout


def test_ci_fails_without_postgresql() -> None:
    done = run_suite(PYTEST_REQUIRE_POSTGRES="1")
    assert done.returncode != 0
    assert (
        "is required (PYTEST_REQUIRE_POSTGRES=1) but cannot be reached" in done.stdout + done.stderr
    )
