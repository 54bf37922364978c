"""Hand-solvable catalogs, scenario files and proposal files for the grant-review tests."""
from __future__ import annotations

import csv
from pathlib import Path

import factory as f
from models.result import PROPOSAL_COLUMNS

# One mine (CA) with 1,000 t/yr of a 50% Nd concentrate, separation at $100k per t/yr,
# 1,000 t Nd oxide demand and no imports: each t/yr of plant makes 0.5 t Nd (weight 1).
# The TX mill may build separation too; metallisation may be built at the mine, but
# nothing demands metal; recycling may be built at the mine, but there is no scrap.
TABLES = dict(
    sites=[f.site("mine", allowed="sx;metal;recycle"), f.site("mill", allowed="sx")],
    feedstocks=[f.feed("conc", "mine", 1000, nd=0.5, other=0.5)],
    technologies=[f.tech("sx", "mixed", "oxide", 100_000), f.tech("metal", "oxide", "metal", 10_000),
                  f.tech("recycle", "scrap", "metal", 50_000)],
    demand=[f.demand("Nd", 1000)],
    imports=[f.imports("Nd", 0)],
)


def write_scenario(folder: Path, budget_usd: float = 10e6, name: str = "test", **tables) -> Path:
    """A scenario file on a factory catalog next to it; returns the .toml path."""
    folder.mkdir(parents=True, exist_ok=True)
    f.write_catalog(folder / "catalog", **(TABLES | tables))
    path = folder / f"{name}.toml"
    path.write_text(f'name = "{name}"\ndescription = "grant review test"\ncatalog = "catalog"\n'
                    f"budget_usd = {budget_usd!r}\nfederal_share = 0.5\n", encoding="utf-8")
    return path


def project(pid: str, tpa, federal_musd, capex_musd=None, site: str = "mine", tech: str = "sx",
            applicant: str | None = None) -> dict:
    """A proposal row; numbers may be given as text to test parsing."""
    def usd(x):
        return x if isinstance(x, str) else repr(float(x) * 1e6)

    capex = capex_musd if capex_musd is not None else (
        2 * federal_musd if not isinstance(federal_musd, str) else 1.0)
    return {"project_id": pid, "applicant": applicant or f"Applicant {pid}", "site_id": site, "technology": tech,
            "capacity_tpa": tpa if isinstance(tpa, str) else repr(float(tpa)),
            "federal_request_usd": usd(federal_musd), "total_capex_usd": usd(capex)}


def write_proposals(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=PROPOSAL_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path
