"""Run the samples: cut into fixed chunks, solve each chunk on one live model, on one of
three executors (serial, a local process pool, or Dask), and put the rows in sample order.

Chunks are fixed runs of CHUNK_SAMPLES consecutive samples, whatever the executor and the
worker count, and each chunk builds its own model and solves its samples in order: every
sample is solved from the same warm start on any executor, so a seed gives the same bytes.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import re
import secrets
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass

import numpy as np

from models.settings import ModelSettings
from planner.montecarlo.ranges import PlantCapex, Range
from sites import Catalog
from sites.errors import InputError, Problem

CHUNK_SAMPLES = 25  # samples per model build: its cold solve is paid once per 25 warm ones
EXECUTOR_EXPECTED = ("local (a process pool on this machine), dask (a Dask LocalCluster on this machine) or "
                     "dask://HOST:PORT (a running Dask scheduler, e.g. dask://10.0.0.5:8786)")
DASK_MISSING = "the dask extra installed: pip install 'ree-planner[dask]' (dask and distributed)"
_ADDRESS = re.compile(r"^dask://(?P<host>[A-Za-z0-9._-]+|\[[0-9A-Fa-f:]+\]):(?P<port>[0-9]{1,5})$")


@dataclass(frozen=True)
class Executor:
    kind: str  # "local" or "dask"
    address: str | None = None  # tcp://HOST:PORT of a running scheduler; None: start a LocalCluster
    processes: bool = True  # a LocalCluster's workers are processes (False: threads, e.g. in tests)

    def describe(self) -> str:
        return "local process pool" if self.kind == "local" else (
            f"Dask scheduler {self.address}" if self.address else "Dask LocalCluster")


def parse_executor(text: str) -> Executor:
    """local, dask or dask://HOST:PORT; anything else is refused (exit 2)."""
    if text == "local":
        return Executor("local")
    if text == "dask":
        return Executor("dask")
    match = _ADDRESS.match(text)
    if match is None or not 1 <= int(match["port"]) <= 65535:
        raise InputError(Problem("--executor", None, None, text, EXECUTOR_EXPECTED))
    return Executor("dask", f"tcp://{match['host']}:{int(match['port'])}")


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class Chunk:
    first: int  # 0-based index of its first sample; sample ids are first + 1, ...
    quantiles: np.ndarray  # rows of the Latin hypercube for these samples


def chunks(quantiles: np.ndarray) -> list[Chunk]:
    return [Chunk(i, quantiles[i:i + CHUNK_SAMPLES]) for i in range(0, len(quantiles), CHUNK_SAMPLES)]


def solve_chunk(catalog: Catalog, settings: ModelSettings, ranges: list[Range], plants: list[PlantCapex],
                chunk: Chunk, tick=None) -> list[dict]:
    """Build the model once, then solve the chunk's samples in order, warm; tick() after each
    sample (in this process only: workers report whole chunks)."""
    from planner.montecarlo.live import LiveModel

    live = LiveModel(catalog, settings, ranges, plants)
    out = []
    for i, q in enumerate(chunk.quantiles):
        values = live.apply(q)
        out.append(live.solve_sample(chunk.first + i + 1, values))
        if tick is not None:
            tick()
    return out


def default_workers(n_chunks: int) -> int:
    return max(1, min(os.cpu_count() or 1, n_chunks))


def run_samples(catalog: Catalog, settings: ModelSettings, ranges: list[Range], plants: list[PlantCapex],
                quantiles: np.ndarray, executor: Executor, workers: int | None = None, progress=None) -> tuple[list[dict], int]:
    """Every sample's result in sample order, and the number of workers used."""
    parts = chunks(quantiles)
    workers = workers or default_workers(len(parts))
    args = (catalog, settings, ranges, plants)
    if executor.kind == "dask":
        solved, workers = _on_dask(args, parts, executor, workers, progress)
    elif workers == 1 or len(parts) == 1:
        solved = []
        for part in parts:
            solved.extend(solve_chunk(*args, part, tick=None if progress is None else progress.advance))
    else:
        solved = _on_pool(args, parts, workers, progress)
    return sorted(solved, key=lambda s: s["row"]["sample_id"]), workers


def _advance(progress, n: int) -> None:
    if progress is not None:
        progress.advance(n)


def _on_pool(args: tuple, parts: list[Chunk], workers: int, progress) -> list[dict]:
    # forkserver: each worker starts from a clean process, not a fork of one that may hold solver threads
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["planner.montecarlo.live"])
    solved: list[dict] = []
    with ProcessPoolExecutor(max_workers=min(workers, len(parts)), mp_context=context) as pool:
        pending = {pool.submit(solve_chunk, *args, part): part for part in parts}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                solved.extend(future.result())  # re-raises a worker's error here
                _advance(progress, len(pending.pop(future).quantiles))
    return solved


def _on_dask(args: tuple, parts: list[Chunk], executor: Executor, workers: int, progress) -> tuple[list[dict], int]:
    """The rows, and the number of Dask workers that were there (a running scheduler has its own)."""
    from distributed import Client, LocalCluster, as_completed

    if executor.address is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=executor.processes,
                               dashboard_address=None, silence_logs=logging.ERROR)
    else:
        cluster = None
    try:
        with Client(cluster if cluster is not None else executor.address) as client:
            catalog, *rest = args
            shared = client.scatter(catalog, broadcast=True)  # sent once per worker, not once per chunk
            run = secrets.token_hex(4)  # chunk keys unique on a shared scheduler
            futures = [client.submit(solve_chunk, shared, *rest, part, pure=False, key=f"montecarlo-{run}-{part.first}")
                       for part in parts]
            sizes = {f.key: len(p.quantiles) for f, p in zip(futures, parts)}
            solved: list[dict] = []
            for future in as_completed(futures):
                solved.extend(future.result())
                _advance(progress, sizes[future.key])
                future.release()
            return solved, len(client.scheduler_info().get("workers", {})) or workers
    finally:
        if cluster is not None:
            cluster.close()
