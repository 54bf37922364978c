"""Scenario files: TOML, validated against scenario_keys.csv, turned into ModelSettings."""
from __future__ import annotations

import csv
import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from models.settings import FUTURE_KEYS, Future, ModelSettings
from planner.money import parse_money, short_money
from planner.outputs.folder import name_problem
from planner.suggest import did_you_mean
from sites.errors import InputError, Problem
from sites.sets import MAGNET_ELEMENTS, PRODUCT_FORMS

if TYPE_CHECKING:
    from sites import Catalog

TABLE_KEYS = ("weights", "demand_t", "imports_t")
MONEY_KEYS = ("budget_usd",)  # may be written as text: "1.2B", "$600M" (planner/money.py)
# Command-line overrides: key -> (word in the output folder's name, how the headline says it)
OVERRIDE_WORDS = {"budget_usd": ("budget", lambda v: f"federal budget ${short_money(v)}"),
                  "import_case": ("imports", lambda v: f"import case {v}"),
                  "target_year": ("year", lambda v: f"target year {v}"),
                  "federal_share": ("share", lambda v: f"federal share {v:.0%}"),
                  "objective": ("objective", lambda v: f"objective {v}")}
# Keys passed to ModelSettings unchanged (the others need converting: tables, lists, ranges)
PLAIN_KEYS = ("objective", "budget_usd", "federal_share", "target_year", "decision_year", "demand_case",
              "supply_case", "capex_case", "capex_multiplier", "import_case", "allow_new_capacity",
              "transport_usd_per_tkm", "discount_rate", "unmet_penalty_x_price", "min_plant_size",
              "existing_feeds_only", "min_value_per_musd", "timing_case", "demand_scope",
              "feed_options", "integer", "shipping_k_nearest", "solver_method")
# Plain keys that choose how the model is solved, not what it answers (the optimum is the
# same): in the resolved settings (summary.json, the inputs hash) only where they are set
SOLVE_KEYS = ("shipping_k_nearest", "solver_method")


@dataclass(frozen=True)
class Key:
    name: str
    type: str
    default: str
    min: float | None
    max: float | None
    allowed: tuple[str, ...]
    description: str


@cache
def keys() -> dict[str, Key]:
    text = resources.files("planner").joinpath("scenario_keys.csv").read_text(encoding="utf-8")
    out = {}
    for r in csv.DictReader(text.splitlines()):
        out[r["key"]] = Key(
            r["key"], r["type"], r["default"], float(r["min"]) if r["min"] else None,
            float(r["max"]) if r["max"] else None, tuple(r["allowed"].split("|")) if r["allowed"] else (),
            r["description"],
        )
    return out


def default(name: str):
    """A key's default, typed, from scenario_keys.csv: the one place defaults are declared."""
    key = keys()[name]
    text = key.default
    if text == "":
        return None
    if key.type == "float":
        return float(text)
    if key.type == "int":
        return int(text)
    if key.type == "bool":
        return text.lower() == "true"
    if key.type == "profile":
        return tuple(float(x) for x in text.split(";"))
    return text


def parse_years(value) -> tuple[int, ...]:
    """A checked `years` value as a tuple: a list as given, or "2026:2035" as every year in it."""
    if isinstance(value, str):
        first, last = (int(x) for x in value.split(":"))
        return tuple(range(first, last + 1))
    return tuple(value)


def shipped_dir() -> Path:
    return Path(str(resources.files("planner").joinpath("scenarios")))


