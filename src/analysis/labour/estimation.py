"""Design-based labour estimates: every indicator as a domain ratio of weighted totals.

Each indicator of :data:`INDICATORS` is ``100 * sum(w * numerator) / sum(w * denominator)``
over a domain, estimated with :func:`analysis.survey.ratio` (Taylor linearisation over strata
and PSUs, person weights, with-replacement first-stage variance, domains as subpopulations of the
full design, t intervals with the design degrees of freedom). The numerator and denominator are
the 0/1 concepts of :mod:`analysis.labour.definitions`.

Results are shaped into the estimates contract by :func:`analysis.estimates.to_estimate_rows`,
with the run config's reliability thresholds (RSE 25/50, minimum sample size). ``n_sample`` is
the number of sample persons in the *denominator* within the domain (e.g. labour-force members
for the TPT), which is what the precision rests on.

Changes from the previous August are differences of two independent samples
(:func:`analysis.survey.difference`): ``se = sqrt(se_a^2 + se_b^2)``, statistic ``change / se``
referred to t with the summed design degrees of freedom (as the poverty stage), two-sided
p-value.

Validated against R survey 4.1-1 (``svyratio``, ``svyby(..., svyratio)``) on the seeded sample
of ``tests/fixtures/labour/`` (agreement better than 1e-12 relative).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import survey
from analysis.codes import KOTA_CODE, KOTA_NAME, SEX_NAMES
from analysis.estimates import ESTIMATE_COLUMNS, to_estimate_rows
from analysis.labour import definitions as d

METHOD = "taylor_linearisation"
METHOD_CHANGE = "difference_independent_samples"

INDICATORS: dict[str, tuple[str, str]] = {
    "tpt": ("unemployed", "labour_force"),
    "tpak": ("labour_force", "working_age"),
    "tkk": ("employed", "labour_force"),
    "underemployment": ("underemployed", "employed"),
    "parttime": ("part_time", "employed"),
    "informal": ("informal", "employed_with_status"),
    "youth_tpt": ("youth_unemployed", "youth_labour_force"),
    "neet": ("neet", "youth"),
}
"""indicator -> (numerator, denominator) columns of :func:`definitions.classify`. All x100."""

INDICATOR_NAMES = {
    "tpt": "Open unemployment rate (TPT): unemployed / labour force",
    "tpak": "Labour force participation rate (TPAK): labour force / working-age population",
    "tkk": "Employment opportunity rate (TKK): employed / labour force",
    "underemployment": "Time-related underemployment: < 35 h and wanting more work, share of employed",
    "parttime": "Part-time work: < 35 h and not wanting more work, share of employed",
    "informal": "Informal employment (status 1, 2, 5, 6, 7), share of employed with known status",
    "youth_tpt": "Youth (15-24) open unemployment rate",
    "neet": "Youth (15-24) not in employment, education or training, share of youth",
    "employment_share": "Share of the employed in the category (KBLI section or KBJI major group)",
}

# domain level -> (column of the analysis frame, indicators estimated for it)
DOMAIN_PLAN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "kota": (("kota",), tuple(INDICATORS)),
    "kecamatan": (("kode_kec",), tuple(INDICATORS)),
    "sex": (("jenis_kelamin",), ("tpt", "tpak")),
    "age_group": (("age_group",), ("tpt",)),
    "education": (("education_group",), ("tpt",)),
    "kecamatan_x_sex": (("kode_kec", "jenis_kelamin"), ("tpt",)),
}
SHARE_PLAN = {"kbli": "kbli_section", "kbji": "kbji_major_group"}
"""Shares of the employed (indicator ``employment_share``) by category, city level."""

AGE_GROUP_NAMES = {code: (code.replace("+", " tahun ke atas") if code.endswith("+") else code + " tahun")
                   for code, _, _ in d.AGE_GROUPS}
KBLI_SECTION_NAMES = {
    "A": "Pertanian, Kehutanan dan Perikanan", "B": "Pertambangan dan Penggalian",
    "C": "Industri Pengolahan", "D": "Pengadaan Listrik, Gas, Uap/Air Panas dan Udara Dingin",
    "E": "Pengadaan Air, Pengelolaan Sampah, Limbah dan Daur Ulang",
    "F": "Konstruksi", "G": "Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor",
    "H": "Transportasi dan Pergudangan", "I": "Penyediaan Akomodasi dan Makan Minum",
    "J": "Informasi dan Komunikasi", "K": "Aktivitas Keuangan dan Asuransi", "L": "Real Estat",
    "M": "Aktivitas Profesional, Ilmiah dan Teknis",
    "N": "Aktivitas Penyewaan, Ketenagakerjaan, Agen Perjalanan dan Penunjang Usaha Lainnya",
    "O": "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib", "P": "Pendidikan",
    "Q": "Aktivitas Kesehatan Manusia dan Aktivitas Sosial",
    "R": "Kesenian, Hiburan dan Rekreasi", "S": "Aktivitas Jasa Lainnya",
    "T": "Aktivitas Rumah Tangga sebagai Pemberi Kerja",
    "U": "Aktivitas Badan Internasional dan Badan Ekstra Internasional Lainnya",
}
"""KBLI 2020 sections (Peraturan BPS 2/2020)."""
KBJI_MAJOR_GROUP_NAMES = {
    "0": "TNI dan Polri", "1": "Manajer", "2": "Profesional", "3": "Teknisi dan Asisten Profesional",
    "4": "Tenaga Tata Usaha", "5": "Tenaga Usaha Jasa dan Penjualan",
    "6": "Pekerja Terampil Pertanian, Kehutanan dan Perikanan",
    "7": "Pekerja Pengolahan, Kerajinan dan YBDI", "8": "Operator dan Perakit Mesin",
    "9": "Pekerja Kasar",
}
"""KBJI 2014 major groups (ISCO-08 structure; 0 = armed forces and police)."""


@dataclass(frozen=True)
class LabourSample:
    """One year's Sakernas sample ready for estimation.

    ``frame`` holds the design columns, domain columns and the 0/1 concepts (person-level: it
    never leaves the stage); ``design`` is the :class:`analysis.survey.SurveyDesign` over it.
    """

    period: str
    frame: pd.DataFrame
    design: survey.SurveyDesign


def prepare_sample(persons: pd.DataFrame, period: str, *, weight: str = "bobot", strata: str = "strata",
                   psu: str = "psu", kecamatan: str = "kode_kec", lonely_psu: str = "fail") -> LabourSample:
    """Classify persons and build the survey design of one Sakernas round.

    Parameters
    ----------
    persons : DataFrame
        Processed Sakernas (all sampled members aged 10+, Kemendagri ``kode_kec``).
    period : str
        Reference year of the round (``"2024"``).
    weight, strata, psu, kecamatan : str
        Column names.
    lonely_psu : str
        Rule of :class:`analysis.survey.SurveyDesign` for single-PSU strata.

    Notes
    -----
    The full sample (including members aged 10-14) enters the design, so that every PSU
    contributes to the variance; the concepts are zero outside their populations.
    """
    concepts = d.classify(persons)
    frame = pd.DataFrame(index=persons.index)
    frame[weight] = pd.to_numeric(persons[weight], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    for col in (strata, psu):
        if persons[col].isna().any():
            raise ValueError(f"Sakernas {period}: column '{col}' has {int(persons[col].isna().sum())} missing "
                             "value(s); every sampled person needs a stratum and a PSU")
        frame[col] = _codes(persons[col])
    frame["kota"] = KOTA_CODE
    frame["kode_kec"] = _codes(persons[kecamatan])
    frame["jenis_kelamin"] = _codes(persons["jenis_kelamin"])
    for col in ("age_group", "education_group", "kbli_section", "kbji_major_group"):
        frame[col] = concepts[col].astype(str).to_numpy()
    for col in {c for pair in INDICATORS.values() for c in pair} | {"at_work", "outside_labour_force"}:
        frame[col] = concepts[col].astype(np.float64).to_numpy()
    frame = frame.reset_index(drop=True)
    design = survey.SurveyDesign(frame, weight=weight, strata=strata, psu=psu, lonely_psu=lonely_psu)
    return LabourSample(period=str(period), frame=frame, design=design)


def _codes(s: pd.Series) -> np.ndarray:
    """Codes as plain strings ("" when missing), so that domains never hold NaN."""
    out = s.astype(object).where(s.notna(), "")
    out = out.map(lambda v: str(int(v)) if isinstance(v, float) and float(v).is_integer() else str(v))
    return np.asarray(out.str.strip(), dtype=object)


def domain_ratio(sample: LabourSample, numerator: str, denominator: str, by: tuple[str, ...] | None,
                 *, level: float = 0.95) -> pd.DataFrame:
    """Percentage ``100 * sum(w num) / sum(w den)`` for each domain of ``by``.

    Returns the engine's tidy frame (``domain, estimate, se, ci_low, ci_high, rse, df``) with
    ``n_sample`` replaced by the number of sample persons in the denominator within the
    domain. Domains whose code is empty in any ``by`` column (e.g. the age group of a
    12-year-old) and domains with no denominator units are dropped.
    """
    by_cols = list(by) if by else None
    res = survey.ratio(sample.design, numerator, denominator, by=by_cols, scale=100.0, level=level)
    frame = sample.frame
    in_den = frame[denominator].to_numpy() > 0
    if by_cols:
        key = frame[by_cols[0]].astype(str)
        for c in by_cols[1:]:
            key = key + "|" + frame[c].astype(str)
        counts = key[in_den].value_counts()
        res["n_sample"] = res["domain"].map(counts).fillna(0).astype(int).to_numpy()
        empty = np.zeros(len(res), dtype=bool)
        for c in by_cols:
            empty |= res[c].astype(str).to_numpy() == ""
        res = res[~empty & (res["n_sample"].to_numpy() > 0)]
    else:
        res["n_sample"] = int(in_den.sum())
        res["domain"] = KOTA_CODE
    return res.reset_index(drop=True)


def _reliability(cfg_reliability: Mapping | None) -> dict:
    r = dict(cfg_reliability or {})
    return {"rse_caution": float(r.get("rse_caution", 25.0)),
            "rse_unreliable": float(r.get("rse_unreliable", 50.0)),
            "min_n_sample": int(r.get("min_n_sample", 30))}


def domain_names(level: str, codes: pd.Series, kecamatan_names: Mapping[str, str] | None = None) -> pd.Series:
    """Human-readable names of domain codes (kecamatan from the wilayah crosswalk)."""
    kec = dict(kecamatan_names or {})
    codes = codes.astype(str)
    if level == "kota":
        return pd.Series(KOTA_NAME, index=codes.index)
    if level == "kecamatan":
        return codes.map(lambda c: kec.get(c, c))
    if level == "sex":
        return codes.map(lambda c: SEX_NAMES.get(c, c))
    if level == "age_group":
        return codes.map(lambda c: AGE_GROUP_NAMES.get(c, c))
    if level == "education":
        return codes.map(lambda c: d.EDUCATION_GROUP_NAMES.get(c, c))
    if level == "kbli":
        return codes.map(lambda c: KBLI_SECTION_NAMES.get(c, c))
    if level == "kbji":
        return codes.map(lambda c: KBJI_MAJOR_GROUP_NAMES.get(c, c))
    if level == "kecamatan_x_sex":
        return codes.map(lambda c: " | ".join([kec.get(c.split("|")[0], c.split("|")[0]),
                                              SEX_NAMES.get(c.split("|")[-1], c.split("|")[-1])]))
    return codes


def estimate_indicators(sample: LabourSample, *, reliability: Mapping | None = None,
                        kecamatan_names: Mapping[str, str] | None = None,
                        plan: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None,
                        shares: Mapping[str, str] | None = None, level: float = 0.95) -> pd.DataFrame:
    """All labour indicators of one round, as rows of the estimates contract.

    Parameters
    ----------
    sample : LabourSample
        From :func:`prepare_sample`.
    reliability : mapping, optional
        The run config's ``reliability`` block (``rse_caution``, ``rse_unreliable``,
        ``min_n_sample``).
    kecamatan_names : mapping, optional
        Kemendagri kecamatan code -> name, for ``domain_name``.
    plan, shares : mapping, optional
        Override :data:`DOMAIN_PLAN` / :data:`SHARE_PLAN`.

    Returns
    -------
    DataFrame
        Columns ``ESTIMATE_COLUMNS``; ``unit`` is ``percent``; ``method``
        ``taylor_linearisation``; flags by the RSE rule and ``min_n_sample``.
    """
    rel = _reliability(reliability)
    plan = DOMAIN_PLAN if plan is None else plan
    shares = SHARE_PLAN if shares is None else shares
    frames = []
    for level_name, (by, indicators) in plan.items():
        for ind in indicators:
            num, den = INDICATORS[ind]
            res = domain_ratio(sample, num, den, None if level_name == "kota" else by, level=level)
            frames.append(_rows(res, ind, level_name, sample.period, rel, kecamatan_names))
    for level_name, col in shares.items():
        cats = sorted(c for c in sample.frame[col].unique() if c != "")
        for cat in cats:
            num = (sample.frame[col] == cat).astype(np.float64).to_numpy()
            res = survey.ratio(sample.design, num, "employed", scale=100.0, level=level)
            res["n_sample"] = int((sample.frame["employed"] > 0).sum())
            res["domain"] = cat
            frames.append(_rows(res, "employment_share", level_name, sample.period, rel, kecamatan_names))
    if not frames:
        return pd.DataFrame(columns=ESTIMATE_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _rows(res: pd.DataFrame, indicator: str, level_name: str, period: str, rel: dict,
          kecamatan_names: Mapping[str, str] | None) -> pd.DataFrame:
    codes = res["domain"].astype(str)
    return to_estimate_rows(res.assign(domain_code=codes.to_numpy(),
                                       domain_name=domain_names(level_name, codes, kecamatan_names).to_numpy()),
                            indicator=indicator, domain_level=level_name, unit="percent", method=METHOD,
                            period=period, reliability=rel)


CHANGE_COLUMNS = ["indicator", "domain_level", "domain_code", "estimate", "se", "ci_low", "ci_high", "statistic",
                  "p_value", "significant", "domain_name", "period", "estimate_previous", "estimate_current", "df",
                  "direction", "unit"]
"""Columns of ``changes.csv`` (the same as the poverty stage's, so the brief reads both alike)."""
_FLAG_RANK = {"ok": 0, "caution": 1, "unreliable": 2, "suppressed": 3}


def estimate_changes(previous: pd.DataFrame, current: pd.DataFrame, *, df: tuple[float, float] | None = None,
                     alpha: float = 0.05) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Change of every estimate between two independent rounds (current minus previous).

    Parameters
    ----------
    previous, current : DataFrame
        Estimates-contract rows of the two rounds (same indicators and domains).
    df : (float, float), optional
        Design degrees of freedom of the two rounds (#PSU - #strata). The test statistic
        ``change / se`` is referred to t with ``df_prev + df_cur`` degrees of freedom (the two
        independent samples as one design; as the poverty stage does); ``None``: normal (z).
    alpha : float
        Significance level of the two-sided test (CI at ``1 - alpha``).

    Returns
    -------
    (estimates, changes) : tuple of DataFrame
        ``estimates``: contract rows, indicator ``<name>_change``, period ``"<prev>-<cur>"``,
        the level's unit (a change of a percentage is in percentage points), method
        ``difference_independent_samples``; the flag is the worse reliability flag of the two
        rounds (a change is no more reliable than its weaker end), followed by
        ``;not_significant`` when ``p >= alpha``; ``rse`` is left empty (se / |change| is not a
        reliability measure). ``changes``: the table ``changes.csv`` (:data:`CHANGE_COLUMNS`;
        ``indicator`` is the base name, e.g. ``tpt``, with the test statistic, ``df``, p-value,
        ``significant`` and ``direction`` = up / down / no_significant_change / suppressed);
        changes resting on a suppressed level carry no numbers.

    Notes
    -----
    ``se = sqrt(se_prev^2 + se_cur^2)``: independent samples. Sakernas Agustus households
    rotate, but the demo (and public-use files) carry no panel link, so the covariance between
    rounds is taken as zero; a partial panel overlap would make the true SE of the change
    smaller, i.e. the test conservative.
    """
    keys = ["indicator", "domain_level", "domain_code"]
    cols = keys + ["domain_name", "estimate", "se", "n_sample", "flag", "period", "unit"]
    m = previous[cols].merge(current[cols], on=keys, suffixes=("_a", "_b"), how="inner", validate="1:1")
    per = f"{m['period_a'].iloc[0]}-{m['period_b'].iloc[0]}" if len(m) else ""
    dfv = None if df is None else float(df[0]) + float(df[1])
    test = survey.difference(m["estimate_a"], m["se_a"], m["estimate_b"], m["se_b"], dfv, alpha=alpha)
    base_a = m["flag_a"].astype(str).str.split(";").str[0]
    base_b = m["flag_b"].astype(str).str.split(";").str[0]
    worse = np.where(base_a.map(_FLAG_RANK).to_numpy() >= base_b.map(_FLAG_RANK).to_numpy(), base_a, base_b)
    significant = test["significant"].to_numpy(dtype=bool)
    supp = worse == "suppressed"
    res = pd.DataFrame({
        "indicator": m["indicator"].to_numpy(),
        "domain_level": m["domain_level"].to_numpy(),
        "domain_code": m["domain_code"].to_numpy(),
        "domain_name": m["domain_name_b"].to_numpy(),
        "estimate": test["change"].to_numpy(), "se": test["se"].to_numpy(),
        "ci_low": test["ci_low"].to_numpy(), "ci_high": test["ci_high"].to_numpy(),
        "n_sample": np.minimum(m["n_sample_a"].astype(float), m["n_sample_b"].astype(float)).to_numpy(),
        "flag": worse, "unit": m["unit_b"].to_numpy(),
    })
    suffix = pd.Series(np.where(significant | supp, "", "not_significant"), index=res.index)
    out_rows = [to_estimate_rows(part, indicator=f"{ind}_change", domain_level=lvl, unit=unit,
                                 method=METHOD_CHANGE, period=per, flag_suffix=suffix.loc[part.index])
                for (ind, lvl, unit), part in res.groupby(["indicator", "domain_level", "unit"], sort=False)]
    est = pd.concat(out_rows, ignore_index=True) if out_rows else pd.DataFrame(columns=ESTIMATE_COLUMNS)
    est["rse"] = np.nan
    direction = np.where(supp, "suppressed", np.where(~significant, "no_significant_change",
                                                      np.where(res["estimate"] > 0, "up", "down")))
    changes = pd.DataFrame({
        "indicator": res["indicator"], "domain_level": res["domain_level"], "domain_code": res["domain_code"],
        "estimate": res["estimate"], "se": res["se"], "ci_low": res["ci_low"], "ci_high": res["ci_high"],
        "statistic": test["statistic"].to_numpy(), "p_value": test["p_value"].to_numpy(),
        "significant": significant.astype(object), "domain_name": res["domain_name"], "period": per,
        "estimate_previous": m["estimate_a"].to_numpy(), "estimate_current": m["estimate_b"].to_numpy(),
        "df": test["df"].to_numpy(), "direction": direction.astype(object), "unit": res["unit"],
    })
    changes.loc[supp, ["estimate", "se", "ci_low", "ci_high", "statistic", "p_value", "estimate_previous",
                       "estimate_current"]] = np.nan
    changes.loc[supp, "significant"] = pd.NA
    changes = changes[CHANGE_COLUMNS].sort_values(keys, kind="mergesort").reset_index(drop=True)
    return est, changes
