"""The core must stay importable without the UI: only cooptrack.ui may import streamlit."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "cooptrack"
# Tools that drive the dashboard itself (the benchmark reruns pages with AppTest): not core.
TOOLS = {"cooptrack.bench"}


def core_modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "ui" in parts:
            continue
        name = ".".join(p for p in parts if p != "__init__")
        if name not in TOOLS:
            modules[name] = path
    return modules


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_core_module_imports_streamlit():
    offenders = [
        name for name, path in core_modules().items() if "streamlit" in imported_roots(path)
    ]
    assert offenders == []


def test_the_import_linter_contract_names_every_core_module():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]
    listed = set(contract["source_modules"])
    expected = {name for name in core_modules() if name != "cooptrack"}
    assert expected - listed == set(), "add new core modules to the import-linter contract"
    assert contract["forbidden_modules"] == ["streamlit"]
