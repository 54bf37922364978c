"""Proposal files (one row per project) read into models.settings.Project, and checked.

A proposal file has the columns `run` writes as portfolio.csv. Reading gathers every
problem of a file at once (file, row, column, value, expected), so a reviewer fixes a
file in one pass. Problems are of two kinds:

* errors: the proposal cannot be evaluated as made (bad number, unknown site or
  technology, technology not allowed at the site, federal request above the allowed
  share, a plant nothing can feed, all requests together above the budget; for a
  feed-option application: unknown option_id, a site that is not its feed's, a scale
  outside its min_fraction..1 range, a request above its max_federal_share, an option
  that cannot produce by the target year);
* warnings: it can be evaluated, but a reviewer should look (a plant that cannot be
  running by the target year, a size outside the technology's range, a capex far from
  the catalog's estimate). Low feed is found after the solve (see planner.review.scorecard).
"""
from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from models import prepare
from models.inputs import option_timing_and_capex
from models.result import PROPOSAL_COLUMNS
from models.settings import Project
from planner.outputs.cells import csv_cell_back
from planner.scenario import Scenario
from planner.suggest import did_you_mean
from sites import Catalog
from sites.errors import InputError, Problem

OPTION_COLUMN = "option_id"  # optional: a row naming a feed option is an application to develop it
# Rounding in a written portfolio.csv must not turn an exact request into a problem.
SHARE_TOLERANCE = 1e-9
BUDGET_TOLERANCE_USD = 1.0
# A stated capex outside this multiple of the catalog's estimate is flagged for review.
CAPEX_WARNING_RATIO = (0.5, 2.0)
NUMBERS = {  # column -> (smallest allowed, whether the bound is strict, what it is)
    "capacity_tpa": (0.0, True, "t/yr of input capacity"),
    "federal_request_usd": (0.0, False, "US dollars"),
    "total_capex_usd": (0.0, True, "US dollars"),
}


@dataclass(frozen=True)
class Proposals:
    """The projects of one file, with the row each came from (1-based, header not counted)."""

    file: str
    projects: tuple[Project, ...]
    rows: dict[str, int] = field(default_factory=dict)
    format_problems: tuple[Problem, ...] = ()  # rows with these are left out of projects
    # those rows' cells (row, project id, site_id, technology, option_id), so their site and
    # technology (or option) are still checked: a bad number in one cell must not hide the
    # other problems of its row
    format_rows: tuple[tuple[int, str | None, str, str, str], ...] = ()

    @property
    def name(self) -> str:
        return Path(self.file).stem

    def subset(self, project_ids) -> "Proposals":
        keep = set(project_ids)
        return Proposals(self.file, tuple(p for p in self.projects if p.project_id in keep),
                         {k: v for k, v in self.rows.items() if k in keep})

    def raise_format_problems(self) -> "Proposals":
        if self.format_problems:
            raise InputError(list(self.format_problems))
        return self