def shipped_scenarios() -> dict[str, Path]:
    """Shipped scenario name -> file."""
    return {p.stem: p for p in sorted(shipped_dir().glob("*.toml"))}


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: its resolved keys (after extends and overrides)."""

    name: str
    path: Path | None
    values: dict  # only keys that were set; defaults come from ModelSettings
    overrides: tuple = ()  # (key, value) pairs given on the command line, in the order given

    @property
    def description(self) -> str:
        return self.values.get("description", "")

    @property
    def catalog_dir(self) -> Path | None:
        return Path(self.values["catalog"]) if "catalog" in self.values else None

    def with_overrides(self, source: str, **overrides) -> "Scenario":
        """A copy with command-line values, checked like file values."""
        given = {k: v for k, v in overrides.items() if v is not None}
        problems: list[Problem] = []
        _money_values(source, given, problems)
        _check_values(source, given, problems)
        if problems:
            raise InputError(problems)
        return Scenario(self.name, self.path, {**self.values, **given}, self.overrides)

    def with_command_line(self, where: str = "on the command line", **overrides) -> "Scenario":
        """A copy with the command line's overrides (budget, import case, year, ...), checked like
        file values, renamed after them (baseline -> baseline-budget-2B) so its default output
        folder is never another scenario's, and described so its headline states them. where:
        how the description says they were set (the Python API says "in Python"); any
        scenario key may be overridden, the common ones have words of their own."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if not given:
            return self
        changed = self.with_overrides("command line", **given)
        pairs = tuple((k, changed.values[k]) for k in given)
        words = {k: OVERRIDE_WORDS.get(k, (k, lambda v, k=k: f"{k} {v}")) for k in given}
        name = "-".join([self.name, *(f"{words[k][0]}-{_name_word(k, v)}" for k, v in pairs)])
        said = ", ".join(f"{words[k][1](v)} (the scenario has {words[k][1](self.value(k))})"
                         if self.value(k) is not None else words[k][1](v) for k, v in pairs)
        description = f"scenario {self.name} with {said}, set {where}"
        values = {**changed.values, "name": name, "description": description}
        return Scenario(name, self.path, values, self.overrides + pairs)

    def value(self, key: str):
        """The key's value: as set, else its default from scenario_keys.csv (None if it has none)."""
        return self.values[key] if key in self.values else default(key)

    def settings(self) -> ModelSettings:
        v = self.values
        plain = {k: self.value(k) for k in PLAIN_KEYS if k in v or default(k) is not None}
        size_range = v.get("plant_size_range_tpa")
        return ModelSettings(
            **plain,
            plant_size_range_tpa=tuple(float(x) for x in size_range) if size_range else None,
            new_build_input_forms=tuple(v.get("new_build_input_forms", ())),
            weights=dict(v.get("weights", {})),
            demand_t={(e, f): t for e, forms in v.get("demand_t", {}).items() for f, t in forms.items()},
            imports_t={(e, f): t for e, forms in v.get("imports_t", {}).items() for f, t in forms.items()},
            exclude_sites=tuple(v.get("exclude_sites", ())),
            exclude_technologies=tuple(v.get("exclude_technologies", ())),
            exclude_feedstocks=tuple(v.get("exclude_feedstocks", ())),
            years=parse_years(v["years"]) if "years" in v else (),
            spend_profile=tuple(float(x) for x in self.value("spend_profile")),
            appropriations_usd=tuple(float(x) for x in v.get("appropriations_usd", ())),
            time_discount_rate=float(self.value("time_discount_rate")),
            futures=tuple(Future(name, float(table["probability"]),
                                 tuple(sorted((k, tuple(x) if isinstance(x, list) else x)
                                              for k, x in table.items() if k != "probability")))
                          for name, table in v.get("futures", {}).items()),
            cvar_alpha=float(self.value("cvar_alpha")),
            cvar_weight=float(self.value("cvar_weight")),
            regret=bool(self.value("regret")),
        )

    def to_dict(self) -> dict:
        """Resolved settings (defaults filled), for summary.json and reproducibility."""
        s = self.settings()
        return {
            "name": self.name, "description": self.description,
            "catalog": str(self.catalog_dir) if self.catalog_dir else "shipped",
            **{k: getattr(s, k) for k in PLAIN_KEYS if k not in SOLVE_KEYS or k in self.values},
            "plant_size_range_tpa": list(s.plant_size_range_tpa) if s.plant_size_range_tpa else None,
            "new_build_input_forms": sorted(s.new_build_input_forms),
            "weights": dict(sorted(s.weights.items())),
            "demand_t": {f"{e}.{f}": t for (e, f), t in sorted(s.demand_t.items())},
            "imports_t": {f"{e}.{f}": t for (e, f), t in sorted(s.imports_t.items())},
            "exclude_sites": sorted(s.exclude_sites),
            "exclude_technologies": sorted(s.exclude_technologies),
            "exclude_feedstocks": sorted(s.exclude_feedstocks),
            # multi-year keys only where they matter, so one-year summaries keep their bytes
            **({"years": list(s.planning_years), "spend_profile": list(s.spend_profile),
                "appropriations_usd": list(s.appropriations_usd) or [s.budget_usd],
                "time_discount_rate": s.time_discount_rate} if len(s.planning_years) > 1 else {}),
            # futures keys only where there are futures, so other summaries keep their bytes
            **({"futures": {f.name: {"probability": f.probability, **{k: list(x) if isinstance(x, tuple) else x
                                                                       for k, x in f.changes}}
                            for f in s.futures},
                "cvar_alpha": s.cvar_alpha, "cvar_weight": s.cvar_weight, "regret": s.regret} if s.futures else {}),
        }


