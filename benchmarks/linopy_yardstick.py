"""The portfolio LP written a second time, in linopy: a yardstick for build cost only.

    build_linopy(inputs, objective) -> YardstickModel    (inputs: models.prepare's ModelInputs)

Why it exists: the model's build is to be "within 2x linopy's for the same model in the same
run" (benchmarks/bench_scale.py reports the ratio). Comparing build times means little unless
both sides build the same LP, so this module builds, with linopy's array API (variables and
rows indexed by xarray dimensions, rows gathered with groupby-sum), the LP build_model builds
for bench_scale's configuration: one planning year, one future, no proposals, no feed
options, continuous plant sizes, objective max_weighted_supply (its first stage:
weighted_supply, or net_weighted_supply under a value floor). Every column and row of the PuLP
model is here; the later stages' objectives are not (they change costs, not the matrix).
Anything else raises NotImplementedError naming the setting.

The product never uses it: the formulation is written once, in PuLP (models/families.py).
tests/test_linopy_yardstick.py keeps this copy the same model: the same first-stage optimum
and the same numbers of columns, rows and nonzeros in HiGHS.

The index sets are the PuLP build's: the same links and deliveries are pruned by the
project's own functions (models.shipping.nearest_first, nearest_deliveries), with the pool
of families._pool where links wait to be priced, and the same parameters are read from
ModelInputs (yields as families._yields defines them).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd
import xarray as xr

from models import shipping
from models.families import UNBOUNDED, USD_PER_MUSD
from models.formulation import paused_gc
from models.inputs import ModelInputs
from sites.sets import ELEMENTS, PRODUCT_FORMS

SUPPORTED_OBJECTIVE = "max_weighted_supply"


@dataclass
class YardstickModel:
    """The linopy model and the sizes of its index sets (for reports and the test)."""

    model: object  # linopy.Model
    first_stage: str  # the objective set on it: weighted_supply or net_weighted_supply
    sizes: dict[str, int]
    index_s: float = 0.0  # wall seconds spent on the index sets (pandas and the project's pruning)


def check_scope(inputs: ModelInputs, objective: str) -> None:
    """NotImplementedError, naming the scenario key, for what the yardstick does not build."""
    out_of_scope = [
        ("objective", objective != SUPPORTED_OBJECTIVE),
        ("years (more than one planned year)", inputs.multi_year),
        ("futures", bool(inputs.futures)),
        ("projects (proposals)", not inputs.projects.empty),
        ("feed_options", inputs.options is not None and not inputs.options.empty),
        ("min_plant_size / plant_size_range_tpa (discrete sizes)", inputs.discrete_sizes),
    ]
    for key, outside in out_of_scope:
        if outside:
            raise NotImplementedError(f"linopy yardstick: {key} is outside its scope (one year, one future, "
                                      f"no proposals or feed options, continuous sizes, {SUPPORTED_OBJECTIVE})")


def build_linopy(inputs: ModelInputs, objective: str = SUPPORTED_OBJECTIVE, sparse: bool = False) -> YardstickModel:
    """The first stage of build_model(inputs, objective) as a linopy.Model (see the module's
    docstring for the scope). sparse: linopy's CSR-backed build (Model(sparse=True), under
    its v1 semantics) instead of the default dense one."""
    import linopy

    check_scope(inputs, objective)
    year = inputs.years[0]
    weight = inputs.timeline.weight[year] * inputs.future_list[0].probability
    # the cycle collector paused as build_model pauses it: the pruning both call makes many objects
    with paused_gc(), linopy.options as options:  # the semantics setting is restored on the way out
        if sparse:  # the CSR-backed build needs linopy's v1 semantics
            options(semantics="v1")
        m = linopy.Model(sparse=sparse)
        start = time.perf_counter()
        sets = _index_sets(inputs, year)
        index_s = time.perf_counter() - start
        rows = _Rows(m)
        first_stage = _variables_and_rows(m, rows, inputs, sets, year, weight)
        rows.add()
    sizes = {name: len(frame) for name, frame in sets.items() if isinstance(frame, pd.DataFrame)}
    return YardstickModel(model=m, first_stage=first_stage, sizes=sizes, index_s=index_s)


def to_highspy(built: YardstickModel):
    """linopy's own hand-off of the model to a new highspy.Highs (Model.to_highspy), quiet."""
    highs = built.model.to_highspy()
    highs.setOptionValue("output_flag", False)
    return highs


