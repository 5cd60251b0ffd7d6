#!/usr/bin/env python3
"""Quick start with nothing but Python 3.11+.

    python3 run.py serve   # install (from the lock file) and start the app on the embedded default
    python3 run.py test    # install the dev lock, run ruff (lint and format), the import contracts and the
                           # whole test suite on two pytest-xdist workers (`-n 0`: in one process)

Each creates ``.venv`` on first use and reinstalls only when a lock file changes.
Extra arguments go to ``trafficdash serve`` or to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes())
    return h.hexdigest()


def ensure_environment(lock_name: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by an older python3
        sys.exit("trafficdash needs Python 3.11 or newer.")
    if not (BIN / "python").exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    lock = ROOT / lock_name
    stamp = VENV / f".installed-{lock_name}"
    digest = _digest(lock, ROOT / "pyproject.toml")
    if stamp.exists() and stamp.read_text() == digest:
        return
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    print(f"Installing pinned dependencies from {lock_name} ...", flush=True)
    subprocess.run([*pip, "--require-hashes", "-r", str(lock)], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("serve", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "serve":
        ensure_environment("requirements.lock")
        return subprocess.call([str(BIN / "trafficdash"), "serve", *rest])
    ensure_environment("requirements-dev.lock")
    for check in (["check", "."], ["format", "--check", "."]):
        lint = subprocess.call([str(BIN / "ruff"), *check])
        if lint != 0:
            print(f"ruff {check[0]} failed", file=sys.stderr)
            return lint
    contracts = subprocess.call([str(BIN / "lint-imports")])  # the layers (pyproject [tool.importlinter])
    if contracts != 0:
        print("import contracts broken", file=sys.stderr)
        return contracts
    if not any(arg.startswith(("-n", "--numprocesses")) for arg in rest):
        # Two pytest-xdist workers: CI has two cores, and each worker claims one of 15 Redis numbers.
        rest = ["-n", "2", *rest]
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
