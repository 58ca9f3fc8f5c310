"""Keyed pseudonyms and removal of direct identifiers.

``hh_key``, ``person_key`` and ``seeker_key`` are HMAC-SHA256 digests (first 16 hex characters =
64 bits) of the source column named by the contract's ``pseudonymise:`` key, with the run's
secret key. When those 16 characters happen to be all decimal digits (probability (10/16)^16,
about 1 in 1,800) the next 16-character window of the digest that holds a letter is used, so
that no pseudonym can be mistaken for a 16-digit NIK or No KK (by a reader or by the privacy
gate of the brief). The key name is part of the hashed message (``"person_key\\x1f<value>"``), so the same
value gives the same key in every table that uses the same key name (a NIK in the registry and
in AK/I registrations links) and unrelated keys otherwise. Without the secret key a pseudonym
cannot be reversed by hashing every possible NIK, which a plain hash would allow.

The key
-------
1. ``synthetic: true`` in the config: the documented ``demo_pseudonym_key`` is used, always, so the
   demo outputs are byte-identical for everyone (a key in the environment is ignored).
2. Otherwise the environment variable named by ``pseudonym_key_env`` (default
   ``BONTANG_PSEUDONYM_KEY``), else the untracked file ``pseudonym_key_file`` (default
   ``.pseudonym_key`` at the repository root, listed in ``.gitignore``).
3. A real run without a key, or with the demo key, or with a key shorter than 16 characters
   stops with :class:`PseudonymKeyError`.

Keep the key with the data custodian: the same key is needed to link next year's extract.
"""
from __future__ import annotations

import hashlib
import os

import numpy as np
import pandas as pd

from analysis import paths
from analysis.cleaning._vec import encode
from analysis.contracts import Schema

KEY_LENGTH_HEX = 16
MIN_KEY_CHARS = 16
HASH_CHUNK = 250_000        # distinct values hashed per batch (bounds the Python strings alive)
CACHE_MAX = 2_000_000       # remember a namespace's digests when it has at most this many values


class PseudonymKeyError(ValueError):
    """No usable pseudonymisation key for a real (non-synthetic) run."""


def resolve_key(cfg) -> tuple[bytes, str]:
    """The run's secret key and where it came from (``demo key``, ``env VAR``, ``file PATH``)."""
    if getattr(cfg, "synthetic", False):
        demo = getattr(cfg, "demo_pseudonym_key", None)
        if not demo:
            raise PseudonymKeyError(f"{cfg.path}: synthetic run without 'demo_pseudonym_key'")
        return str(demo).encode("utf-8"), "demo key (synthetic run)"
    env = getattr(cfg, "pseudonym_key_env", "BONTANG_PSEUDONYM_KEY") or "BONTANG_PSEUDONYM_KEY"
    key = os.environ.get(env, "").strip()
    source = f"environment variable {env}"
    if not key:
        kf = paths.resolve(getattr(cfg, "pseudonym_key_file", ".pseudonym_key") or ".pseudonym_key")
        if kf.is_file():
            key = kf.read_text(encoding="utf-8").strip()
            source = f"file {kf.name}"
    if not key:
        raise PseudonymKeyError(
            f"no pseudonymisation key: this is a real run (synthetic: false in {cfg.path}), so set the "
            f"environment variable {env} or put the key in the untracked file "
            f"{getattr(cfg, 'pseudonym_key_file', '.pseudonym_key')} at the repository root. Ask the "
            f"data custodian for the key used in earlier rounds (keys must match to link years).")
    if getattr(cfg, "demo_pseudonym_key", None) and key == str(cfg.demo_pseudonym_key):
        raise PseudonymKeyError(f"the public demo key cannot be used for a real run ({source})")
    if len(key) < MIN_KEY_CHARS:
        raise PseudonymKeyError(f"pseudonymisation key from {source} is shorter than {MIN_KEY_CHARS} characters")
    return key.encode("utf-8"), source


