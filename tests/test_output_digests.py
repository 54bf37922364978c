"""Every output file of the shipped scenarios, the review examples and a sweep, byte for byte.

The stored digests were made before the issue-11 refactor; a change in any file fails here.
When the model changes numbers on purpose: `.venv/bin/python tests/output_digests.py --write`.
"""
import json

import pytest

import output_digests


@pytest.mark.digests
def test_outputs_match_stored_digests(tmp_path):
    stored = json.loads(output_digests.DIGESTS.read_text(encoding="utf-8"))
    made = output_digests.produce(tmp_path)
    assert sorted(made) == sorted(stored), "a different set of output files"
    changed = [name for name in sorted(stored) if made[name] != stored[name]]
    assert changed == [], f"{len(changed)} output files changed (see tests/output_digests.py to regenerate)"


def test_summary_digest_ignores_solve_time(tmp_path):
    a, b = tmp_path / "a" / "summary.json", tmp_path / "b" / "summary.json"
    for path, seconds in ((a, 0.5), (b, 9.25)):
        path.parent.mkdir()
        path.write_text(json.dumps({"objective_value": 1.0, "solve_seconds": seconds}))
    assert output_digests.file_digest(a) == output_digests.file_digest(b)
    b.write_text(json.dumps({"objective_value": 1.5, "solve_seconds": 9.25}))
    assert output_digests.file_digest(a) != output_digests.file_digest(b)
