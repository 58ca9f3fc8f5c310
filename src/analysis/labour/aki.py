"""AK/I job-seeker registrations beside the Sakernas unemployment count, and why they differ.

The city has disputed BPS's TPT by citing the number of AK/I cards ("kartu kuning") held at
Disnaker (5,423 in 2024; 2,442 in June 2025; ``docs/methods.md`` §10). The two numbers
measure different things and neither is "corrected" here to match the other. This module puts
them side by side and computes, from the data wherever the data allow, how much of the gap each
known reason accounts for:

* **double counting of renewals** -- a card renewed in the year is one person, not two;
* **placements reported** -- cards closed by a placement report before the reference date;
* **six-month validity** -- cards not renewed within 6 months have lapsed (expired), yet stay in
  the list unless it is cleaned (``docs/methods.md`` §10: valid 6 months, renewable);
* **placements never reported** -- employers do not return placement reports (Disnaker's own
  explanation; the data model says about 40 % of placements are unreported). Estimated from the
  training tracer, the only record that observes employment independently of the card: the
  share of tracer-confirmed wage employees whose card carries no placement report;
* **coverage** -- registrants without a Bontang KTP (Sakernas counts residents, whatever their
  KTP; the Perda counts only KTP holders as local), and unemployed people who never register
  (needs a Sakernas "registered at Disnaker" variable; when absent, this is said, not guessed);
* **concept** -- BPS counts as unemployed only those without even one hour of work in the
  reference week who looked for work, prepared a business, were discouraged or were waiting to
  start; card holders may work, study or have stopped looking, and the discouraged and those
  waiting to start rarely hold a card. Sakernas shows the size of these groups.

Outputs are aggregates only: counts under ``privacy.suppression_min_count`` are blanked.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import disclosure, survey
from analysis.labour import definitions as d
from analysis.labour.estimation import LabourSample

DECOMPOSITION_COLUMNS = ["component", "count", "share", "source", "side", "se", "value", "unit", "label_id",
                         "label_en", disclosure.MARKER]
REASON_COLUMNS = ["reason_code", "text_id", "text_en", "value", "unit"]
CARD_VALIDITY_MONTHS = 6
SOURCE_AKI = "Disnaker AK/I registry (administrative)"
SOURCE_SAKERNAS = "Sakernas Agustus (BPS survey; weighted estimate)"
SOURCE_TRACER = "Disnaker/BLKI training tracer (6 months) linked to AK/I cards"
REGISTERED_VARIABLES = ("terdaftar_disnaker", "daftar_disnaker", "registered_disnaker", "mendaftar_disnaker",
                        "cara_mencari_disnaker")
"""Sakernas columns that would record registration at Disnaker (none in the standard extract)."""

SEEKER_KEYS = ("seeker_key", "seeker_id")
REGISTRY_WATERFALL = ("aki_duplicate_renewals", "aki_placed_reported", "aki_expired", "aki_unreported_placements",
                      "aki_non_bontang_ktp")
"""Registry rows that are differences between published totals (one small one is recoverable)."""
SURVEY_PARTITION = ("sakernas_looking", "sakernas_preparing_business", "sakernas_discouraged",
                    "sakernas_accepted_not_started")
"""The four categories that add up to the Sakernas unemployed."""


@dataclass(frozen=True)
class UnreportedShare:
    """Estimated share of placements never reported to Disnaker.

    ``share`` (0-1) with its binomial ``se``, from ``n`` tracer-confirmed wage employees of whom
    ``n_unreported`` have no placement report on their card; ``method`` names the estimator
    (``tracer_link`` or ``not_estimable``).
    """

    share: float
    se: float
    n: int
    n_unreported: int
    method: str


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s.astype(object).where(s.notna() & (s.astype(str).str.strip() != ""), None),
                          errors="coerce")


def _seeker_key(df: pd.DataFrame) -> str:
    for k in SEEKER_KEYS:
        if k in df.columns:
            return k
    raise KeyError(f"AK/I table needs one of {SEEKER_KEYS}")


def add_months(dates: pd.Series, months) -> pd.Series:
    """``dates`` plus whole ``months`` (vectorised; the day is clipped to the month's length, as
    ``pd.DateOffset(months=k)``)."""
    dates = pd.Series(pd.to_datetime(dates)).reset_index(drop=True)
    months = np.asarray(months, dtype=np.int64)
    ok = dates.notna().to_numpy()
    y = dates.dt.year.fillna(2000).to_numpy(dtype=np.int64)
    m0 = dates.dt.month.fillna(1).to_numpy(dtype=np.int64) - 1 + months
    ny, nm = y + m0 // 12, m0 % 12 + 1
    first = pd.to_datetime(pd.DataFrame({"year": ny, "month": nm, "day": 1}))
    dim = first.dt.days_in_month.to_numpy()
    day = np.minimum(dates.dt.day.fillna(1).to_numpy(dtype=np.int64), dim)
    out = first + pd.to_timedelta(day - 1, unit="D")
    return out.where(ok)


def renewal_dates(cards: pd.DataFrame) -> pd.DataFrame:
    """One row per renewal transaction: the k-th renewal at registration + 6k months.

    The registry keeps only the last renewal date and the number of renewals (``n_renewals``);
    renewals fall at the end of each 6-month validity period, so earlier renewal dates are
    reconstructed as registration + 6k months, k = 1..n_renewals. Where the last reconstructed
    date differs from ``last_renewal_date`` (late renewals), the recorded date is used for the
    last one.
    """
    key = _seeker_key(cards)
    n = pd.to_numeric(cards.get("n_renewals", pd.Series(0, index=cards.index)), errors="coerce").fillna(0)
    n = n.astype(int).clip(lower=0)
    last = _dates(cards["last_renewal_date"]) if "last_renewal_date" in cards else pd.Series(pd.NaT, index=cards.index)
    # cards with a renewal date but no count: one renewal
    n = n.where(~((n == 0) & last.notna()), 1)
    reg = _dates(cards["registration_date"])
    counts = n.to_numpy()
    idx = np.repeat(np.arange(len(cards)), counts)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    dates = add_months(pd.Series(reg.to_numpy()[idx]), CARD_VALIDITY_MONTHS * k)
    is_last = k == counts[idx]
    rec_last = pd.Series(last.to_numpy()[idx])
    dates = dates.where(~(is_last & rec_last.notna().to_numpy()), rec_last)
    return pd.DataFrame({key: cards[key].to_numpy()[idx], "renewal_no": k, "renewal_date": dates.to_numpy()})


def estimate_unreported_share(cards: pd.DataFrame, trainees: pd.DataFrame | None) -> UnreportedShare:
    """Share of placements that never reach the AK/I register, from the tracer link.

    Among trainees whose 6-month tracer says *wage employed* (a job with an employer: a
    placement the employer is asked to report), the share whose AK/I card carries no placement
    report. Binomial standard error ``sqrt(p (1 - p) / n)``.

    Assumptions: tracer respondents' reporting behaviour is that of all placements; trainees'
    jobs are as likely to be reported as other placements. Without a trainees table with the
    seeker key, or with fewer than 30 linked wage employees, the share is not estimable.
    """
    if trainees is None or trainees.empty or "status_6m" not in trainees.columns:
        return UnreportedShare(np.nan, np.nan, 0, 0, "not_estimable")
    key = _seeker_key(cards)
    if key not in trainees.columns:
        return UnreportedShare(np.nan, np.nan, 0, 0, "not_estimable")
    wage = trainees[trainees["status_6m"].astype(str) == "wage_employed"]
    placed = cards[[key]].assign(_reported=_dates(cards["placement_date"]).notna().to_numpy()
                                 | (cards["status"].astype(str) == "placed").to_numpy())
    placed = placed.groupby(key, sort=False)["_reported"].any()
    linked = wage[key].map(placed)
    linked = linked[linked.notna()].astype(bool)
    n = int(len(linked))
    if n < 30:
        return UnreportedShare(np.nan, np.nan, n, int((~linked).sum()), "not_estimable")
    k = int((~linked).sum())
    p = k / n
    return UnreportedShare(p, float(np.sqrt(p * (1 - p) / n)), n, k, "tracer_link")


TRACER_STATUS_GROUPS = {
    "employed": ("wage_employed", "self_employed"),
    "unemployed": ("unemployed",),
    "not_in_lf": ("not_in_LF",),
    "in_training": ("further_training",),
}
"""Tracer ``status_6m`` values grouped into the labour-force concepts."""


def tracer_status_shares(trainees: pd.DataFrame | None) -> dict[str, dict]:
    """Labour status of AK/I card holders six months after a training course (tracer respondents).

    The registry itself records no current activity, so the tracer is the only data on what card
    holders do: the share working (wage or self-employed), unemployed, out of the labour force,
    or in further education/training. Trainees are a selected group of card holders (and the
    training itself changes the outcome), so the shares are indicative, not a registry-wide rate.

    Returns ``group -> {"share" (percent), "se" (binomial, percent), "n" (persons in the group),
    "n_total" (respondents)}``; empty without a usable tracer.
    """
    if trainees is None or trainees.empty or "status_6m" not in trainees.columns:
        return {}
    st = trainees["status_6m"].astype(object).where(trainees["status_6m"].notna(), "").astype(str).str.strip()
    st = st[st != ""]
    n = int(len(st))
    if n == 0:
        return {}
    out = {}
    for group, values in TRACER_STATUS_GROUPS.items():
        k = int(st.isin(values).sum())
        p = k / n
        out[group] = {"share": 100 * p, "se": 100 * float(np.sqrt(p * (1 - p) / n)), "n": k, "n_total": n}
    return out


def registry_components(cards: pd.DataFrame, reference_date, *, window_months: int = 12,
                        unreported: UnreportedShare | None = None) -> dict[str, float]:
    """The registry side of the comparison, as counts at ``reference_date``.

    Parameters
    ----------
    cards : DataFrame
        AK/I registrations (one row per card): ``seeker_key`` (or ``seeker_id``),
        ``registration_date``, ``last_renewal_date``, ``n_renewals``, ``valid_until``,
        ``ktp_bontang``, ``status``, ``placement_date``.
    reference_date : date-like
        The Sakernas reference date (mid-August of the survey year).
    window_months : int
        The registry "of the year": cards registered or renewed in the ``window_months`` up to
        the reference date.
    unreported : UnreportedShare, optional

    Returns
    -------
    dict
        ``transactions`` (registrations + renewals in the window: a tally of card
        transactions), ``duplicate_renewals`` (transactions beyond one per card), ``cards``
        (cards with a transaction in the window), ``placed_reported`` (of those, placement
        reported by the reference date), ``expired`` (not placed, validity ended before the
        reference date), ``valid_unplaced`` (valid and not reported placed),
        ``placed_reported_still_valid`` (reported placements whose card was still valid),
        ``unreported_placements`` (estimated valid cards whose holder already works),
        ``unreported_placements_se``, ``non_bontang_ktp`` (remaining valid cards without a
        Bontang KTP, expected count after removing unreported placements),
        ``valid_unplaced_local`` (what is left).

    Notes
    -----
    A card stays valid until the end of its 6-month period even when its holder finds work. At
    the reference date, holders already placed with a *reported* placement are visible
    (``placed_reported_still_valid``); holders placed without a report look like active job
    seekers. If a share ``p`` of placements goes unreported, independently of timing, their
    expected number is ``placed_reported_still_valid * p / (1 - p)`` (SE by the delta method
    from the SE of ``p``). Holders without a Bontang KTP are counted among the cards left after
    that removal (expected count). The order of the steps matters for the size of each row,
    not for the final remainder.
    """
    ref = pd.Timestamp(reference_date)
    start = ref - pd.DateOffset(months=window_months)
    key = _seeker_key(cards)
    reg = _dates(cards["registration_date"])
    valid_until = _dates(cards["valid_until"])
    placement = _dates(cards["placement_date"])
    ren = renewal_dates(cards)
    ren_in = ren[(ren["renewal_date"] > start) & (ren["renewal_date"] <= ref)]
    reg_in = (reg > start) & (reg <= ref)
    n_ren = ren_in.groupby(key).size()
    card_ren = cards[key].map(n_ren).fillna(0).astype(int).to_numpy()
    in_window = reg_in.to_numpy() | (card_ren > 0)
    transactions = int(reg_in.sum() + card_ren.sum())
    n_cards = int(in_window.sum())
    placed_by_ref = (placement <= ref).to_numpy()
    placed_reported = int((in_window & placed_by_ref).sum())
    expired = in_window & ~placed_by_ref & (valid_until < ref).to_numpy()
    valid_unplaced = in_window & ~placed_by_ref & ~expired
    placed_still_valid = int((in_window & placed_by_ref & (valid_until >= ref).to_numpy()).sum())
    V = int(valid_unplaced.sum())
    if unreported is not None and np.isfinite(unreported.share) and unreported.share < 1:
        odds = unreported.share / (1 - unreported.share)
        u = min(placed_still_valid * odds, float(V))
        # delta method: d odds / dp = 1 / (1 - p)^2
        u_se = placed_still_valid * unreported.se / (1 - unreported.share) ** 2
    else:
        u, u_se = np.nan, np.nan
    ktp = pd.to_numeric(cards["ktp_bontang"], errors="coerce").fillna(1).to_numpy() == 1
    non_ktp_valid = int((valid_unplaced & ~ktp).sum())
    keep = 1 - (u / V if V and np.isfinite(u) else 0.0)
    non_ktp = non_ktp_valid * keep
    local = V - (u if np.isfinite(u) else 0.0) - non_ktp
    return {
        "transactions": transactions, "duplicate_renewals": transactions - n_cards, "cards": n_cards,
        "placed_reported": placed_reported, "expired": int(expired.sum()), "valid_unplaced": V,
        "placed_reported_still_valid": placed_still_valid, "unreported_placements": u,
        "unreported_placements_se": u_se, "non_bontang_ktp": non_ktp, "non_bontang_ktp_cards": non_ktp_valid,
        "valid_unplaced_local": local,
    }


def survey_components(sample: LabourSample, persons: pd.DataFrame | None = None) -> dict[str, dict]:
    """The Sakernas side: weighted counts (with SE and unweighted n) of the unemployed and of the
    groups that explain the concept gap.

    Returns a dict ``name -> {"estimate", "se", "n"}`` for ``unemployed``, the four categories
    (``looking``, ``preparing_business``, ``discouraged``, ``accepted_not_started``),
    ``employed_looking`` (employed people looking for another or additional job, who may hold
    a card but are employed for BPS), ``students_unemployed`` (unemployed who are in school) and,
    when a registration variable exists in ``persons``, ``unemployed_registered`` /
    ``unemployed_not_registered``.
    """
    f = sample.frame
    groups = {"unemployed": f["unemployed"].to_numpy() > 0}
    if persons is not None:
        p = persons.reset_index(drop=True)
        cat = d.unemployment_category(p).to_numpy()
        emp = d.employed(p).to_numpy()
        groups["looking"] = cat == "mencari_pekerjaan"
        groups["preparing_business"] = cat == "mempersiapkan_usaha"
        groups["discouraged"] = cat == "putus_asa"
        groups["accepted_not_started"] = cat == "sudah_diterima"
        look = d.flag(p, "mencari_pekerjaan").to_numpy()
        if "mencari_kerja_tambahan" in p.columns:
            look = look | d.flag(p, "mencari_kerja_tambahan").to_numpy()
        groups["employed_looking"] = emp & look
        groups["students_unemployed"] = (cat != "") & d.flag(p, "sedang_sekolah").to_numpy()
        reg_col = next((c for c in REGISTERED_VARIABLES if c in p.columns), None)
        if reg_col is not None:
            registered = d.flag(p, reg_col).to_numpy()
            groups["unemployed_registered"] = (cat != "") & registered
            groups["unemployed_not_registered"] = (cat != "") & ~registered
    out = {}
    for name, mask in groups.items():
        res = survey.total(sample.design, mask.astype(np.float64))
        out[name] = {"estimate": float(res["estimate"].iloc[0]), "se": float(res["se"].iloc[0]),
                     "n": int(mask.sum())}
    return out


def _label(component: str) -> tuple[str, str]:
    if component.startswith("aki_unreported_placements_assumed_"):
        pct = component.rsplit("_", 1)[-1].replace("pct", "")
        return (f"Kepekaan: penempatan tidak dilaporkan bila {pct} persen tidak dilaporkan",
                f"Sensitivity: unreported placements if {pct} percent go unreported")
    if component.startswith("aki_valid_unplaced_local_assumed_"):
        pct = component.rsplit("_", 1)[-1].replace("pct", "")
        return (f"Kepekaan: sisa kartu berlaku, KTP Bontang, bila {pct} persen penempatan tidak dilaporkan",
                f"Sensitivity: remaining valid local cards if {pct} percent of placements go unreported")
    return COMPONENT_LABELS.get(component, (component, component))


COMPONENT_LABELS = {
    "aki_transactions_12m": ("Transaksi kartu AK/I 12 bulan terakhir (pendaftaran + perpanjangan)",
                             "AK/I card transactions in the last 12 months (registrations + renewals)"),
    "aki_duplicate_renewals": ("dikurangi: perpanjangan kartu yang sama (orang yang sama terhitung lagi)",
                               "minus: renewals of the same card (the same person counted again)"),
    "aki_cards_12m": ("Kartu AK/I yang terdaftar atau diperpanjang 12 bulan terakhir",
                      "AK/I cards registered or renewed in the last 12 months"),
    "aki_placed_reported": ("dikurangi: penempatan yang dilaporkan", "minus: placements reported"),
    "aki_expired": ("dikurangi: kartu kedaluwarsa (lebih dari 6 bulan tanpa perpanjangan)",
                    "minus: expired cards (not renewed within 6 months)"),
    "aki_valid_unplaced": ("Kartu berlaku, belum tercatat ditempatkan", "Valid cards, no placement recorded"),
    "aki_unreported_placements": ("dikurangi: perkiraan penempatan yang tidak dilaporkan",
                                  "minus: estimated placements never reported"),
    "aki_non_bontang_ktp": ("dikurangi: pemegang kartu tanpa KTP Bontang", "minus: card holders without a Bontang KTP"),
    "aki_valid_unplaced_local": ("Sisa: kartu berlaku, KTP Bontang, belum bekerja (perkiraan)",
                                 "Remaining: valid cards, Bontang KTP, not yet placed (estimate)"),
    "sakernas_unemployed": ("Penganggur terbuka menurut Sakernas", "Openly unemployed according to Sakernas"),
    "sakernas_looking": ("dari jumlah itu: mencari pekerjaan", "of whom: looking for work"),
    "sakernas_preparing_business": ("dari jumlah itu: mempersiapkan usaha", "of whom: preparing a business"),
    "sakernas_discouraged": ("dari jumlah itu: putus asa (tidak mencari)", "of whom: discouraged (not looking)"),
    "sakernas_accepted_not_started": ("dari jumlah itu: sudah diterima, belum mulai bekerja",
                                      "of whom: accepted, not yet started"),
    "sakernas_students_unemployed": ("dari jumlah itu: masih sekolah", "of whom: still in school"),
    "sakernas_unemployed_registered": ("dari jumlah itu: terdaftar di Disnaker", "of whom: registered at Disnaker"),
    "sakernas_unemployed_not_registered": ("dari jumlah itu: tidak pernah mendaftar di Disnaker",
                                           "of whom: never registered at Disnaker"),
    "sakernas_employed_looking": ("Pekerja yang masih mencari pekerjaan lain/tambahan (dihitung bekerja oleh BPS)",
                                  "Employed people looking for another/additional job (employed for BPS)"),
    "tracer_card_holders_employed": ("Pemegang kartu yang bekerja 6 bulan setelah pelatihan (tracer), persen",
                                     "Card holders working 6 months after training (tracer), percent"),
    "tracer_card_holders_unemployed": ("Pemegang kartu yang menganggur 6 bulan setelah pelatihan (tracer), persen",
                                       "Card holders unemployed 6 months after training (tracer), percent"),
    "tracer_card_holders_not_in_lf": ("Pemegang kartu di luar angkatan kerja 6 bulan setelah pelatihan (tracer), "
                                      "persen", "Card holders outside the labour force 6 months after training "
                                      "(tracer), percent"),
    "tracer_card_holders_in_training": ("Pemegang kartu yang melanjutkan sekolah/pelatihan (tracer), persen",
                                        "Card holders in further education or training (tracer), percent"),
    "tracer_unreported_share": ("Bagian penempatan yang tidak dilaporkan (dari tracer pelatihan), persen",
                                "Share of placements never reported (training tracer), percent"),
}


def decomposition_table(reg: Mapping[str, float], srv: Mapping[str, Mapping], unreported: UnreportedShare, *,
                        min_count: int = 10, reference_date=None, window_months: int = 12,
                        sensitivity: Mapping[str, float] | None = None,
                        assumed_share: float | None = None,
                        tracer_status: Mapping[str, Mapping] | None = None) -> pd.DataFrame:
    """The table ``aki_vs_tpt.csv``: registry waterfall, survey counts, and the tracer share.

    ``sensitivity`` (the registry components computed with an *assumed* unreported share,
    ``assumed_share``) adds two rows on side ``sensitivity``: the unreported placements and the
    remaining local stock under that assumption. ``tracer_status`` (from
    :func:`tracer_status_shares`) adds the labour status of card holders six months after
    training (side ``tracer``, percent).

    Columns: ``count`` holds persons only (registry cards, weighted survey persons; negative
    for rows removed in the registry waterfall); ``value`` repeats it, or holds the percentage of
    the ``tracer`` rows (``unit`` says which); ``se`` is the standard error where the row is an
    estimate; ``label_id``/``label_en`` are the row labels for the brief.

    ``share`` is the share of the first row of its side (the 12-month card-transaction tally
    for the registry, Sakernas unemployed for the survey). Registry counts and the unweighted
    sample behind survey rows under ``min_count`` are blanked (``privacy``). Estimated rows
    (unreported placements, remaining local stock) are rounded to whole persons.
    """
    ref = pd.Timestamp(reference_date).date().isoformat() if reference_date is not None else ""
    win = f"{window_months} months to {ref}" if ref else f"{window_months} months"
    rows = []

    def add(component, count, side, source, se=np.nan, n=None):
        rows.append({"component": component, "count": count, "side": side, "source": source, "se": se,
                     "_n": count if n is None else n})

    add("aki_transactions_12m", reg["transactions"], "registry", f"{SOURCE_AKI}; {win}")
    add("aki_duplicate_renewals", -reg["duplicate_renewals"], "registry",
        f"{SOURCE_AKI}; renewal dates reconstructed from n_renewals", n=reg["duplicate_renewals"])
    add("aki_cards_12m", reg["cards"], "registry", SOURCE_AKI)
    add("aki_placed_reported", -reg["placed_reported"], "registry", SOURCE_AKI, n=reg["placed_reported"])
    add("aki_expired", -reg["expired"], "registry", f"{SOURCE_AKI}; valid_until before {ref or 'the reference date'}",
        n=reg["expired"])
    add("aki_valid_unplaced", reg["valid_unplaced"], "registry", SOURCE_AKI)
    u = reg["unreported_placements"]
    add("aki_unreported_placements", -np.round(u) if np.isfinite(u) else np.nan, "registry",
        f"estimate: {SOURCE_TRACER}; valid cards with a reported placement x odds of non-reporting",
        se=reg["unreported_placements_se"], n=reg["placed_reported_still_valid"])
    add("aki_non_bontang_ktp", -np.round(reg["non_bontang_ktp"]), "registry", f"{SOURCE_AKI}; ktp_bontang = 0",
        n=reg["non_bontang_ktp_cards"])
    add("aki_valid_unplaced_local", np.round(reg["valid_unplaced_local"]), "registry",
        "derived: registry rows above (not an unemployment count)")
    for name in ("unemployed", "looking", "preparing_business", "discouraged", "accepted_not_started",
                 "students_unemployed", "unemployed_registered", "unemployed_not_registered", "employed_looking"):
        if name in srv:
            s = srv[name]
            add(f"sakernas_{name}", np.round(s["estimate"]), "survey", SOURCE_SAKERNAS, se=s["se"], n=s["n"])
    if "unemployed_registered" not in srv:
        add("sakernas_unemployed_not_registered", np.nan, "survey",
            "not estimable: the Sakernas extract has no 'registered at Disnaker' variable", n=0)
    if sensitivity is not None and assumed_share is not None:
        pct = f"{100 * assumed_share:.0f}"
        add(f"aki_unreported_placements_assumed_{pct}pct", -np.round(sensitivity["unreported_placements"]),
            "sensitivity", f"assumption: {pct} % of placements unreported (Disnaker account; data model "
            "docs/methods.md section 10), not estimated", n=sensitivity["placed_reported_still_valid"])
        add(f"aki_valid_unplaced_local_assumed_{pct}pct", np.round(sensitivity["valid_unplaced_local"]),
            "sensitivity", f"derived under the {pct} % assumption (not an unemployment count)")
    add("tracer_unreported_share", 100 * unreported.share if np.isfinite(unreported.share) else np.nan,
        "tracer", f"{SOURCE_TRACER}; n = {unreported.n} wage employees" if unreported.n else
        f"not estimable: {SOURCE_TRACER} missing or too small", se=100 * unreported.se, n=unreported.n)
    for group, v in (tracer_status or {}).items():
        add(f"tracer_card_holders_{group}", v["share"], "tracer",
            f"{SOURCE_TRACER}; respondents' status 6 months after training; n = {v['n_total']}", se=v["se"],
            n=v["n"])
    t = pd.DataFrame(rows)
    base = {side: t.loc[t["side"] == side, "count"].iloc[0] for side in ("registry", "survey")
            if (t["side"] == side).any()}
    t["share"] = [100 * c / base[s] if s in base and base[s] else np.nan for c, s in zip(t["count"], t["side"])]
    t.loc[t["side"] == "sensitivity", "share"] = [
        100 * c / base["registry"] if "registry" in base and base["registry"] else np.nan
        for c in t.loc[t["side"] == "sensitivity", "count"]]
    t.loc[t["side"] == "tracer", "share"] = np.nan
    t["unit"] = np.where(t["side"] == "tracer", "percent", "persons")
    t.loc[t["side"] == "tracer", "share"] = np.nan
    # privacy: blank registry and survey cells resting on fewer than min_count persons, then
    # blank a second cell wherever a blanked one could be recovered by subtraction (the registry
    # waterfall; the four categories that add up to the unemployed)
    t["_n"] = pd.to_numeric(t["_n"], errors="coerce").abs()
    t["_group"] = np.select([t["component"].isin(REGISTRY_WATERFALL), t["component"].isin(SURVEY_PARTITION),
                             t["component"].str.startswith("tracer_card_holders_")],
                            ["registry", "survey_partition", "tracer_partition"], default=t["component"])
    t = disclosure.suppress(t, ["count"], min_count, weights={"count": "_n"}, col_groups=["_group"],
                            rates={"share": (None, "count"), "se": (None, "count")})
    # ``count`` holds persons only (the privacy gate reads it as a count); percentages live in ``value``
    t["value"] = t["count"]
    t.loc[t["unit"] != "persons", "count"] = np.nan
    labels = t["component"].map(_label)
    t["label_id"] = labels.str[0]
    t["label_en"] = labels.str[1]
    return t[DECOMPOSITION_COLUMNS].reset_index(drop=True)


# ----------------------------------------------------------------------------- phrases
def _fmt(x: float, lang: str, decimals: int = 0) -> str:
    """Plain number formatting for the phrase texts (id: 1.234,5; en: 1,234.5)."""
    if x is None or not np.isfinite(x):
        return "–"
    s = f"{x:,.{decimals}f}"
    if lang == "id":
        s = s.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return s


def _sum_available(values) -> float:
    """Sum of the non-missing values (missing = suppressed); NaN when all are missing."""
    v = np.asarray(values, dtype=float)
    return float(np.nansum(v)) if np.isfinite(v).any() else np.nan


def reasons_table(table: pd.DataFrame, *, n_households: int | None = None) -> pd.DataFrame:
    """``aki_reasons.csv``: one plain-language line per reason, Bahasa Indonesia and English.

    ``value`` is the count the line refers to (persons; blank when suppressed or not
    estimable); the brief formats it. Texts describe the reason and say where the number comes
    from; they never call either figure "the right one".
    """
    c = table.set_index("component")["value"]
    se = table.set_index("component")["se"]

    def g(name):
        return float(c.get(name, np.nan)) if name in c.index else np.nan

    share = g("tracer_unreported_share")
    share_se = float(se.get("tracer_unreported_share", np.nan)) if "tracer_unreported_share" in se.index else np.nan
    never_estimable = "sakernas_unemployed_registered" in c.index
    hh_id = f" ({_fmt(n_households, 'id')} rumah tangga)" if n_households else ""
    hh_en = f" ({_fmt(n_households, 'en')} households)" if n_households else ""
    emp, nlf, trn = (g(f"tracer_card_holders_{k}") for k in ("employed", "not_in_lf", "in_training"))
    tracer_id = tracer_en = ""
    if np.isfinite(emp):
        tracer_id = (f" Dari pemegang kartu yang diikuti tracer pelatihan, {_fmt(emp, 'id')} persen bekerja enam "
                     f"bulan kemudian")
        tracer_en = f" Of card holders followed by the training tracer, {_fmt(emp, 'en')} percent were working six " \
                    "months later"
        if np.isfinite(nlf) and np.isfinite(trn):
            tracer_id += (f", {_fmt(nlf, 'id')} persen di luar angkatan kerja dan {_fmt(trn, 'id')} persen "
                          "bersekolah atau berlatih lagi")
            tracer_en += (f", {_fmt(nlf, 'en')} percent were outside the labour force and {_fmt(trn, 'en')} "
                          "percent in further education or training")
        tracer_id += "."
        tracer_en += "."
    unrep_id = (f" Dari tracer pelatihan, sekitar {_fmt(share, 'id')} persen (SE {_fmt(share_se, 'id', 1)}) "
                "penempatan tidak tercatat di kartu AK/I." if np.isfinite(share) else
                " Bagian yang tidak dilaporkan tidak dapat diperkirakan dari data yang tersedia.")
    unrep_en = (f" The training tracer suggests about {_fmt(share, 'en')} percent (SE {_fmt(share_se, 'en', 1)}) of "
                "placements are missing from the AK/I cards." if np.isfinite(share) else
                " The unreported share cannot be estimated from the available data.")
    # discouraged + accepted + preparing a business = unemployed - looking (the categories partition
    # the unemployed); when the cells are blanked their sum still rests on >= min_count persons
    parts = [g("sakernas_discouraged"), g("sakernas_accepted_not_started"), g("sakernas_preparing_business")]
    not_searching = (_sum_available(parts) if np.isfinite(parts).all()
                     else g("sakernas_unemployed") - g("sakernas_looking"))
    rows = [
        ("concept", g("sakernas_employed_looking"),
         "Kartu AK/I dapat dimiliki orang yang sudah bekerja, bersekolah, atau tidak lagi mencari kerja, "
         "sedangkan BPS menghitung siapa pun yang bekerja minimal 1 jam seminggu sebagai bekerja." + tracer_id
         + " Angka: perkiraan Sakernas jumlah pekerja yang masih mencari pekerjaan lain atau tambahan.",
         "An AK/I card can be held by people who already work, study or no longer look for work, while BPS "
         "counts anyone who worked at least 1 hour in the week as employed." + tracer_en
         + " Figure: Sakernas estimate of workers still looking for another or additional job."),
        ("concept_not_searching", not_searching,
         "Sebagian penganggur versi BPS tidak sedang mencari kerja (putus asa, sudah diterima tetapi belum mulai, "
         "atau mempersiapkan usaha) sehingga jarang memegang kartu AK/I. Angka: perkiraan Sakernas jumlah mereka.",
         "Part of BPS's unemployed are not job hunting (discouraged, hired but not yet started, or preparing a "
         "business) and so rarely hold an AK/I card. Figure: Sakernas estimate of their number."),
        ("concept_students", g("sakernas_students_unemployed"),
         "Pelajar yang mencari kerja dihitung menganggur oleh BPS, tetapi belum tentu mendaftar AK/I. Angka: "
         "perkiraan Sakernas jumlah penganggur yang masih sekolah.",
         "Students who looked for work are unemployed for BPS but may not register for an AK/I card. Figure: "
         "Sakernas estimate of unemployed people still in school."),
        ("double_counting", -g("aki_duplicate_renewals"),
         "Jika pendaftaran baru dan perpanjangan dijumlahkan, orang yang sama terhitung lebih dari sekali dalam "
         "setahun. Angka: perpanjangan kartu yang sama dalam 12 bulan.",
         "Adding up new registrations and renewals counts the same person more than once a year. Figure: "
         "renewals of the same cards in the 12 months."),
        ("validity_expired", -g("aki_expired"),
         "Kartu AK/I berlaku 6 bulan; kartu yang tidak diperpanjang sudah kedaluwarsa tetapi tetap ada dalam "
         "daftar bila tidak dibersihkan. Angka: kartu kedaluwarsa pada tanggal acuan Sakernas.",
         "An AK/I card is valid for 6 months; cards not renewed have lapsed but stay on the list unless it is "
         "cleaned. Figure: expired cards at the Sakernas reference date."),
        ("placements_reported", -g("aki_placed_reported"),
         "Pemegang kartu yang penempatannya dilaporkan sudah bekerja dan keluar dari daftar aktif. Angka: "
         "penempatan yang dilaporkan.",
         "Card holders whose placement was reported are working and leave the active list. Figure: placements "
         "reported."),
        ("placements_unreported", -g("aki_unreported_placements"),
         "Banyak penempatan tidak dilaporkan perusahaan, sehingga pemegang kartu yang sudah bekerja tetap "
         "tercatat mencari kerja." + unrep_id + " Angka: perkiraan kartu berlaku yang pemegangnya sudah bekerja.",
         "Many placements are never reported by employers, so card holders who already work stay listed as "
         "job seekers." + unrep_en + " Figure: estimated valid cards whose holder already works."),
        ("coverage_ktp", -g("aki_non_bontang_ktp"),
         "Sebagian pemegang kartu tidak ber-KTP Bontang; Sakernas menghitung penduduk yang tinggal di Bontang, "
         "apa pun KTP-nya. Angka: kartu berlaku milik pemegang tanpa KTP Bontang.",
         "Some card holders have no Bontang KTP; Sakernas counts people living in Bontang, whatever their KTP. "
         "Figure: valid cards of holders without a Bontang KTP."),
        ("coverage_never_register", g("sakernas_unemployed_not_registered") if never_estimable else np.nan,
         "Banyak penganggur tidak pernah mendaftar ke Disnaker."
         + (" Angka: perkiraan Sakernas penganggur yang tidak terdaftar." if never_estimable else
            " Sakernas dalam data ini tidak memuat pertanyaan pendaftaran di Disnaker, sehingga jumlahnya tidak "
            "dapat diperkirakan."),
         "Many unemployed people never register at Disnaker."
         + (" Figure: Sakernas estimate of unemployed people not registered." if never_estimable else
            " The Sakernas extract has no question on registration at Disnaker, so their number cannot be "
            "estimated.")),
        ("sampling_error", g("sakernas_unemployed"),
         f"Angka Sakernas adalah perkiraan dari sampel kecil{hh_id} dan memiliki selang kepercayaan. Angka: "
         "perkiraan jumlah penganggur terbuka.",
         f"The Sakernas figure is an estimate from a small sample{hh_en} with a confidence interval. Figure: "
         "estimated number of openly unemployed."),
        ("reference_period", g("aki_cards_12m"),
         "AK/I mencatat pendaftar selama 12 bulan, sedangkan Sakernas mengukur satu minggu di bulan Agustus. "
         "Angka: kartu yang terdaftar atau diperpanjang dalam 12 bulan.",
         "AK/I records registrants over 12 months, while Sakernas measures one week in August. Figure: cards "
         "registered or renewed in the 12 months."),
    ]
    out = pd.DataFrame(rows, columns=["reason_code", "value", "text_id", "text_en"])
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    out["unit"] = "persons"
    return out[REASON_COLUMNS]
