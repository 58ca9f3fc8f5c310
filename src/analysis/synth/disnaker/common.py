"""Constants, dates and small helpers shared by the Disnaker generator's modules."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd


STREAM = 0xD15A  # sub-stream of the run seed reserved for the Disnaker files

LINK_STREAM = 0x71AC  # sub-sub-stream of the tracer-card link (keeps every other draw unchanged)

# SYNTHETIC ASSUMPTION (the data model of docs/methods.md section 10): an employer reports a
# placement to Disnaker with this probability; the rest never reach the AK/I card.
REPORT_RATE = 0.6

START = pd.Timestamp("2022-01-01")

EXTRACT = pd.Timestamp("2025-12-31")  # extraction date of the Disnaker systems (synthetic)

YEARS = (2022, 2023, 2024, 2025)

FIXED_XLSX_TIME = datetime(2026, 1, 5, 8, 0, 0)

# Kecamatan (BPS code, 2024 population) -- the published figures of wilayah_bontang.csv, used
# only when that file is not in raw_dir/reference.
KECAMATAN_FALLBACK = {"6474020": 89010, "6474010": 71167, "6474030": 31634}

EDU_CODES = ["sd", "smp", "sma", "smk", "diploma", "universitas"]

EDU_RANK = {"sd": 1, "smp": 2, "sma": 3, "smk": 3, "diploma": 4, "universitas": 5}

EDU_ISCED = {"sd": 1, "smp": 2, "sma": 3, "smk": 3, "diploma": 5, "universitas": 6}

CERTS = ["BNSP-SMAW-3G", "BNSP-SMAW-6G", "K3-UMUM", "RIGGER-L1", "SCAFF-L1", "SIO-FORKLIFT",
         "GADA-PRATAMA"]

SECTOR_TYPES = {"A": "anchor_plant", "C": "contractor", "S": "services", "U": "umkm"}

FIELD_BY_MG = {  # education field (program keahlian / jurusan) and ISCED-F broad field
    "1": ("Manajemen", "04"), "2": ("Teknik", "07"), "3": ("Teknik Mesin/Kimia/Listrik", "07"),
    "4": ("Otomatisasi dan Tata Kelola Perkantoran", "04"), "5": ("Tata Boga/Kecantikan/Pemasaran", "10"),
    "6": ("Agribisnis", "08"), "7": ("Teknik Pengelasan/Bangunan/Otomotif", "07"),
    "8": ("Teknik Kimia Industri/Alat Berat", "07"), "9": ("Umum", "00"),
}

def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))

def _months(ts: pd.Series | pd.DatetimeIndex, months: np.ndarray) -> pd.Series:
    """Add integer months to timestamps (vectorised through monthly periods)."""
    ts = pd.Series(pd.to_datetime(ts)).reset_index(drop=True)
    per = ts.dt.to_period("M")
    day = np.minimum(ts.dt.day.to_numpy(), 28)
    new = (per + np.asarray(months, dtype=int)).dt.to_timestamp()
    return new + pd.to_timedelta(day - 1, unit="D")

def _kecamatan_shares(raw_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    f = Path(raw_dir) / "reference" / "wilayah_bontang.csv"
    table = dict(KECAMATAN_FALLBACK)
    if f.exists():
        w = pd.read_csv(f, dtype=str)
        kec = w[(w["level"] == "kecamatan") & w["bps_code"].notna() & w["population_2024"].notna()]
        if len(kec) == 3:
            table = {r.bps_code: float(r.population_2024) for r in kec.itertuples()}
    codes = np.array(sorted(table))
    pop = np.array([table[c] for c in codes], dtype=float)
    return codes, pop / pop.sum()
