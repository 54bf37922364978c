import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/factory.py

from models import ModelSettings, build_model, extract, prepare  # noqa: E402
from models.solve import StageSolver  # noqa: E402
from sites import load_catalog  # noqa: E402


@pytest.fixture
def solve(tmp_path):
    """solve(settings, **tables) -> (result, model) on a small custom catalog."""
    import factory

    def _solve(settings: ModelSettings | None = None, **tables):
        catalog = load_catalog(factory.write_catalog(tmp_path / "catalog", **tables))
        settings = settings or ModelSettings()
        model = build_model(prepare(catalog, settings), settings.objective)
        solver = StageSolver(model)
        return extract(model, solver.solve()), model, solver

    return _solve


@pytest.fixture(scope="session")
def shipped_catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the map tests (they skip without it: see tests/browser.py)."""
    from browser import chromium_browser

    with chromium_browser() as b:
        yield b


@pytest.fixture
def broken(tmp_path):
    """broken(table, edit) -> folder: a copy of the shipped catalog with tables edited (a second
    call edits the same copy)."""
    import shutil

    import pandas as pd

    from sites import default_catalog_dir

    def _broken(table: str, edit) -> str:
        folder = tmp_path / "catalog"
        if not folder.exists():
            shutil.copytree(default_catalog_dir(), folder)
        path = folder / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame = edit(frame)
        frame.to_csv(path, index=False)
        return folder

    return _broken
