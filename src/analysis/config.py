"""One run's configuration: load and validate ``config/<name>.yaml``.

A run is fully described by one YAML file (period, raw-data folder, languages, seed, thresholds).
Notebooks receive only the path of that file as a papermill parameter, so a misspelled or
mistyped option fails here, loudly, instead of being ignored by papermill.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis import paths

REQUIRED_KEYS = {"period", "previous_period", "raw_dir", "seed", "languages", "inputs"}
OPTIONAL_KEYS = {
    "synthetic": False,
    "corrections_dir": None,
    "pseudonym_key_env": "BONTANG_PSEUDONYM_KEY",
    "pseudonym_key_file": ".pseudonym_key",
    "demo_pseudonym_key": None,
    "release_date": None,
    "reliability": {},
    "privacy": {},
    "cleaning": {},
    "poverty": {},
    "labour": {},
    "skills": {},
    "brief": {},
    "preflight": {},
}
DEFAULT_RELIABILITY = {"rse_caution": 25.0, "rse_unreliable": 50.0, "min_n_sample": 30, "ci_level": 0.95}
# privacy: disclosure thresholds (analysis.disclosure) and the gate's extra rules (analysis.brief.privacy)
DEFAULT_PRIVACY = {"suppression_min_count": 10, "record_key_columns": [], "id_min_digits": 8}


class ConfigError(ValueError):
    """A run configuration is missing a key, has an unknown key or a value of the wrong type."""


@dataclass(frozen=True)
class RunConfig:
    """Validated settings of one pipeline run.

    Attributes mirror the YAML keys; ``path`` is the file it came from and ``sha256`` its hash
    (recorded in the provenance of every output).
    """

    path: Path
    sha256: str
    period: str
    previous_period: str
    raw_dir: Path
    seed: int
    languages: tuple[str, ...]
    inputs: dict[str, dict[str, str]]
    synthetic: bool = False
    corrections_dir: Path | None = None
    pseudonym_key_env: str = "BONTANG_PSEUDONYM_KEY"
    pseudonym_key_file: str = ".pseudonym_key"
    demo_pseudonym_key: str | None = None
    release_date: str | None = None
    reliability: dict[str, Any] = field(default_factory=dict)
    privacy: dict[str, Any] = field(default_factory=dict)
    cleaning: dict[str, Any] = field(default_factory=dict)
    poverty: dict[str, Any] = field(default_factory=dict)
    labour: dict[str, Any] = field(default_factory=dict)
    skills: dict[str, Any] = field(default_factory=dict)
    brief: dict[str, Any] = field(default_factory=dict)
    preflight: dict[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str:
        """Default brief language (the first listed)."""
        return self.languages[0]

    def input_path(self, name: str) -> Path:
        """Absolute path of a declared raw input."""
        if name not in self.inputs:
            raise ConfigError(f"{self.path}: no input named '{name}' under 'inputs'")
        return self.raw_dir / self.inputs[name]["file"]

    def input_schema(self, name: str) -> str:
        """Name of the data-contract schema that a declared input must satisfy."""
        return self.inputs[name].get("schema", name)


def load_config(path: str | Path) -> RunConfig:
    """Read and validate a run configuration.

    Parameters
    ----------
    path : str or Path
        YAML file, absolute or relative to the project root.

    Returns
    -------
    RunConfig

    Raises
    ------
    ConfigError
        If the file is missing, a required key is absent, an unknown key is present or a value
        has the wrong type. The message names the file and the key.
    """
    path = paths.resolve(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    raw = path.read_bytes()
    data = yaml.safe_load(raw) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: top level must be a mapping")
    missing = sorted(REQUIRED_KEYS - data.keys())
    if missing:
        raise ConfigError(f"{path}: missing required key(s): {', '.join(missing)}")
    unknown = sorted(set(data) - REQUIRED_KEYS - set(OPTIONAL_KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown key(s): {', '.join(unknown)}")
    for key in ("period", "previous_period"):
        if not isinstance(data[key], str):
            raise ConfigError(f"{path}: '{key}' must be a quoted string, got {data[key]!r}")
    if not isinstance(data["seed"], int):
        raise ConfigError(f"{path}: 'seed' must be an integer")
    langs = data["languages"]
    if not (isinstance(langs, list) and langs and all(lang in ("id", "en") for lang in langs)):
        raise ConfigError(f"{path}: 'languages' must be a non-empty list of 'id'/'en'")
    inputs = data["inputs"]
    if not isinstance(inputs, dict):
        raise ConfigError(f"{path}: 'inputs' must be a mapping name -> {{file, schema}}")
    norm_inputs: dict[str, dict[str, str]] = {}
    for name, spec in inputs.items():
        if isinstance(spec, str):
            spec = {"file": spec}
        if not isinstance(spec, dict) or "file" not in spec:
            raise ConfigError(f"{path}: input '{name}' needs a 'file'")
        extra = sorted(set(spec) - {"file", "schema", "year", "layout"})
        if extra:
            raise ConfigError(f"{path}: input '{name}': unknown key(s) {', '.join(extra)} "
                              "(allowed: file, schema, year, layout)")
        norm_inputs[name] = {"file": str(spec["file"]), "schema": str(spec.get("schema", name))}
        # optional: the survey year the file must hold (else the name's _<yyyy> suffix) and the
        # source layout it is delivered in (src/analysis/contracts/layouts/)
        for opt in ("year", "layout"):
            if spec.get(opt) is not None:
                norm_inputs[name][opt] = str(spec[opt])
    kwargs = {k: data.get(k, default) for k, default in OPTIONAL_KEYS.items()}
    kwargs["reliability"] = {**DEFAULT_RELIABILITY, **(kwargs["reliability"] or {})}
    kwargs["privacy"] = {**DEFAULT_PRIVACY, **(kwargs["privacy"] or {})}
    if kwargs["corrections_dir"] is not None:
        kwargs["corrections_dir"] = paths.resolve(kwargs["corrections_dir"])
    return RunConfig(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        period=data["period"],
        previous_period=data["previous_period"],
        raw_dir=paths.resolve(data["raw_dir"]),
        seed=data["seed"],
        languages=tuple(langs),
        inputs=norm_inputs,
        **kwargs,
    )