def warm_up() -> None:
    """Build and hand off a three-column model in both modes: linopy's and xarray's lazy
    imports and first-call set-up are paid here, once per process, not in a timed build."""
    import linopy

    for sparse in (False, True):
        with linopy.options as options:
            if sparse:
                options(semantics="v1")
            m = linopy.Model(sparse=sparse)
            rows = _Rows(m)
            x = m.add_variables(lower=0, upper=xr.DataArray([1.0, 2.0, 3.0], coords=[pd.RangeIndex(3, name="x")]),
                                name="x")
            rows.declare("r", "<=", [2.0, 1.0])
            rows.gather("r", x, "x", [0, 1, 2], [1.0, 1.0, -1.0], [0, 0, 1])
            rows.gather("r", x, "x", [2], [1.0], [0])
            rows.add()
            m.add_objective((xr.DataArray([1.0, 1.0, 1.0], dims="x") * x).sum(), sense="max")
            m.to_highspy()


# ---------------------------------------------------------------- index sets (pandas)

def _index_sets(inputs: ModelInputs, year: int) -> dict:
    """Plants, throughput columns, links, deliveries, and the balance entries of each, as the
    PuLP build has them (build_plants, build_feeds, build_shipments)."""
    plants = inputs.plants.reset_index(drop=True)
    plants["plant"] = np.arange(len(plants))
    routes = inputs.routes
    yields = _yield_table(inputs, plants)
    # where plants put a form out (output form and routed forms), and the links from there
    produced = yields[["plant", "form"]].drop_duplicates().merge(plants[["plant", "site_id"]], on="plant")
    produced = set(zip(produced["site_id"], produced["form"])) | set(zip(plants["site_id"], plants["output_form"]))
    arcs = inputs.arcs
    arcs = arcs[pd.MultiIndex.from_arrays([arcs["from_site"], arcs["form"]]).isin(list(produced))]
    intermediate_at = produced | set(zip(arcs["to_site"], arcs["form"]))
    kept_arcs, waiting_arcs = shipping.nearest_first(arcs, inputs.shipping_k_nearest)
    links = pd.DataFrame(kept_arcs, columns=list(arcs.columns)) if kept_arcs else arcs.iloc[:0]
    combos = pd.DataFrame([(e, o) for e in ELEMENTS for o in inputs.origins], columns=["element", "origin"])

    # throughput x_{p,e,o}: plants whose input form can be held at their site
    drawing = plants[[(s, f) in intermediate_at for s, f in zip(plants["site_id"], plants["input_form"])]]
    proc = drawing[["plant", "site_id", "input_form", "opex_usd_per_t"]].merge(combos, how="cross")
    proc["proc"] = np.arange(len(proc))
    proc_out = proc.merge(yields, on=["plant", "element"])
    proc_out["coef"] = _yield_coef(proc_out, np.full(len(proc_out), inputs.heavy_other_mixed))

    ship = links.reset_index(drop=True).rename_axis("link").reset_index().merge(combos, how="cross")
    ship["ship"] = np.arange(len(ship))
    # with links left to pricing, the pool (families._pool): every sender into it, every taker out
    ends = [arcs[["from_site", "form"]].set_axis(["site_id", "form"], axis=1).assign(direction="in", sign=-1.0),
            arcs[["to_site", "form"]].set_axis(["site_id", "form"], axis=1).assign(direction="out", sign=1.0)]
    pool = pd.concat(ends).drop_duplicates().merge(combos, how="cross") if waiting_arcs else pd.DataFrame(
        columns=["site_id", "form", "direction", "sign", "element", "origin"])
    pool = pool.reset_index(drop=True)
    pool["pool"] = np.arange(len(pool))
    pool_row = pool[["form", "element", "origin"]].drop_duplicates().reset_index(drop=True)
    pool_row["pool_row"] = np.arange(len(pool_row))
    pool = pool.merge(pool_row, on=["form", "element", "origin"])

    balance_keys = [proc[["site_id", "input_form", "element", "origin"]].set_axis(BALANCE, axis=1),
                    proc_out[["site_id", "form", "element", "origin"]].set_axis(BALANCE, axis=1)]
    feedin, feedin_out = _deliveries(inputs, plants, yields, links, pd.concat(balance_keys), year)
    balance_keys += [feedin_out[BALANCE],
                     ship[["from_site", "form", "element", "origin"]].set_axis(BALANCE, axis=1),
                     ship[["to_site", "form", "element", "origin"]].set_axis(BALANCE, axis=1),
                     pool[BALANCE]]
    balance = pd.concat(balance_keys).drop_duplicates().sort_values(BALANCE).reset_index(drop=True)
    balance["balance"] = np.arange(len(balance))
    routed = {form for form, _ in routes.values()} - set(PRODUCT_FORMS)
    deliver = balance[balance["form"].isin(PRODUCT_FORMS)].reset_index(drop=True)
    stock = balance[balance["form"].isin(routed)].reset_index(drop=True)
    demand = pd.DataFrame([(e, f, t) for (e, f), t in inputs.timeline.demand_t[year].items()],
                          columns=["element", "form", "demand_t"])
    demand["imports_t"] = [inputs.timeline.imports_t[year][(e, f)] for e, f in zip(demand["element"], demand["form"])]
    return {"plants": plants, "proc": proc, "proc_out": proc_out, "ship": ship, "feeds": inputs.feeds,
            "feedin": feedin, "feedin_out": feedin_out, "balance": balance, "deliver": deliver, "stock": stock,
            "demand": demand, "pool": pool, "pool_rows": len(pool_row)}