@dataclass
class Review:
    """What the checks found, per project id (None: the file as a whole)."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def errors_of(self, project_id: str) -> list[Problem]:
        return [p for p in self.errors if p.row_id == project_id]

    def warnings_of(self, project_id: str) -> list[Problem]:
        return [p for p in self.warnings if p.row_id == project_id]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _number_expected(column: str) -> str:
    low, strict, unit = NUMBERS[column]
    return f"a number of {unit} {'>' if strict else '>='} {low:g}"


def read_proposals(path: str | Path) -> Proposals:
    """Read a proposal file. An unreadable file or missing columns raise InputError; bad
    cells are kept as format_problems (their rows left out) so they can be listed
    together with the checks of the rows that did parse."""
    file = str(path)
    path = Path(path)
    if not path.is_file():
        raise InputError(Problem(file, None, None, None, "a proposal CSV file (columns: "
                                 + ", ".join(PROPOSAL_COLUMNS) + ")"))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise InputError(Problem(file, None, None, None, "a header row: " + ", ".join(PROPOSAL_COLUMNS))) from None
    except (UnicodeDecodeError, pd.errors.ParserError) as err:
        reason = str(err).splitlines()[0]
        raise InputError(Problem(file, None, None, None, f"a readable UTF-8 CSV file ({reason})")) from None
    missing = [c for c in PROPOSAL_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError([Problem(file, None, c, None, "this column (a proposal file has: "
                                  + ", ".join(PROPOSAL_COLUMNS) + ")") for c in missing])
    read = PROPOSAL_COLUMNS + ([OPTION_COLUMN] if OPTION_COLUMN in raw.columns else [])

    problems: list[Problem] = []
    projects: list[Project] = []
    format_rows: list[tuple[int, str | None, str, str, str]] = []
    rows: dict[str, int] = {}  # every project id seen -> its first row
    for i, record in enumerate(raw[read].to_dict("records"), start=1):
        # text ree-planner quoted against spreadsheet formulas reads back as the user wrote it
        cells = {k: csv_cell_back(str(v).strip()) for k, v in record.items()}
        cells.setdefault(OPTION_COLUMN, "")
        pid = cells["project_id"]
        row_id = pid or None
        before = len(problems)
        if not pid:
            problems.append(Problem(file, i, "project_id", "", "a project id"))
        elif pid in rows:
            problems.append(Problem(file, i, "project_id", pid, f"a unique project_id (row {rows[pid]} has it too)",
                                    row_id))
        else:
            rows[pid] = i
        # a feed-option application names its option instead of a technology
        for column in ("applicant", "site_id") + (() if cells[OPTION_COLUMN] else ("technology",)):
            if not cells[column]:
                problems.append(Problem(file, i, column, "", f"a {column.replace('_', ' ')}", row_id))
        numbers = {}
        for column, (low, strict, _) in NUMBERS.items():
            value = _number(cells[column])
            if value is None or value < low or (strict and value == low):
                problems.append(Problem(file, i, column, cells[column], _number_expected(column), row_id))
            numbers[column] = value
        if len(problems) == before:
            projects.append(Project(pid, cells["applicant"], cells["site_id"], cells["technology"],
                                    numbers["capacity_tpa"], numbers["federal_request_usd"],
                                    numbers["total_capex_usd"], cells[OPTION_COLUMN]))
        else:
            format_rows.append((i, row_id, cells["site_id"], cells["technology"], cells[OPTION_COLUMN]))
    return Proposals(file, tuple(projects), rows, tuple(problems), tuple(format_rows))


def _shown(value) -> str:
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


def _problem(proposals: Proposals, project: Project, column: str, value, expected: str) -> Problem:
    shown = _shown(value)
    return Problem(proposals.file, proposals.rows.get(project.project_id), column, shown, expected,
                   project.project_id)


def review(proposals: Proposals, scenario: Scenario, catalog: Catalog, check_budget: bool = True) -> Review:
    """Every error and warning of a proposal file against the scenario it is judged under."""
    settings = scenario.settings()
    out = Review(errors=list(proposals.format_problems))
    sites = catalog.sites.set_index("site_id")
    techs = catalog.technologies.set_index("technology_id")
    site_ids, tech_ids = sorted(sites.index), sorted(techs.index)
    placed: list[Project] = []  # projects whose site and technology are usable

    def check_place(site_id: str, tech_id: str, err) -> bool:
        """Site and technology problems of one row; True if the plant can be placed."""
        known_site = site_id in sites.index
        known_tech = tech_id in techs.index
        if not known_site and site_id:
            err("site_id", site_id, "a site id from the catalog" + did_you_mean(site_id, site_ids)
                + " (" + ", ".join(site_ids) + ")")
        elif known_site and site_id in settings.exclude_sites:
            err("site_id", site_id, f"a site the scenario does not exclude (scenario {scenario.name} "
                                    "lists it in exclude_sites)")
        if not known_tech and tech_id:
            err("technology", tech_id, "a technology id from the catalog" + did_you_mean(tech_id, tech_ids)
                + " (" + ", ".join(tech_ids) + ")")
        elif known_tech and tech_id in settings.exclude_technologies:
            err("technology", tech_id, f"a technology the scenario does not exclude (scenario "
                                       f"{scenario.name} lists it in exclude_technologies)")
        if known_site and known_tech:
            allowed = list(sites.at[site_id, "allowed_technologies"])
            if tech_id not in allowed:
                err("technology", tech_id,
                    f"a technology allowed at {site_id} (sites.csv allowed_technologies: "
                    + (", ".join(allowed) if allowed else "none") + ")")
            elif site_id not in settings.exclude_sites and tech_id not in settings.exclude_technologies:
                return True
        return False

    options = FeedOptionChecks(proposals, scenario, catalog, out)
    for row, row_id, site_id, tech_id, option_id in proposals.format_rows:  # rows left out for a bad cell
        def row_err(column, value, expected, row=row, row_id=row_id):
            out.errors.append(Problem(proposals.file, row, column, _shown(value), expected, row_id))

        if option_id:
            options.check_place(option_id, site_id, tech_id, row_err)
        else:
            check_place(site_id, tech_id, row_err)
    for q in proposals.projects:
        def err(column, value, expected, q=q):
            out.errors.append(_problem(proposals, q, column, value, expected))

        if q.is_option:
            if options.check(q, err):
                placed.append(q)  # its feed counts as reachable for the plants
            continue
        known_tech = q.technology_id in techs.index
        if check_place(q.site_id, q.technology_id, err):
            placed.append(q)
        if q.federal_usd > settings.federal_share * q.capex_usd * (1 + SHARE_TOLERANCE):
            err("federal_request_usd", q.federal_usd,
                f"at most the scenario's federal_share ({settings.federal_share:.4g}) of total_capex_usd "
                f"({q.capex_usd:,.0f} USD), i.e. <= {settings.federal_share * q.capex_usd:,.0f}; "
                f"requested share {q.federal_usd / q.capex_usd:.4g}")
        if known_tech:
            _warn_against_catalog(proposals, q, settings, sites, techs, out)

    unfed = unfed_projects(placed, scenario, catalog)
    for q in placed:
        if q.project_id in unfed:
            out.errors.append(_problem(proposals, q, "technology", q.technology_id,
                                       f"a plant that can be fed: nothing in the catalog or this file supplies "
                                       f"{unfed[q.project_id]} (its input form) to {q.site_id}"))
    requests_known = not any(p.column == "federal_request_usd" for p in proposals.format_problems)
    if check_budget and requests_known:
        total = sum(q.federal_usd for q in proposals.projects)
        if total > settings.budget_usd + BUDGET_TOLERANCE_USD:
            out.errors.append(Problem(proposals.file, None, "federal_request_usd", f"{total:,.0f} USD in total",
                                      f"a total within the scenario's budget_usd ({settings.budget_usd:,.0f} USD)"))
    return out


class FeedOptionChecks:
    """The checks of feed-option applications (rows with an option_id): the option exists, the
    row's site is its feed's, no technology, the scenario keeps its feed, it produces by the
    target year, its scale is within min_fraction..1 of the option's added_tpa, its request
    within the option's max_federal_share; a capex far from the catalog's is a warning."""

    def __init__(self, proposals: Proposals, scenario: Scenario, catalog: Catalog, out: Review):
        self.proposals, self.scenario, self.out = proposals, scenario, out
        self.settings = scenario.settings()
        self.catalog = catalog
        # rows read by attribute, as models/inputs.py reads them (option_timing_and_capex)
        self.options = {o.option_id: o for o in catalog.feed_options.itertuples(index=False)}
        self.feeds = catalog.feedstocks.set_index("feedstock_id")
        self.first_row: dict[str, int] = {}  # option id -> first row applying for it

    def check_place(self, option_id: str, site_id: str, tech_id: str, err) -> bool:
        """Option, site and technology problems of one row; True if the option is usable."""
        if tech_id:
            err("technology", tech_id, f"empty for a feed-option application (the row names option_id {option_id})")
        if option_id not in self.options:
            ids = sorted(self.options)
            err("option_id", option_id, "an option id from the catalog's feed_options.csv"
                + did_you_mean(option_id, ids) + " (" + ", ".join(ids) + ")")
            return False
        o = self.options[option_id]
        feed_site = str(self.feeds.at[o.feedstock_id, "site_id"])
        usable = not tech_id
        if site_id != feed_site:
            err("site_id", site_id, f"the site of option {option_id}'s feed {o.feedstock_id}: {feed_site}")
            usable = False
        s = self.settings
        if feed_site in s.exclude_sites or o.feedstock_id in s.exclude_feedstocks:
            what = (f"site {feed_site} in exclude_sites" if feed_site in s.exclude_sites
                    else f"feedstock {o.feedstock_id} in exclude_feedstocks")
            err("option_id", option_id, f"an option whose feed the scenario keeps (scenario {self.scenario.name} "
                                        f"lists {what})")
            usable = False
        first, _, _ = option_timing_and_capex(self.catalog, s, o)
        if first > s.target_year:
            err("option_id", option_id,
                f"an option producing by target_year {s.target_year} (lead time {first - s.decision_year:g} years "
                f"from decision_year {s.decision_year} gives {first:g}, timing_case {s.timing_case})")
            usable = False
        return usable

    def check(self, q: Project, err) -> bool:
        """Every problem of an application; True if its option, site and timing are usable."""
        s = self.settings
        row = self.proposals.rows.get(q.project_id)
        if q.option_id in self.first_row:
            err("option_id", q.option_id, f"an option no other row applies for (row {self.first_row[q.option_id]} "
                                          "has it too)")
        else:
            self.first_row[q.option_id] = row
        usable = self.check_place(q.option_id, q.site_id, q.technology_id, err)
        if q.option_id not in self.options:
            return False
        o = self.options[q.option_id]
        added = float(getattr(o, f"added_tpa_{s.supply_case}"))
        low = float(o.min_fraction) * added
        if not low * (1 - SHARE_TOLERANCE) <= q.capacity_tpa <= added * (1 + SHARE_TOLERANCE):
            err("capacity_tpa", q.capacity_tpa,
                f"a supply added within option {q.option_id}'s range: min_fraction {float(o.min_fraction):g} x "
                f"added_tpa to added_tpa, i.e. {low:,.0f} to {added:,.0f} t/yr (supply_case {s.supply_case})")
        share = float(o.max_federal_share)
        if q.federal_usd > share * q.capex_usd * (1 + SHARE_TOLERANCE):
            err("federal_request_usd", q.federal_usd,
                f"at most option {q.option_id}'s max_federal_share ({share:.4g}) of total_capex_usd "
                f"({q.capex_usd:,.0f} USD), i.e. <= {share * q.capex_usd:,.0f}; requested share "
                f"{q.federal_usd / q.capex_usd:.4g}")
        _, _, capex = option_timing_and_capex(self.catalog, s, o)
        estimate = capex * q.capacity_tpa / added if added > 0 else 0.0
        lo, hi = CAPEX_WARNING_RATIO
        if estimate > 0 and not lo * estimate <= q.capex_usd <= hi * estimate:
            self.out.warnings.append(_problem(
                self.proposals, q, "total_capex_usd", q.capex_usd,
                f"a capex within {lo:g}x to {hi:g}x of the catalog's estimate ({estimate:,.0f} USD: option "
                f"{q.option_id}'s capex in catalog dollars, capex_case {s.capex_case}, pro rata to the supply "
                "applied for)"))
        return usable


def _warn_against_catalog(proposals, q: Project, settings, sites, techs, out: Review) -> None:
    t = techs.loc[q.technology_id]
    def warn(column, value, expected):
        out.warnings.append(_problem(proposals, q, column, value, expected))

    ready = settings.decision_year + float(t["lead_time_years"])
    if ready > settings.target_year:
        warn("technology", q.technology_id,
             f"a plant running by target_year {settings.target_year} (lead time {float(t['lead_time_years']):g} "
             f"years from decision_year {settings.decision_year} gives {ready:g}; the optimiser may not build it)")
    low, high = float(t["min_size_tpa"]), float(t["max_size_tpa"])
    if not low <= q.capacity_tpa <= high:
        warn("capacity_tpa", q.capacity_tpa, f"a size in the technology's range {low:,.0f} to {high:,.0f} t/yr")
    if q.site_id in sites.index:
        estimate = (float(t[f"capex_usd_per_tpa_{settings.capex_case}"]) * settings.capex_multiplier
                    * float(sites.at[q.site_id, "cost_multiplier"]) * q.capacity_tpa)
        lo, hi = CAPEX_WARNING_RATIO
        if estimate > 0 and not lo * estimate <= q.capex_usd <= hi * estimate:
            warn("total_capex_usd", q.capex_usd,
                 f"a capex within {lo:g}x to {hi:g}x of the catalog's estimate ({estimate:,.0f} USD for this "
                 f"size, site and capex_case {settings.capex_case})")


def unfed_projects(projects: list[Project], scenario: Scenario, catalog: Catalog) -> dict[str, str]:
    """project_id -> input form, for plants no feed or plant can supply along the model's arcs.

    Material exists at (site, form) where a feed with supply sits, or where a plant whose
    own input is reachable puts that form out; it moves along the model's shipping arcs.
    Only the model's own inputs are used (excluded sites, start years, supply case)."""
    settings = dataclasses.replace(scenario.settings(), projects=tuple(projects), project_mode="fixed",
                                   allow_new_capacity=bool(projects))
    inputs = prepare(catalog, settings)
    # feeds with supply, and those a feed-option application adds to
    feeds = inputs.feeds[(inputs.feeds["supply_tpa"] > 0) | inputs.feeds["feedstock_id"].isin(
        inputs.options["feedstock_id"])]
    reached = set(zip(feeds["site_id"], feeds["form"]))
    arcs_from: dict[tuple, list[str]] = defaultdict(list)
    for a in inputs.arcs.itertuples(index=False):
        arcs_from[(a.from_site, a.form)].append(a.to_site)
    plants = list(inputs.plants.itertuples(index=False))
    routed = defaultdict(set)  # technology -> forms some of its elements are routed to (heavy concentrate)
    for (tech, _), (form, _) in inputs.routes.items():
        routed[tech].add(form)
    frontier = list(reached)
    while frontier:  # spread along arcs and through plants until nothing new is reached
        new = []
        for site, form in frontier:
            new.extend((to, form) for to in arcs_from[(site, form)])
            new.extend((p.site_id, out) for p in plants if p.site_id == site and p.input_form == form
                       for out in sorted({p.output_form} | routed[p.technology_id]))
        frontier = [n for n in dict.fromkeys(new) if n not in reached]
        reached.update(frontier)
    forms = inputs.plants.set_index(["site_id", "technology_id"])["input_form"]
    return {q.project_id: forms[(q.site_id, q.technology_id)] for q in projects if not q.is_option
            and (q.site_id, forms[(q.site_id, q.technology_id)]) not in reached}


def problem_order(problem: Problem):
    """Problems sorted by file, then row (file-level ones last)."""
    return (problem.file, problem.row is None, problem.row or 0)


def load_proposals(path: str | Path, scenario: Scenario, catalog: Catalog) -> tuple[Proposals, Review]:
    """Read and check a file that is to be evaluated as a whole; errors raise InputError."""
    proposals = read_proposals(path)
    found = review(proposals, scenario, catalog)
    if found.errors:
        raise InputError(sorted(found.errors, key=problem_order))
    return proposals, found


def proposals_from_frame(frame: pd.DataFrame, file: str) -> Proposals:
    """A portfolio table (as in PortfolioResult.portfolio) as Proposals, e.g. the optimiser's own."""
    options = frame[OPTION_COLUMN] if OPTION_COLUMN in frame.columns else [""] * len(frame)
    projects = tuple(Project(str(r.project_id), str(r.applicant), str(r.site_id), str(r.technology),
                             float(r.capacity_tpa), float(r.federal_request_usd), float(r.total_capex_usd),
                             str(o or ""))
                     for r, o in zip(frame[PROPOSAL_COLUMNS].itertuples(index=False), options))
    return Proposals(file, projects, {q.project_id: i for i, q in enumerate(projects, start=1)})
