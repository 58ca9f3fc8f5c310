"""Stage 04 (skills) against the synthetic truth: coder accuracy, shortage labels, programme
effects, output contract, privacy; plus unit tests of the formulas."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from _raw import read_raw_table
from scipy.stats import spearmanr

from analysis import paths
from analysis.config import load_config
from analysis.estimates import ESTIMATE_COLUMNS, read_estimates, validate_estimates
from analysis.skills import gaps
from analysis.skills.data import INPUTS, skills_data
from analysis.skills.stage import run_skills_stage
from analysis.stage import write_stage
from analysis.synth.disnaker import write_disnaker

SEED = 20250521
SHORTAGE = ["7212", "7119", "7215", "3257", "3133", "7233"]
SURPLUS = ["4110", "4120", "5414", "7531", "5141"]
SMALL = {"bootstrap_B": 100, "effects_bootstrap_B": 150, "coding_cv_folds": 3}
TABLES = ["occupation_gaps", "certificate_gaps", "programme_scorecard", "recommendations", "classifier_metrics",
          "programme_effect_power", "programme_effect_sensitivity",
          "balance", "mismatch_index", "seekers_vacancies_by_major_group", "occupation_titles"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("skills")
    write_disnaker(None, SEED, root / "raw", root / "truth")
    demo_cfg = yaml.safe_load((paths.CONFIG_DIR / "demo-2024.yaml").read_text())
    stage_inputs = {k: v for k, v in demo_cfg["inputs"].items()
                    if v["file"].startswith("disnaker/") or k in ("kbji2014", "kbli2020", "occupation_synonyms", "coded_titles")}
    cfg = {"period": "2024", "previous_period": "2023", "raw_dir": str(root / "raw"), "seed": SEED,
           "languages": ["id", "en"], "synthetic": True, "inputs": stage_inputs, "skills": demo_cfg["skills"],
           "privacy": {"suppression_min_count": 10}}
    (root / "cfg.yaml").write_text(yaml.safe_dump(cfg))
    cfg = load_config(root / "cfg.yaml")
    # the generator's files shaped as the stage's inputs (stage 01 is tested on its own)
    data = skills_data({n: read_raw_table(cfg.input_path(n)) for n in INPUTS if n in cfg.inputs}, source="raw")
    out = run_skills_stage(cfg, data, overrides=SMALL)
    truth = pd.read_csv(root / "truth" / "skills_truth.csv", dtype=str, keep_default_na=False)
    return cfg, out, truth


def _metric(out, name, digits):
    m = out.tables["classifier_metrics"]
    return float(m[(m["metric"] == name) & (m["digits"] == digits)]["value"].iloc[0])


def test_classifier_generalises_to_unseen_titles(demo):
    """Unseen-title accuracy must beat what needs no learning (the most frequent code, the KBJI
    titles alone) by a wide margin, and stay clearly below a model that saw the test cards."""
    _, out, _ = demo
    unseen = _metric(out, "top1_accuracy", 4)
    assert unseen > max(_metric(out, "most_frequent_baseline", 4), _metric(out, "official_titles_only_accuracy", 4)) \
        + 0.25
    assert unseen < _metric(out, "leaking_model_accuracy", 4) - 0.08
    assert 0.55 < _metric(out, "macro_f1", 4) < 0.9
    assert np.isfinite(_metric(out, "top1_accuracy_seen_titles", 4))
    assert _metric(out, "n_seen_titles_employer_split", 4) > 100
    assert _metric(out, "top3_accuracy", 4) >= unseen
    assert _metric(out, "top1_accuracy", 1) >= _metric(out, "top1_accuracy", 2) >= unseen
    # auto-coded titles are more accurate than the review queue
    assert _metric(out, "accuracy_auto_coded", 4) > _metric(out, "accuracy_review_queue", 4)
    assert 0.0 < _metric(out, "coverage_at_threshold", 4) < 1.0


def test_classifier_against_the_true_codes(demo):
    """Against the truth (not the coders' codes, which carry ~7 % coder error) the unseen-title
    accuracy must still be far from perfect: titles are ambiguous by design."""
    _, out, truth = demo
    pred = out.info["work"]["coder_heldout"]
    vac = pred[pred["source"] == "vacancy"].copy()
    codes = truth[truth["truth_type"] == "title_code"].set_index("key")["kbji4"]
    vac["truth"] = ("vacancy:" + vac["record_id"].astype(str)).map(codes)
    assert vac["truth"].notna().all()
    acc = (vac["predicted"] == vac["truth"]).mean()
    base = vac["truth"].value_counts(normalize=True).iloc[0]
    assert base + 0.4 < acc < 0.95
    assert (vac["true"] == vac["truth"]).mean() > 0.85          # coders are good but not perfect


def test_coder_on_independently_generated_titles(demo):
    """A title set made by a noise process written apart from the generator (tests/_coder_titles)."""
    from _coder_titles import evaluation_titles

    from analysis.skills import coding

    cfg, _, _ = demo
    kbji, coded = read_raw_table(cfg.input_path("kbji2014")), read_raw_table(cfg.input_path("coded_titles"))
    ev = evaluation_titles(kbji)
    model = coding.fit_final_coder(kbji, coded, seed=SEED)
    acc = float(np.mean(model.classes_[np.argmax(model.predict_proba(ev["title"]), axis=1)] == ev["kbji4"]))
    base = ev["kbji4"].value_counts(normalize=True).iloc[0]
    assert base + 0.5 < acc < 0.95, acc


def test_builtin_shortages_and_surpluses_recovered(demo):
    _, out, _ = demo
    occ = out.tables["occupation_gaps"].set_index("kbji_code")
    assert set(SHORTAGE + SURPLUS) <= set(occ.index[occ["reportable"].astype(bool)]), "built-ins kept at 4 digits"
    assert (occ.loc[SHORTAGE, "shortage_index"] > 0).all()
    assert (occ.loc[SURPLUS, "shortage_index"] < 0).all()
    assert (occ.loc[SHORTAGE, "label"] == "shortage").all(), occ.loc[SHORTAGE, "label"].to_dict()
    assert (occ.loc[SURPLUS, "label"] == "surplus").sum() >= 4, occ.loc[SURPLUS, "label"].to_dict()
    # certified trades: V/U >> 1 (U blanked when < 10 persons is fine: then V/U is blank too)
    th = occ.loc[["7212", "7215", "7233"], "tightness_vu"].dropna()
    assert (th > 0.7).all()


def test_index_tracks_the_latent_imbalance(demo):
    _, out, truth = demo
    occ = out.tables["occupation_gaps"]
    t = truth[truth["truth_type"] == "occupation_balance"][["kbji4", "value"]]
    m = occ.merge(t, left_on="kbji_code", right_on="kbji4")
    m = m[np.isfinite(m["shortage_index"])]
    rho = spearmanr(m["value"].astype(float), m["shortage_index"]).statistic
    assert rho > 0.4
    # most occupations without a built-in imbalance are not called shortage/surplus
    mod = m[~m["kbji_code"].isin(SHORTAGE + SURPLUS)]
    assert (mod["label"].isin(["shortage", "surplus"])).mean() < 0.35


def test_programme_effects_within_their_cis(demo):
    _, out, truth = demo
    card = out.tables["programme_scorecard"]
    methods = out.tables["programme_effects_methods"].set_index("method")
    att = truth[truth["truth_type"] == "programme_att"].set_index("key")["value"].astype(float)
    pooled = methods.loc["aipw_att_own"]
    assert pooled["ci95_low"] <= att["ALL"] <= pooled["ci95_high"]
    for m in ("statsmodels_te_ipw", "statsmodels_te_aipw", "logit_ame"):
        assert abs(methods.loc[m, "estimate"] - att["ALL"]) < 0.08, m
    ok = card[card["precision"] == "adequate"].set_index("program_id")
    assert len(ok) >= 15
    cover = (ok["att_ci95_low"] <= att[ok.index]) & (att[ok.index] <= ok["att_ci95_high"])
    assert cover.mean() >= 0.75, cover[~cover]
    # the estimator is not trivially wide: the pooled CI excludes large effects
    assert pooled["ci95_high"] - pooled["ci95_low"] < 0.2


def test_balance_and_overlap(demo):
    _, out, _ = demo
    bal = out.tables["balance"]
    pooled = bal[bal["scope"] == "ALL"]
    assert len(pooled) >= 6
    # weighting improves balance on average, and no form item stays clearly imbalanced (0.1 is the
    # usual target; the report shows each SMD, so a covariate between 0.1 and 0.15 is visible there)
    assert pooled["smd_weighted"].abs().mean() < pooled["smd_unweighted"].abs().mean()
    assert (pooled["smd_weighted"].abs() < 0.15).all()
    assert (pooled["smd_weighted"].abs() < 0.1).mean() >= 0.7
    card = out.tables["programme_scorecard"]
    assert (card["pscore_min_treated"].dropna() > 0).all() and (card["pscore_max_treated"].dropna() < 1).all()


def test_estimates_contract(demo):
    _, out, _ = demo
    est = out.estimates
    assert list(est.columns) == ESTIMATE_COLUMNS
    validate_estimates(est)
    si = est[est["indicator"] == "shortage_index"]
    assert set(si["domain_level"]) == {"occupation"} and set(si["method"]) == {"cluster_bootstrap"}
    assert set(si["unit"]) == {"index"} and set(si["period"]) == {"2024"}
    assert {"7212", "4110"} <= set(si["domain_code"])
    ok = si["estimate"].notna()
    assert (si.loc[ok, "ci_low"] <= si.loc[ok, "ci_high"]).all()
    assert {"vu_ratio", "mismatch_jls_4d", "mismatch_sahin_4d", "training_att_pp", "tightness_vu"} <= set(
        est["indicator"])


def test_tables_and_privacy(demo):
    cfg, out, _ = demo
    for name in TABLES:
        assert name in out.tables and len(out.tables[name]) > 0, name
    from analysis.skills.stage import PERSON_COUNTS

    for name, spec in PERSON_COUNTS.items():
        df = out.tables.get(name)
        if df is None:
            continue
        for col in spec:
            if col in df:
                x = pd.to_numeric(df[col], errors="coerce")
                assert not ((x > 0) & (x < cfg.privacy["suppression_min_count"])).any(), (name, col)
    import re

    count_like = re.compile(r"^(n_|count|jumlah|households|persons)", re.I)   # what a privacy gate scans
    for name, df in out.tables.items():
        for col in df.columns:
            if count_like.match(col):
                x = pd.to_numeric(df[col], errors="coerce")
                assert not ((x > 0) & (x < cfg.privacy["suppression_min_count"])).any(), (name, col)
    mg = out.tables["seekers_vacancies_by_major_group"]
    assert set(mg["kbji_major_group"]) >= {str(i) for i in range(10)}
    assert mg["vacancy_positions"].sum() > 1000


def test_recommendations_follow_the_rule(demo):
    _, out, _ = demo
    r = out.tables["recommendations"]
    card = out.tables["programme_scorecard"]
    for col in ("shortage_index", "att_pp", "att_ci_low", "att_ci_high", "recommendation", "seat_change", "seats",
                "program_name", "provider_type", "cost_per_trainee_idr", "needed_sample",
                "effective_sample"):   # read by analysis.brief
        assert col in card.columns, col
    progs = r[r["program_id"] != "ALL"]
    assert card.set_index("program_id")["recommendation"].equals(progs.set_index("program_id")["recommendation"])
    assert set(progs["recommendation"]) <= {"expand", "maintain", "insufficient_evidence", "reduce", "close"}
    exp = progs[progs["recommendation"] == "expand"]
    # expand only with a 95 % effect interval above zero, an adequate estimate and a shortage
    assert (exp["att_ci95_low"] > 0).all() and (exp["precision"] == "adequate").all()
    assert (exp["target_si_ci90_low"] > 0).all()
    assert (progs.loc[progs["recommendation"].isin(["reduce", "close"]), "target_si_ci90_high"] < 0).all()
    weak = (progs["precision"] != "adequate") | (progs["att_ci95_low"] <= 0)
    assert progs.loc[weak, "recommendation"].isin(["insufficient_evidence", "reduce", "close"]).all()
    assert (progs.loc[progs["recommendation"] == "insufficient_evidence", "needed_sample"] > 0).all()
    assert (progs["seat_change"] % 16 == 0).all()
    assert (exp["seat_change"] > 0).all()
    cut = progs[progs["recommendation"].isin(["reduce", "close"])]
    assert (cut["seat_change"] < 0).all()
    assert ((cut["seats"] + cut["seat_change"] == 0) == (cut["recommendation"] == "close")).all()
    assert (progs.loc[progs["recommendation"].isin(["maintain", "insufficient_evidence"]), "seat_change"] == 0).all()
    admin = progs[progs["target_kbji"].astype(str).str.startswith(("4110", "4120"))]
    assert not (admin["recommendation"] == "expand").any()
    pooled = r[r["program_id"] == "ALL"].iloc[0]
    assert pooled["seat_change"] == progs["seat_change"].sum()
    assert pooled["att_ci95_low"] < pooled["att"] < pooled["att_ci95_high"]


def test_power_table_and_sensitivity(demo):
    _, out, _ = demo
    pw = out.tables["programme_effect_power"].set_index("program_id")
    assert "ALL" in pw.index
    ok = pw["se_pp"].notna()
    # the needed sample scales with the squared SE: 10 points detectable at the needed size
    assert (pw.loc[ok, "needed_sample"] >= 1).all()
    small = pw.loc[ok & (pw["mde_pp"] > 10)]
    assert (small["needed_sample"] > small["n_responding"]).all()
    assert pw.loc["ALL", "effective_sample"] > pw.drop("ALL")["effective_sample"].median()
    sens = out.tables["programme_effect_sensitivity"].set_index("program_id")
    ev = sens["e_value"].dropna()
    assert (ev >= 1).all() and (sens["e_value_ci"].dropna() <= ev[sens["e_value_ci"].dropna().index] + 1e-9).all()


def test_recommend_rule_settings_are_strict():
    from analysis.skills import recommend

    assert recommend.rule_settings({"effect_ci_level": 0.9})["effect_ci_level"] == 0.9
    with pytest.raises(ValueError, match="unknown key"):
        recommend.rule_settings({"effect_level": 0.95})
    with pytest.raises(ValueError, match="not supported"):
        recommend.rule_settings({"effect_ci_level": 0.8})


def test_write_outputs_roundtrip(demo, output_dir):
    cfg, out, _ = demo
    written = write_stage(out, cfg, "skills")
    stage = output_dir / "data" / "processed" / "2024" / "skills"
    assert stage / "estimates.csv" in written
    est = read_estimates(stage / "estimates.csv")
    assert len(est) == len(out.estimates)
    for name in TABLES:
        assert (stage / "tables" / f"{name}.csv").exists()
    assert (stage / "coding_review_queue.csv").exists()
    again = write_stage(out, cfg, "skills")
    assert [p.read_bytes() for p in written] == [p.read_bytes() for p in again]


# --- formulas -------------------------------------------------------------------------------------
def test_mismatch_indices_known_values():
    u = np.array([10.0, 20.0, 70.0])
    assert gaps.mismatch(u, u * 0.3) == pytest.approx((0.0, 0.0), abs=1e-12)
    jls, sahin = gaps.mismatch(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert jls == pytest.approx(1.0) and sahin == pytest.approx(1.0)
    jls, _ = gaps.mismatch(np.array([50.0, 50.0]), np.array([100.0, 0.0]))
    assert jls == pytest.approx(0.5)


def test_dedup_vacancies_window():
    v = pd.DataFrame({
        "employer_id": ["E1", "E1", "E1", "E2", "E1"],
        "job_title_text": ["Welder 6G", "WELDER  6G", "welder 6g", "Welder 6G", "Welder 6G"],
        "n_positions": [2, 2, 2, 2, 3],
        "posted_date": pd.to_datetime(["2024-01-01", "2024-01-20", "2024-05-01", "2024-01-05", "2024-01-10"]),
    })
    assert gaps.dedup_vacancies(v).tolist() == [False, True, False, False, False]


def test_weighted_median_and_units():
    x = np.array([1.0, 2.0, 3.0, np.nan, 100.0])
    W = np.array([[1, 0], [1, 0], [1, 1], [5, 5], [0, 3]], dtype=float)
    assert gaps.weighted_median_cols(x, W).tolist() == [2.0, 100.0]
    u = gaps.build_units(np.array(["7212", "7213", "7214", "4110"]), np.array([80.0, 12.0, 20.0, 5.0]), 30)
    assert dict(zip(u.codes, u.reportable)) == {"41": False, "721": True, "7212": True}
    assert u.codes[u.unit_of_class].tolist() == ["7212", "721", "721", "41"]


def test_composite_sign_and_fixed_scale():
    sig = {k: np.array([1.0, 0.0, -1.0, 0.0]) for k in gaps.SIGNALS}
    sig["_support"] = {k: np.array([50.0, 50.0, 50.0, 1.0]) for k in gaps.SIGNALS}
    inc = np.array([True, True, True, True])
    avail = gaps.availability(sig, inc)
    assert avail[gaps.SIGNALS.index("tightness")].all()               # always enters
    assert not avail[gaps.SIGNALS.index("unfilled"), 3]                # too few closed positions
    scale = gaps.standardisation(sig, avail)
    si, Z = gaps.composite(sig, avail, scale)
    assert si[0] > 0 > si[2] and si[0] == pytest.approx(-si[2])
    shifted = {k: (v + 1.0 if k != "_support" else v) for k, v in sig.items()}  # same scale: moves
    si2, _ = gaps.composite(shifted, avail, scale)
    assert (si2 > si).all()