BALANCE = ["site_id", "form", "element", "origin"]  # a balance row's key (Terms.balance, less the year)


def _yield_table(inputs: ModelInputs, plants: pd.DataFrame) -> pd.DataFrame:
    """(plant, element, form, base, heavy) per output of families._yields: t out per t in is
    base, times h (heavy = 1: SEG+ share routed), (1 - h) (heavy = 2: the rest of other), or 1."""
    rows = []
    for tech in plants["technology_id"].unique():  # a handful of technologies x elements
        for e in ELEMENTS:
            rec = inputs.recovery[(tech, e)]
            route = inputs.routes.get((tech, e))
            if route is None:
                rows.append((tech, e, None, rec, 0))
            elif e != "other":
                rows.append((tech, e, route[0], route[1], 0))
            else:
                rows += [(tech, e, route[0], route[1], 1), (tech, e, None, rec, 2)]
    table = pd.DataFrame(rows, columns=["technology_id", "element", "form", "base", "heavy"])
    table = plants[["plant", "technology_id", "output_form"]].merge(table, on="technology_id")
    table["form"] = table["form"].fillna(table["output_form"])
    return table[["plant", "element", "form", "base", "heavy"]]


def _yield_coef(frame: pd.DataFrame, h: np.ndarray) -> np.ndarray:
    """Each output's t per t in, computed as families._yields does (h x routed, (1 - h) x rec)."""
    heavy = frame["heavy"].to_numpy()
    base = frame["base"].to_numpy()
    return np.where(heavy == 1, h * base, np.where(heavy == 2, (1.0 - h) * base, base))


