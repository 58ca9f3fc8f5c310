"""Shared pieces of the synthetic generator: configuration, seeds, vectorised draws and small
formulas (Gini, FGT) used by every artefact module."""
from __future__ import annotations

import numpy as np
import yaml

from analysis import paths
from analysis.codes import education_codes, education_groups


COMPONENTS = ("population", "registry", "susenas_2023", "susenas_2024", "sakernas_2023",
              "sakernas_2024", "dirt", "disnaker")
DEFAULT_CONFIG = paths.CONFIG_DIR / "synth-demo.yaml"
YEARS = (2023, 2024)


EDUCATION = education_codes()
EDU_YEARS = np.array([0, 3, 6, 9, 12, 12, 14, 16], dtype=np.int8)


EDUCATION_GROUP = education_groups()
RELATION = {1: "kepala", 2: "istri_suami", 3: "anak", 4: "menantu", 5: "cucu",
            6: "orang_tua_mertua", 7: "famili_lain", 8: "lainnya"}


# --------------------------------------------------------------------------- config and seeds
def load_synth_config(config=None) -> dict:
    """Read the generator configuration (a path, a dict, or ``None`` for the demo file)."""
    if isinstance(config, dict):
        return config
    path = paths.resolve(config) if config is not None else DEFAULT_CONFIG
    with open(path, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)
    if not isinstance(cfg, dict) or "seed" not in cfg:
        raise ValueError(f"{path}: not a synth configuration (no 'seed')")
    cfg["_path"] = str(path)
    return cfg


def component_seed(seed: int, name: str) -> np.random.SeedSequence:
    """Child seed sequence of one build component (``SeedSequence(seed).spawn``)."""
    if name not in COMPONENTS:
        raise KeyError(f"unknown component {name!r}; add it at the end of COMPONENTS")
    return np.random.SeedSequence(int(seed)).spawn(len(COMPONENTS))[COMPONENTS.index(name)]


def component_rng(seed: int, name: str) -> np.random.Generator:
    """Independent generator of one build component."""
    return np.random.default_rng(component_seed(seed, name))


# --------------------------------------------------------------------------- small helpers
def allocate(total: int, weights) -> np.ndarray:
    """Integer allocation of ``total`` proportional to ``weights`` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(np.int64)
    rest = int(total - out.sum())
    if rest:
        order = np.argsort(-(raw - out), kind="stable")
        out[order[:rest]] += 1
    return out


def draw_by_group(rng: np.random.Generator, group: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Categorical draw per row: ``table[g]`` are the probabilities of row group ``g``."""
    table = np.asarray(table, dtype=float)
    table = table / table.sum(axis=1, keepdims=True)
    cum = np.cumsum(table, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(group))
    out = np.zeros(len(group), dtype=np.int16)
    for g in range(table.shape[0]):
        idx = np.flatnonzero(group == g)
        if idx.size:
            out[idx] = np.searchsorted(cum[g], u[idx], side="right")
    return np.minimum(out, table.shape[1] - 1)


def cut_by_shares(latent: np.ndarray, shares, weights: np.ndarray | None = None) -> np.ndarray:
    """Ordinal codes 0..K-1 from a latent: the lowest ``shares[0]`` (weighted) get 0, etc."""
    shares = np.asarray(shares, dtype=float)
    cum = np.cumsum(shares / shares.sum())[:-1]
    order = np.argsort(latent, kind="stable")
    w = np.ones(len(latent)) if weights is None else np.asarray(weights, dtype=float)
    cw = np.cumsum(w[order]) / w.sum()
    codes_sorted = np.searchsorted(cum, cw, side="left")
    out = np.empty(len(latent), dtype=np.int16)
    out[order] = codes_sorted
    return out


def top_k(score: np.ndarray, eligible: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the ``k`` eligible rows with the highest score."""
    idx = np.flatnonzero(eligible)
    k = int(min(max(k, 0), idx.size))
    out = np.zeros(score.size, dtype=bool)
    if k:
        part = np.argpartition(-score[idx], k - 1)[:k]
        out[idx[part]] = True
    return out


def family_ids(numbers: np.ndarray) -> np.ndarray:
    """``KLGnnnnnnnn`` family ids from integers (vectorised)."""
    digits = np.char.zfill(np.asarray(numbers, dtype=np.int64).astype(str), 8)
    return np.char.add("KLG", digits).astype(object)


_RT = np.array([f"{i:03d}" for i in range(1000)], dtype=object)


def rt_codes(rt: np.ndarray) -> np.ndarray:
    """3-digit RT strings (``001``) from integers (4 digits beyond 999: scaled benchmark only)."""
    rt = np.asarray(rt, dtype=np.int64)
    if rt.size and rt.max() >= _RT.size:
        return np.char.zfill(rt.astype(str), 3).astype(object)
    return _RT[rt]


def iso_dates(d: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` strings of datetime64 values (vectorised)."""
    return np.datetime_as_string(np.asarray(d).astype("datetime64[D]"), unit="D").astype(object)


def age_at(birth: np.ndarray, date) -> np.ndarray:
    """Completed years of age on ``date`` of people born on ``birth`` (datetime64[D])."""
    d = np.datetime64(date, "D")
    birth = np.asarray(birth).astype("datetime64[D]")
    by = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    bm = birth.astype("datetime64[M]").astype(np.int64) % 12
    bd = (birth - birth.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    dy = d.astype("datetime64[Y]").astype(np.int64) + 1970
    dm = d.astype("datetime64[M]").astype(np.int64) % 12
    dd = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    before = (bm > dm) | ((bm == dm) & (bd > dd))
    return (dy - by - before).astype(np.int16)


def weighted_gini(y: np.ndarray, w: np.ndarray) -> float:
    """Gini of ``y`` in a population where each value stands for ``w`` identical persons
    (exact person-expanded Gini)."""
    order = np.argsort(y, kind="stable")
    y, w = y[order].astype(float), w[order].astype(float)
    cw = np.cumsum(w)
    n, t = cw[-1], float((w * y).sum())
    return float(((2 * cw - w) * w * y).sum() / (n * t) - 1.0)


def fgt(y: np.ndarray, w: np.ndarray, z: float) -> tuple[float, float, float]:
    """P0, P1, P2 (x100, BPS convention: poor if y < z strictly) with person weights ``w``."""
    gap = np.where(y < z, (z - y) / z, 0.0)
    poor = (y < z).astype(float)
    tw = w.sum()
    return (100 * float((w * poor).sum() / tw), 100 * float((w * gap).sum() / tw),
            100 * float((w * gap ** 2).sum() / tw))
