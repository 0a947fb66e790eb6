"""The house rules a newcomer cannot see from one file: layers, the boundary, module size.

These read the source tree (no app, no database): a forbidden import, a view that commits
or a module grown past its size fails here before review does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_layer_contracts_hold_and_a_service_importing_a_view_breaks_them(
    tmp_path: Path,
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "app", tree / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")

    kept = _lint_imports(tree)
    assert kept.returncode == 0, kept.stdout + kept.stderr

    # The arrow the contracts exist to refuse: a service reaching up into a blueprint.
    outbox = tree / "app" / "services" / "outbox.py"
    outbox.write_text(outbox.read_text() + "\nfrom app.web import guards  # noqa: E402, F401\n")
    broken = _lint_imports(tree)
    assert broken.returncode == 1
    assert "app.services is not allowed to import app.web" in broken.stdout
    assert "app.services.outbox -> app.web.guards" in broken.stdout


def _python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def test_views_and_services_never_end_a_transaction_themselves() -> None:
    ends = re.compile(r"\b(commit|rollback)\(\)")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _python_files("app/web", "app/services")
        if path.name != "boundary.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ends.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


def test_no_module_holding_logic_is_over_400_lines() -> None:
    # Data tables may be longer, in modules named *_data.py.
    long = [
        f"{path.relative_to(ROOT)} ({length} lines)"
        for path in _python_files("app", "bench")
        if not path.name.endswith("_data.py")
        and (length := len(path.read_text().splitlines())) > 400
    ]
    assert long == []


def test_no_bench_script_hides_a_standard_module() -> None:
    # ``python bench/catalog.py`` puts bench/ first on sys.path: a bench/statistics.py made
    # ``from statistics import median`` import our script, and `make bench` died at once.
    hiding = sorted(
        path.name for path in (ROOT / "bench").glob("*.py") if path.stem in sys.stdlib_module_names
    )
    assert hiding == []
