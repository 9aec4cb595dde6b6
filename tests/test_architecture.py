"""The package shows its layers, and the core stays importable without the UI."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "cooptrack"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONTRACTS = {c["type"]: c for c in CONFIG["tool"]["importlinter"]["contracts"]}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(p for p in parts if p != "__init__")] = path
    return found


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def in_layer(name: str, layers: list[str]) -> bool:
    members = [m.strip() for layer in layers for m in layer.replace("|", ":").split(":")]
    return any(name == m or name.startswith(f"{m}.") for m in members)


def test_only_the_ui_imports_streamlit() -> None:
    offenders = [
        name
        for name, path in modules().items()
        if not name.startswith("cooptrack.ui") and "streamlit" in imported_roots(path)
    ]
    assert offenders == []


def test_every_module_sits_in_a_layer_of_the_contract() -> None:
    """A new module must be placed in a layer, or import-linter would not check it."""
    layers = CONTRACTS["layers"]["layers"]
    homeless = [n for n in modules() if n != "cooptrack" and not in_layer(n, layers)]
    assert homeless == []


def test_the_streamlit_contract_covers_every_layer_but_the_ui() -> None:
    layers = CONTRACTS["layers"]["layers"]
    forbidden = CONTRACTS["forbidden"]
    members = {m.strip() for layer in layers for m in layer.replace("|", ":").split(":")}
    assert set(forbidden["source_modules"]) == members - {"cooptrack.ui"}
    assert forbidden["forbidden_modules"] == ["streamlit"]


def test_the_command_line_starts_without_pandas_or_streamlit() -> None:
    """`cooptrack extract` or `--help` must not wait seconds for libraries it does not use."""
    probe = "import sys, cooptrack.cli; print(sorted({'pandas', 'streamlit'} & set(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