def _name_word(key: str, value) -> str:
    if key == "budget_usd":
        return short_money(value)
    if key == "federal_share":
        return f"{value:g}"
    return str(value)


SHOWN_MAX = 200  # characters of a bad value repeated in a message


def _problem(file: str, key: str, value, expected: str) -> Problem:
    shown = None if value is None else str(value)
    if shown is not None and len(shown) > SHOWN_MAX:
        shown = shown[:SHOWN_MAX] + "..."
    return Problem(file, None, key, shown, expected, label="key")


def _number_problem(key: Key, value) -> str | None:
    """What was expected, if value is not a valid number for key."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "a number"
    if key.type == "int" and not isinstance(value, int):
        return "a whole number"
    if isinstance(value, int) and abs(value) >= 10**300:  # TOML integers may have hundreds of digits
        value = math.inf if value > 0 else -math.inf
    if math.isnan(value) or (math.isinf(value) and key.max is None):
        return "a finite number"
    if key.min is not None and value < key.min:
        return f"a number >= {key.min:g}"
    if key.max is not None and value > key.max:
        return f"a number <= {key.max:g}"
    return None


def _range_problem(key: Key, value) -> str | None:
    """What was expected, if value is not [low, high] with low <= high, both valid numbers."""
    if not (isinstance(value, list) and len(value) == 2):
        return "two numbers [low, high], e.g. [150, 1000]"
    for x in value:
        expected = _number_problem(key, x)
        if expected:
            return f"two numbers [low, high], each {expected}"
    if value[0] > value[1]:
        return "two numbers [low, high] with low <= high"
    return None


def _money_values(file: str, values: dict, problems: list[Problem]) -> None:
    """Budget keys written as text ("1.2B", "$600M") turned into dollars, in place."""
    for name in MONEY_KEYS:
        if isinstance(values.get(name), str):
            try:
                values[name] = parse_money(values[name])
            except ValueError as err:
                problems.append(_problem(file, name, values.pop(name), str(err)))
    amounts = values.get("appropriations_usd")
    if isinstance(amounts, list):
        bad = False
        for i, amount in enumerate(amounts):
            if isinstance(amount, str):
                try:
                    amounts[i] = parse_money(amount)
                except ValueError as err:
                    problems.append(_problem(file, f"appropriations_usd[{i}]", amount, str(err)))
                    bad = True
        if bad:  # reported entry by entry above
            values.pop("appropriations_usd")


PROFILE_SUM_TOLERANCE = 1e-9


def _years_problem(key: Key, value) -> str | None:
    """What was expected, if value is not a sorted list of distinct years or a "first:last" range."""
    ranged = isinstance(value, str)
    if ranged:
        parts = value.split(":")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            return 'a list of years or a range "first:last", e.g. "2026:2035"'
        value = [int(p) for p in parts]
        if value[0] > value[1]:
            return 'a range "first:last" with first <= last'
    elif not (isinstance(value, list) and value):
        return 'a list of years or a range "first:last", e.g. "2026:2035"'
    for x in value:
        expected = _number_problem(key, x)
        if expected:
            return f"years, each {expected}" if expected != "a number" else "years, each a whole number"
    if not ranged:
        repeated = sorted({x for x in value if value.count(x) > 1})
        if repeated:
            return f"each year once (repeated: {', '.join(map(str, repeated))})"
        if value != sorted(value):
            return f"years in increasing order ({', '.join(map(str, sorted(value)))})"
    return None


def _profile_problem(key: Key, value) -> str | None:
    """What was expected, if value is not a list of fractions summing to 1."""
    if not (isinstance(value, list) and value):
        return "a list of fractions per year summing to 1, e.g. [0.1, 0.6, 0.3]"
    for x in value:
        expected = _number_problem(key, x)
        if expected:
            return f"a list of fractions per year, each {expected}"
    total = math.fsum(value)
    if abs(total - 1.0) > PROFILE_SUM_TOLERANCE:
        return f"fractions summing to 1 (these sum to {total:g})"
    return None


def _money_list_problem(key: Key, value) -> str | None:
    if not (isinstance(value, list) and value):
        return 'a list of dollars per year, e.g. ["600M", "600M"]'
    for x in value:
        expected = _number_problem(key, x)
        if expected:
            return f"a list of dollars per year, each {expected}"
    return None


def _check_values(file: str, values: dict, problems: list[Problem]) -> None:
    spec = keys()
    for name, value in values.items():
        key = spec.get(name)
        if key is None:
            problems.append(_problem(file, name, None, "a known key" + did_you_mean(name, spec) + ": "
                                     + ", ".join(spec)))
            continue
        if key.type == "str" and not isinstance(value, str):
            problems.append(_problem(file, name, value, "text"))
        elif name == "name" and name_problem(value):
            problems.append(_problem(file, name, value, name_problem(value)))
        elif key.type == "enum" and value not in key.allowed:
            problems.append(_problem(file, name, value, "one of " + ", ".join(key.allowed)))
        elif key.type == "bool" and not isinstance(value, bool):
            problems.append(_problem(file, name, value, "true or false"))
        elif key.type in ("float", "int"):
            expected = _number_problem(key, value)
            if expected:
                problems.append(_problem(file, name, value, expected))
        elif key.type == "list" and not (isinstance(value, list) and all(isinstance(x, str) for x in value)):
            problems.append(_problem(file, name, value, "a list of ids, e.g. [\"bokan-mountain\"]"))
        elif key.type == "list" and key.allowed and any(x not in key.allowed for x in value):
            problems.append(_problem(file, name, value, "a list of: " + ", ".join(key.allowed)))
        elif key.type == "range":
            expected = _range_problem(key, value)
            if expected:
                problems.append(_problem(file, name, value, expected))
        elif key.type in ("years", "profile", "money_list"):
            check = {"years": _years_problem, "profile": _profile_problem, "money_list": _money_list_problem}
            expected = check[key.type](key, value)
            if expected:
                problems.append(_problem(file, name, value, expected))
        elif key.type == "futures":
            _check_futures(file, value, problems)
        elif key.type == "element_table":
            _check_table(file, key, value, problems, nested=False)
        elif key.type == "element_form_table":
            _check_table(file, key, value, problems, nested=True)


PROBABILITY_SUM_TOLERANCE = 1e-9
# scenario keys a future's value is checked like (the others: FUTURE_CHECKS)
FUTURE_AS_KEY = {"import_case": "import_case", "demand_case": "demand_case", "supply_case": "supply_case",
                 "exclude_feedstocks": "exclude_feedstocks", "failed_options": "exclude_feedstocks",
                 "import_case_year": "target_year", "capex_case": "capex_case", "capex_multiplier": "capex_multiplier"}


def _check_futures(file: str, value, problems: list[Problem]) -> None:
    """[futures.NAME] tables: a probability each, summing to 1; only keys a future may change."""
    if not isinstance(value, dict) or not value or not all(isinstance(t, dict) for t in value.values()):
        problems.append(_problem(file, "futures", value if not isinstance(value, dict) else None,
                                 "tables [futures.NAME] with a probability each, e.g. [futures.truce] probability = 0.7"))
        return
    spec = keys()
    allowed = ("probability", *FUTURE_KEYS)
    probabilities = []
    for name, table in value.items():
        where = f"futures.{name}"
        if name_problem(name):
            problems.append(_problem(file, where, name, "a future name: " + name_problem(name)))
        if "probability" not in table:
            problems.append(_problem(file, f"{where}.probability", None, "a probability between 0 and 1"))
        for key, x in table.items():
            here = f"{where}.{key}"
            if key == "probability":
                expected = _number_problem(Key(here, "float", "", 0.0, 1.0, (), ""), x)
                if expected:
                    problems.append(_problem(file, here, x, f"a probability: {expected}"))
                else:
                    probabilities.append(x)
            elif key in spec and key not in allowed:
                problems.append(_problem(file, here, x, f"a key a future may change ({key} is first-stage: the plan "
                                         "and its money are shared by every future): " + ", ".join(allowed)))
            elif key not in allowed:
                problems.append(_problem(file, here, None, "a key a future may change" + did_you_mean(key, allowed)
                                         + ": " + ", ".join(allowed)))
            else:
                inner: list[Problem] = []
                _check_values(file, {FUTURE_AS_KEY[key]: x}, inner)
                problems += [_problem(file, here, x, p.expected) for p in inner]
    total = math.fsum(probabilities)
    if len(probabilities) == len(value) and abs(total - 1.0) > PROBABILITY_SUM_TOLERANCE:
        shown = " + ".join(f"{p:g}" for p in probabilities) + f" = {total:.12g}"
        problems.append(_problem(file, "futures", shown, f"probabilities summing to 1 (within {PROBABILITY_SUM_TOLERANCE:g})"))


def _check_table(file: str, key: Key, value, problems: list[Problem], nested: bool) -> None:
    if not isinstance(value, dict):
        problems.append(_problem(file, key.name, value, "a table of element = value"))
        return
    for element, inner in value.items():
        where = f"{key.name}.{element}"
        if element not in MAGNET_ELEMENTS:
            problems.append(_problem(file, where, None, "an element: " + ", ".join(MAGNET_ELEMENTS)))
            continue
        items = inner.items() if nested and isinstance(inner, dict) else [(None, inner)]
        if nested and not isinstance(inner, dict):
            problems.append(_problem(file, where, inner, "a table of form = t/yr, e.g. {metal = 300}"))
            continue
        for form, number in items:
            here = where if form is None else f"{where}.{form}"
            if form is not None and form not in PRODUCT_FORMS:
                problems.append(_problem(file, here, None, "a form: " + ", ".join(PRODUCT_FORMS)))
                continue
            expected = _number_problem(Key(here, "float", "", key.min, key.max, (), ""), number)
            if expected:
                problems.append(_problem(file, here, number, expected))


def _resolve_path(ref: str, relative_to: Path | None) -> Path | None:
    candidates = []
    if relative_to is not None:
        candidates.append(relative_to / ref)
    candidates.append(Path(ref))
    shipped = shipped_scenarios()
    if ref in shipped:
        candidates.append(shipped[ref])
    if ref.endswith(".toml") and ref[:-5] in shipped:
        candidates.append(shipped[ref[:-5]])
    return next((c for c in candidates if c.is_file()), None)


def _read(path: Path, chain: tuple[Path, ...]) -> dict:
    """Read one file and what it extends; values checked; paths made absolute."""
    file = str(path)
    try:
        # utf-8-sig: a byte-order mark (Notepad, Excel) is not part of the TOML
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as err:
        raise InputError(Problem(file, None, None, None, f"valid TOML ({err})")) from None
    except RecursionError:
        raise InputError(Problem(file, None, None, None, "TOML nested at most a few levels deep")) from None
    except UnicodeDecodeError as err:
        raise InputError(Problem(file, None, None, None, f"a UTF-8 text file ({err.reason} at byte {err.start})")) from None
    except OSError as err:
        raise InputError(Problem(file, None, None, None, f"a readable scenario file ({err.strerror or err})")) from None
    problems: list[Problem] = []
    _money_values(file, data, problems)
    _check_values(file, data, problems)
    if problems:
        raise InputError(problems)
    if "catalog" in data:
        catalog = (path.parent / data["catalog"]).resolve()
        if not catalog.is_dir():
            raise InputError(_problem(file, "catalog", data["catalog"], f"an existing catalog folder ({catalog})"))
        data["catalog"] = str(catalog)
    base: dict = {}
    if "extends" in data:
        parent = _resolve_path(data.pop("extends"), path.parent)
        if parent is None:
            raise InputError(_problem(file, "extends", data.get("extends"), "a scenario file or shipped scenario name"))
        if parent.resolve() in chain:
            raise InputError(_problem(file, "extends", str(parent), "no cycle of extends"))
        base = _read(parent, chain + (parent.resolve(),))
        base.pop("name", None)
        base.pop("description", None)
    merged = {**base, **data}
    for table in TABLE_KEYS:  # tables merge entry by entry, so a child can change one element
        if table in base and table in data:
            merged[table] = {**base[table], **data[table]}
    return merged


def load_scenario(ref: str | Path | None = None) -> Scenario:
    """Load a scenario file, or a shipped scenario by name; None is the baseline."""
    ref = "baseline" if ref is None else str(ref)
    path = _resolve_path(ref, None)
    if path is None:
        shipped = shipped_scenarios()
        raise InputError(Problem(ref, None, None, None, "a scenario file or one of the shipped scenarios"
                                 + did_you_mean(ref.removesuffix(".toml"), shipped) + ": " + ", ".join(shipped)))
    values = _read(path, (path.resolve(),))
    return Scenario(values.get("name", path.stem), path, values)


def check_against_catalog(scenario: Scenario, catalog: Catalog) -> None:
    """Ids a scenario names must exist in the catalog it runs on."""
    file = str(scenario.path) if scenario.path else scenario.name
    v = scenario.values
    problems: list[Problem] = []
    known = {
        "exclude_sites": set(catalog.sites["site_id"]),
        "exclude_technologies": set(catalog.technologies["technology_id"]),
        "exclude_feedstocks": set(catalog.feedstocks["feedstock_id"]),
    }
    for key, ids in known.items():
        for x in v.get(key, []):
            if x not in ids:
                problems.append(_problem(file, key, x, "an id from the catalog" + did_you_mean(x, sorted(ids))
                                         + f" ({', '.join(sorted(ids))})"))
    given = dict(scenario.overrides)
    def source(key: str) -> str:
        return "command line" if key in given else file

    cases = sorted(set(catalog.imports["case"]))
    if scenario.value("import_case") not in cases:
        problems.append(_problem(source("import_case"), "import_case", scenario.value("import_case"), "an import case of the catalog"
                                 + did_you_mean(scenario.value("import_case"), cases) + ": " + ", ".join(cases)))
    years = sorted(set(catalog.demand["target_year"]))
    if scenario.value("target_year") not in years and not v.get("demand_t"):
        problems.append(_problem(source("target_year"), "target_year", scenario.value("target_year"),
                                 "a year the catalog has demand for: " + ", ".join(map(str, years))))
    if scenario.value("min_value_per_musd") > 0 and scenario.value("objective") != "max_weighted_supply":
        problems.append(_problem(file, "min_value_per_musd", v["min_value_per_musd"],
                                 "0 unless objective is max_weighted_supply (the floor is in weighted t/yr per $1M)"))
    if scenario.value("decision_year") > scenario.value("target_year"):
        problems.append(_problem(file, "decision_year", scenario.value("decision_year"), "a year <= target_year"))
    problems += _year_problems(scenario, catalog, file, source)
    problems += _future_problems(scenario, catalog, file, cases)
    if problems:
        raise InputError(problems)


def _year_problems(scenario: Scenario, catalog: Catalog, file: str, source) -> list[Problem]:
    """Years within the horizon: from decision_year to the catalog's last demand year (later
    demand is not sourced), with target_year among them; spend and appropriation profiles no
    longer than the horizon, decision_year to the last year planned."""
    problems: list[Problem] = []
    settings = scenario.settings()
    years, decision = settings.planning_years, settings.decision_year
    last_demand = int(catalog.demand["target_year"].max())
    if "years" in scenario.values:
        early = [y for y in years if y < decision]
        late = [y for y in years if y > last_demand] if not scenario.values.get("demand_t") else []
        if early:
            problems.append(_problem(file, "years", ", ".join(map(str, early)),
                                     f"years >= decision_year ({decision}): money is committed from then"))
        if late:
            problems.append(_problem(file, "years", ", ".join(map(str, late)),
                                     f"years <= {last_demand}, the catalog's last demand year (later demand is not sourced)"))
        if settings.target_year not in years:
            problems.append(_problem(source("target_year"), "target_year", settings.target_year,
                                     "one of years (" + ", ".join(map(str, years)) + "): the year the one-year tables report"))
    horizon = max(years) - decision + 1
    span = f"{horizon} year{'s' if horizon != 1 else ''}, {decision} to {max(years)}"
    for key, value in (("spend_profile", settings.spend_profile), ("appropriations_usd", settings.appropriations_usd)):
        if key in scenario.values and len(value) > horizon:
            problems.append(_problem(file, key, list(value), f"at most one entry per year of the horizon ({span})"))
    return problems


def _future_problems(scenario: Scenario, catalog: Catalog, file: str, cases: list[str]) -> list[Problem]:
    """Ids and cases a future names exist in the catalog; the risk term needs futures."""
    problems: list[Problem] = []
    futures = scenario.values.get("futures", {})
    for key in ("cvar_alpha", "cvar_weight"):
        if key in scenario.values and not futures and scenario.values[key] > 0:
            problems.append(_problem(file, key, scenario.values[key], "0 unless the scenario declares [futures]"))
    if futures and scenario.value("cvar_weight") > 0 and scenario.value("objective") != "max_weighted_supply":
        problems.append(_problem(file, "cvar_weight", scenario.value("cvar_weight"),
                                 "0 unless objective is max_weighted_supply (the risk term is on weighted supply)"))
    if len(futures) > 1 and scenario.value("shipping_k_nearest") > 0:  # pricing reads one future's balance rows
        problems.append(_problem(file, "shipping_k_nearest", scenario.value("shipping_k_nearest"),
                                 "0 (every link) when the scenario declares more than one future"))
    if scenario.values.get("regret") and not futures:
        problems.append(_problem(file, "regret", True, "false unless the scenario declares [futures]"))
    if futures and scenario.value("regret") and scenario.value("objective") not in ("max_weighted_supply", "min_cost"):
        problems.append(_problem(file, "regret", True, "false unless objective is max_weighted_supply or min_cost "
                                 "(regret is a shortfall in weighted supply or cost)"))
    known = {"exclude_feedstocks": sorted(catalog.feedstocks["feedstock_id"]),
             "failed_options": sorted(catalog.feed_options["option_id"])}
    for name, table in futures.items():
        if table.get("import_case", cases[0] if cases else None) not in cases:
            x = table["import_case"]
            problems.append(_problem(file, f"futures.{name}.import_case", x, "an import case of the catalog"
                                     + did_you_mean(x, cases) + ": " + ", ".join(cases)))
        for key, ids in known.items():
            for x in table.get(key, []):
                if x not in ids:
                    problems.append(_problem(file, f"futures.{name}.{key}", x, "an id from the catalog"
                                             + did_you_mean(x, ids) + f" ({', '.join(ids)})"))
        if table.get("failed_options") and not scenario.value("feed_options"):
            problems.append(_problem(file, f"futures.{name}.failed_options", table["failed_options"],
                                     "no failed options unless feed_options = true"))
    return problems