class Pseudonymiser:
    """HMAC-SHA256 with one secret key; :meth:`hash` maps a column to 16-hex pseudonyms."""

    def __init__(self, key: bytes):
        block = 64
        k = hashlib.sha256(key).digest() if len(key) > block else key
        k = k.ljust(block, b"\0")
        # HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)); the two padded-key states are
        # computed once and copied per value (about twice as fast as hmac.digest per call).
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in k))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in k))
        self._cache: dict = {}

    def _one(self, msg: bytes) -> str:
        i = self._inner.copy()
        i.update(msg)
        o = self._outer.copy()
        o.update(i.digest())
        h = o.hexdigest()
        k = h[:KEY_LENGTH_HEX]
        if k.isdigit():   # would read as a 16-digit NIK / No KK: take the next window with a letter
            k = next((h[j:j + KEY_LENGTH_HEX] for j in range(KEY_LENGTH_HEX, 64, KEY_LENGTH_HEX)
                      if not h[j:j + KEY_LENGTH_HEX].isdigit()), k)
        return k

    def hash(self, values: pd.Series, namespace: str) -> pd.Series:
        """Pseudonyms of a column (missing stays missing).

        Each distinct value is hashed once (Arrow dictionary encoding, then one HMAC per distinct
        value, in chunks so that few Python strings live at a time). Distinct values of a
        namespace with at most :data:`CACHE_MAX` values are remembered for the run, so the
        members' ``hh_key`` reuses the families' digests instead of hashing them again.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        codes, uniq = encode(values.astype("str"))
        stripped = pc.utf8_trim_whitespace(uniq)
        if not pc.all(pc.equal(stripped, uniq)).as_py() if len(uniq) else False:
            # " 123" and "123" are the same identifier: re-encode the stripped distinct values
            d = pc.dictionary_encode(stripped)
            inner = d.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            codes = np.where(codes >= 0, inner[np.maximum(codes, 0)], -1)
            uniq = d.dictionary
        cached = self._cache.get(namespace)
        if cached is not None and len(uniq):
            pos = pc.index_in(uniq, value_set=cached[0]).fill_null(-1).to_numpy(zero_copy_only=False)
            new = uniq.filter(pa.array(pos < 0))
        else:
            pos = np.full(len(uniq), -1)
            new = uniq
        fresh = self._digest(new, namespace)
        if cached is not None and (pos >= 0).any():
            digests = np.empty(len(uniq), dtype=object)
            digests[pos >= 0] = cached[1].take(pa.array(pos[pos >= 0])).to_numpy(zero_copy_only=False)
            digests[pos < 0] = fresh.to_numpy(zero_copy_only=False)
            dig = pa.array(digests, type=pa.string())
        else:
            dig = fresh
        if len(uniq) <= CACHE_MAX:
            if cached is None:
                self._cache[namespace] = (uniq, dig)
            elif len(new):
                self._cache[namespace] = (pa.concat_arrays([cached[0], new]), pa.concat_arrays([cached[1], fresh]))
        miss = codes < 0
        out = dig.take(pa.array(np.where(miss, 0, codes), mask=miss)) if len(dig) else \
            pa.nulls(len(codes), pa.string())
        return pd.Series(pd.arrays.ArrowStringArray(out), index=values.index, name=namespace, dtype="str")

    def _digest(self, uniq, namespace: str):
        import pyarrow as pa

        prefix = f"{namespace}\x1f".encode("utf-8")
        one = self._one
        parts = []
        for start in range(0, len(uniq), HASH_CHUNK):
            vals = uniq.slice(start, HASH_CHUNK).to_pylist()
            parts.append(pa.array([one(prefix + v.encode("utf-8")) for v in vals], type=pa.string()))
        return pa.concat_arrays(parts) if parts else pa.array([], pa.string())


def primary_pseudonym(schema: Schema) -> tuple[str, str] | None:
    """``(key_name, source_column)`` naming a row of this table (the pseudonym of its grain)."""
    sources = schema.pseudonym_sources()
    if not sources:
        return None
    for key, col in sources.items():  # prefer the one that is (part of) the primary key
        if col in schema.primary_key:
            return key, col
    for key in ("person_key", "seeker_key", "hh_key"):
        if key in sources:
            return key, sources[key]
    return next(iter(sources.items()))


def row_keys(df: pd.DataFrame, schema: Schema, pz: Pseudonymiser) -> pd.Series:
    """The key that names a row in the cleaning log: its pseudonym, else its primary key when
    that holds no identifier, else a keyed hash of the primary key (never a raw NIK)."""
    prim = primary_pseudonym(schema)
    if prim and prim[1] in df.columns:
        return pz.hash(df[prim[1]], prim[0])
    pk = [c for c in schema.primary_key if c in df.columns]
    if pk:
        parts = [df[c].astype("str").fillna("") for c in pk]
        joined = parts[0]
        for p in parts[1:]:
            joined = joined + "|" + p
        if any(schema.columns[c].pii for c in pk):
            return pz.hash(joined, "row_key")
        return joined.astype("str")
    return pd.Series((df.index.to_numpy() + 1).astype(str), index=df.index, dtype="str")


def pseudonymise(df: pd.DataFrame, schema: Schema, pz: Pseudonymiser,
                 precomputed: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """Add the contract's keyed-hash columns (first) and drop every ``pii: true`` column.

    ``precomputed`` maps a key name to pseudonyms already computed for these rows (the row keys),
    to avoid hashing four million NIKs twice.
    """
    keys = {}
    precomputed = precomputed or {}
    for key, col in schema.pseudonym_sources().items():
        if key in precomputed:
            keys[key] = precomputed[key].astype("str").rename(key)
        elif col in df.columns:
            keys[key] = pz.hash(df[col], key)
    drop = [c for c in schema.pii_columns if c in df.columns]
    rest = df.drop(columns=drop)
    rest = rest.drop(columns=[k for k in keys if k in rest.columns])
    return pd.concat([pd.DataFrame(keys, index=df.index), rest], axis=1) if keys else rest
