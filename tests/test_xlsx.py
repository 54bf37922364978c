"""xlsx outputs are byte-reproducible: save time and zip stamps are fixed."""
import time
import zipfile

import pandas as pd

from planner.outputs.xlsx import make_reproducible


def _write(path):
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"site_id": ["mountain-pass"], "new_tpa": [7267.0]}).to_excel(writer, index=False)


def test_same_tables_same_bytes_a_day_apart(tmp_path, monkeypatch):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    _write(a)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86400)  # the zip stamps read the clock
    _write(b)
    assert a.read_bytes() != b.read_bytes()
    make_reproducible(a)
    make_reproducible(b)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z" in z.read("docProps/core.xml")
    assert pd.read_excel(a).to_dict("list") == {"site_id": ["mountain-pass"], "new_tpa": [7267.0]}
