"""Names and addresses of registry families, for the restricted field worklists only.

Stage 01 drops every direct identifier from the processed data. The field worklists
(:mod:`analysis.poverty.worklists`) are the one place where a family's head and address must be
shown again, to the kelurahan teams and only in ``restricted/<period>/``. This module, part of
the only package that reads ``raw_dir``, reads them from the RAW registry and keys them with the
same pseudonym as the processed data, so the caller joins on ``hh_key`` and never sees the raw
file.
"""
from __future__ import annotations

import pandas as pd

from analysis.cleaning.pseudonymise import Pseudonymiser, resolve_key
from analysis.cleaning.reader import read_table
from analysis.contracts import load_contracts

IDENTITY_COLUMNS = ["hh_key", "id_keluarga", "nama_kepala_keluarga", "alamat"]


def registry_identities(cfg, dataset: str = "dtsen_households") -> pd.DataFrame:
    """``hh_key, id_keluarga, nama_kepala_keluarga, alamat`` of every raw registry family.

    ``hh_key`` is the HMAC pseudonym of ``id_keluarga`` with the run's key (as in stage 01).
    Exact duplicate raw rows collapse to one (the first). Missing names or addresses are ``""``.
    """
    raw, _ = read_table(cfg.input_path(dataset), load_contracts()[cfg.input_schema(dataset)])
    key, _ = resolve_key(cfg)
    ids = raw["id_keluarga"].astype("string").str.strip().fillna("").astype(str)
    out = pd.DataFrame({
        "hh_key": Pseudonymiser(key).hash(pd.Series(ids.to_numpy(), dtype=object), "hh_key").astype(str).to_numpy(),
        "id_keluarga": ids.to_numpy(),
        "nama_kepala_keluarga": raw["nama_kepala_keluarga"].astype("string").fillna("").astype(str).to_numpy(),
        "alamat": raw["alamat"].astype("string").fillna("").astype(str).to_numpy(),
    })
    return out.drop_duplicates("hh_key", keep="first").reset_index(drop=True)[IDENTITY_COLUMNS]
