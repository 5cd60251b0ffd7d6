"""The import contracts of pyproject.toml ([tool.importlinter]) are part of the suite: pages and
components never import db/models/sqlalchemy, the sandbox nothing of the app, sync neither
analytics nor alerts, and no package reaches another through importlib."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "trafficdash"


def _lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(command), "--no-cache", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_the_import_contracts_hold() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_page_importing_the_database_breaks_the_contract(tmp_path: Path) -> None:
    """The UI contract can fail: a copy of the tree with one page reaching for ``db`` breaks it."""
    copy = tmp_path / "trafficdash"
    subprocess.run(["cp", "-r", str(PACKAGE), str(copy)], check=True)
    page = copy / "ui" / "pages" / "accounts.py"
    page.write_text(page.read_text() + "\nfrom trafficdash import db  # noqa: E402\n")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    command = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(command), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "trafficdash.ui.pages.accounts -> trafficdash.db" in result.stdout


def test_the_sandbox_contract_names_every_other_part_of_the_app() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (sandbox,) = [c for c in config["contracts"] if c["source_modules"] == ["trafficdash.sandbox"]]
    parts = {
        f"trafficdash.{p.stem}"
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert set(sandbox["forbidden_modules"]) == parts - {"trafficdash.sandbox"}


def test_no_package_reaches_another_through_importlib() -> None:
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            name = getattr(node, "attr", None) or getattr(node, "id", None)
            if name in ("import_module", "__import__"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found