def _deliveries(inputs: ModelInputs, plants: pd.DataFrame, yields: pd.DataFrame, links: pd.DataFrame,
                held: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw-feed deliveries q_{k,p} (build_feeds' offers: plants taking the feed's form that the
    ownership rules allow, at the feed's site or along a link), pruned by nearest_deliveries;
    and their balance entries (the feed's split x the plant's yields)."""
    feeds = inputs.feeds.reset_index(drop=True)
    feeds["feed"] = np.arange(len(feeds))
    pairs = feeds[["feed", "feedstock_id", "site_id", "form", "captive", "owner"]].merge(
        plants[["plant", "site_id", "technology_id", "input_form", "owner", "toll_processing", "opex_usd_per_t"]],
        left_on="form", right_on="input_form", suffixes=("", "_plant"))
    allowed = ~(pairs["captive"].astype(bool) & (pairs["owner_plant"] != pairs["owner"])) & (
        pairs["toll_processing"].astype(bool) | (pairs["owner_plant"] == pairs["owner"]))
    pairs = pairs[allowed.to_numpy()]
    raw = inputs.arcs[inputs.arcs["form"].isin(set(feeds["form"]))]
    pairs = pairs.merge(raw[["from_site", "to_site", "form", "usd_per_t"]], how="left",
                        left_on=["site_id", "site_id_plant", "form"], right_on=["from_site", "to_site", "form"])
    pairs.loc[pairs["site_id"] == pairs["site_id_plant"], "usd_per_t"] = 0.0
    pairs = pairs[pairs["usd_per_t"].notna()].sort_values(["feed", "plant"], kind="mergesort")
    if inputs.shipping_k_nearest > 0:
        pairs = _nearest(inputs, plants, feeds, pairs, links, held, year)
    feedin = pairs[["feed", "plant", "usd_per_t", "opex_usd_per_t"]].reset_index(drop=True)
    feedin["feedin"] = np.arange(len(feedin))
    shares = feeds.melt(id_vars=["feed", "origin_class", "heavy_other_fraction"],
                        value_vars=[f"share_{e.lower()}" for e in ELEMENTS], var_name="element", value_name="share")
    shares["element"] = shares["element"].map({f"share_{e.lower()}": e for e in ELEMENTS})
    shares = shares[shares["share"] != 0]  # delivery_column: only elements the feed holds
    out = feedin[["feedin", "feed", "plant"]].merge(shares, on="feed").merge(yields, on=["plant", "element"])
    out = out.merge(plants[["plant", "site_id"]], on="plant").rename(columns={"origin_class": "origin"})
    out["coef"] = out["share"].to_numpy() * _yield_coef(out, out["heavy_other_fraction"].to_numpy())
    return feedin, out


def _nearest(inputs, plants, feeds, pairs, links, held, year) -> pd.DataFrame:
    """The deliveries nearest_deliveries keeps, from the offers in build_feeds' form."""
    feed_rows = list(feeds.itertuples(index=False))
    plant_rows = list(plants.itertuples(index=False))
    offered = {f: list(zip(group["plant"], group["usd_per_t"])) for f, group in pairs.groupby("feed", sort=True)}
    offers = [(f, [(plant_rows[p], usd, 0) for p, usd in offered.get(n, [])]) for n, f in enumerate(feed_rows)]
    # nearest_deliveries reads the built links and the balance rows the plants already hold
    terms = SimpleNamespace(intermediate_arcs=list(links.itertuples(index=False)),
                            balance={(*key, year): None for key in held.itertuples(index=False, name=None)})
    kept, _ = shipping.nearest_deliveries(SimpleNamespace(inputs=inputs), terms, offers, inputs.shipping_k_nearest)
    chosen = {(f.feed, p.plant) for f, offered in kept for p, _, _ in offered}
    return pairs[[key in chosen for key in zip(pairs["feed"], pairs["plant"])]]


# ---------------------------------------------------------------- linopy

class _Rows:
    """Each row family's terms from every variable family, gathered (groupby-sum over the
    row's position) and added as one constraint per family at the end."""

    def __init__(self, m):
        self.m, self.terms, self.rhs = m, {}, {}

    def declare(self, name: str, sign: str, rhs) -> None:
        self.rhs[name] = (sign, xr.DataArray(np.asarray(rhs, dtype=float), coords=[pd.RangeIndex(len(rhs), name=name)]))
        self.terms[name] = []

    def gather(self, name: str, var, dim: str, positions, coefs, rows) -> None:
        """Σ coef x var[position] into row `rows` of family name (arrays of the same length)."""
        positions, coefs, rows = (np.asarray(a) for a in (positions, coefs, rows))
        if not len(positions):
            return
        entry = var.isel({dim: xr.DataArray(positions, dims="entry")})
        expr = xr.DataArray(coefs.astype(float), dims="entry") * entry
        self.terms[name].append(expr.groupby(xr.DataArray(rows, dims="entry", name=name)).sum())

    def add(self) -> None:
        import linopy

        for name, (sign, rhs) in self.rhs.items():
            terms = self.terms[name]
            # the families' grouped sums over the union of their rows (a row no family enters
            # has no terms: linopy leaves it out, as HiGHS would hold it empty)
            lhs = linopy.merge(terms, join="outer") if len(terms) > 1 else terms[0]
            self.m.add_constraints(lhs, sign, rhs.sel({name: lhs.indexes[name]}), name=name)


def _variables_and_rows(m, rows: _Rows, inputs: ModelInputs, sets: dict, year: int, weight: float) -> str:
    """Every column and row of the PuLP model's first stage; returns the objective's name."""
    import linopy

    timeline = inputs.timeline
    plants, proc, proc_out, ship = sets["plants"], sets["proc"], sets["proc_out"], sets["ship"]
    feeds, feedin, feedin_out = sets["feeds"], sets["feedin"], sets["feedin_out"]
    balance, deliver, stock, demand = sets["balance"], sets["deliver"], sets["stock"], sets["demand"]

    def column(name, n, upper=np.inf):
        return m.add_variables(lower=0, upper=xr.DataArray(np.broadcast_to(np.asarray(upper, dtype=float), (n,)),
                                                            coords=[pd.RangeIndex(n, name=name)]), name=name)

    def balance_row(frame: pd.DataFrame, key_columns=BALANCE) -> np.ndarray:
        keys = frame[key_columns].set_axis(BALANCE, axis=1)
        return keys.merge(balance, on=BALANCE, how="left")["balance"].to_numpy()

    buildable = plants[plants["buildable"].astype(bool)]
    keys = list(zip(buildable["site_id"], buildable["technology_id"]))
    new = column("new", len(buildable), buildable["max_new_tpa"].to_numpy())
    share = [timeline.new_share[(*key, timeline.build_years[key][0], year)] for key in keys]
    budget_musd = inputs.federal_share * buildable["capex_usd_per_tpa"].to_numpy() / USD_PER_MUSD
    proc_x = column("proc", len(proc))
    feed_use = column("feed", len(feeds), [timeline.supply_tpa[(k, year)] for k in feeds["feedstock_id"]])
    q = column("feedin", len(feedin))
    s = column("ship", len(ship))
    d = column("deliver", len(deliver))
    k = column("stock", len(stock))
    c = column("credited", len(demand))
    imports = column("imports", len(demand), demand["imports_t"].to_numpy())
    unmet = column("unmet", len(demand))

    existing = [timeline.existing_available_tpa[(site, tech, year)]
                for site, tech in zip(plants["site_id"], plants["technology_id"])]
    rows.declare("capacity_limit", "<=", existing)
    rows.gather("capacity_limit", new, "new", np.arange(len(buildable)), -np.asarray(share), buildable["plant"])
    rows.gather("capacity_limit", proc_x, "proc", proc["proc"], np.ones(len(proc)), proc["plant"])
    rows.gather("capacity_limit", q, "feedin", feedin["feedin"], np.ones(len(feedin)), feedin["plant"])

    rows.declare("feed_dispatch", "=", np.zeros(len(feeds)))
    rows.gather("feed_dispatch", feed_use, "feed", np.arange(len(feeds)), np.ones(len(feeds)), np.arange(len(feeds)))
    rows.gather("feed_dispatch", q, "feedin", feedin["feedin"], -np.ones(len(feedin)), feedin["feed"])

    rows.declare("balance", "=", np.zeros(len(balance)))
    rows.gather("balance", proc_x, "proc", proc["proc"], -np.ones(len(proc)),
                balance_row(proc, ["site_id", "input_form", "element", "origin"]))
    rows.gather("balance", proc_x, "proc", proc_out["proc"], proc_out["coef"], balance_row(proc_out))
    rows.gather("balance", q, "feedin", feedin_out["feedin"], feedin_out["coef"], balance_row(feedin_out))
    rows.gather("balance", s, "ship", ship["ship"], -np.ones(len(ship)),
                balance_row(ship, ["from_site", "form", "element", "origin"]))
    rows.gather("balance", s, "ship", ship["ship"], np.ones(len(ship)),
                balance_row(ship, ["to_site", "form", "element", "origin"]))
    rows.gather("balance", d, "deliver", np.arange(len(deliver)), -np.ones(len(deliver)), deliver["balance"])
    rows.gather("balance", k, "stock", np.arange(len(stock)), -np.ones(len(stock)), stock["balance"])
    pool = sets["pool"]
    if len(pool):  # the pool's legs cost nothing in the first stage (the dearest link in the cost stage)
        legs = column("pool", len(pool))
        rows.gather("balance", legs, "pool", pool["pool"], pool["sign"].to_numpy(float), balance_row(pool))
        rows.declare("pool_row", "=", np.zeros(sets["pool_rows"]))
        rows.gather("pool_row", legs, "pool", pool["pool"], -pool["sign"].to_numpy(float), pool["pool_row"])

    # credited c_{e,f} within what is delivered of (e, f); demand met by c, imports and unmet
    rows.declare("credit_limit", "<=", np.zeros(len(demand)))
    rows.gather("credit_limit", c, "credited", np.arange(len(demand)), np.ones(len(demand)), np.arange(len(demand)))
    credited_row = deliver[["element", "form"]].merge(demand[["element", "form"]].reset_index(), how="left")["index"]
    counted = credited_row.notna().to_numpy()
    rows.gather("credit_limit", d, "deliver", np.flatnonzero(counted), -np.ones(counted.sum()),
                credited_row[counted].astype(int))
    rows.declare("demand_balance", "=", demand["demand_t"].to_numpy())
    for var, dim in ((c, "credited"), (imports, "imports"), (unmet, "unmet")):
        rows.gather("demand_balance", var, dim, np.arange(len(demand)), np.ones(len(demand)), np.arange(len(demand)))

    budget = (xr.DataArray(budget_musd, dims="new") * new).sum()
    m.add_constraints(budget <= inputs.budget_usd / USD_PER_MUSD, name="budget")

    # the first stage: weighted supply (less the value floor's charge per federal $M); the
    # floor row that later stages hold it with starts unbounded, as in build_floors
    weights = demand["element"].map(inputs.weights).to_numpy() * weight
    objective = (xr.DataArray(weights, dims="credited") * c).sum()
    name = "weighted_supply"
    if inputs.min_value_per_musd > 0:
        name = "net_weighted_supply"
        charge = (xr.DataArray(-inputs.min_value_per_musd * budget_musd, dims="new") * new).sum()
        objective = linopy.merge([objective, charge])
    m.add_constraints(objective >= -UNBOUNDED, name="floor")
    m.add_objective(objective, sense="max")
    return name
