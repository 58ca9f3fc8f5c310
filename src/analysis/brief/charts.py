"""Charts of the briefs: matplotlib, readable on A4, colour-blind safe, deterministic.

Every function returns ``(figure, alt_text)``; the alt text is in the brief's language and
states what the chart shows with its key numbers (the figure itself is an image for readers who
can see it; the alt text is the same information for those who cannot, and for auditors).

Conventions
-----------
* Width 17 cm (A4 minus margins), fonts >= 9 pt at that size; the HTML shows images at their
  print width, so the sizes hold on paper.
* Okabe-Ito palette (:data:`OKABE_ITO`); meaning never carried by colour alone (markers, labels).
* Confidence intervals as error bars or bands: every survey estimate is drawn with its 95 % CI.
* Deterministic bytes: :func:`to_png` saves with fixed dpi and no timestamp/software metadata;
  :func:`to_svg` fixes ``svg.hashsalt`` and drops the date, so nbval can compare SVG too.
* Charts draw only numbers read from estimates/tables; nothing is estimated here.
"""
from __future__ import annotations

import io
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.brief import fmt  # noqa: E402
from analysis.brief.i18n import category_name, t  # noqa: E402
from analysis.brief.narrative import flag_base, occupation_title, period_label  # noqa: E402

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#7F7F7F",
}
WIDTH_IN = 17 / 2.54
DPI = 200
FONT_PT = 9.5
HASHSALT = "bontang-brief"

RC = {
    "font.family": "DejaVu Sans",
    "font.size": FONT_PT,
    "axes.titlesize": FONT_PT + 1,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": FONT_PT,
    "xtick.labelsize": FONT_PT,
    "ytick.labelsize": FONT_PT,
    "legend.fontsize": FONT_PT,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "svg.hashsalt": HASHSALT,
    "svg.fonttype": "path",
    "path.simplify": True,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
}


@contextmanager
def brief_style():
    """rcParams of the briefs (fonts, grid, deterministic SVG ids) for the duration of a block."""
    with matplotlib.rc_context(RC):
        yield


def _fig(height_cm: float, ncols: int = 1, **kw):
    with brief_style():
        fig, ax = plt.subplots(1, ncols, figsize=(WIDTH_IN, height_cm / 2.54), layout="constrained", **kw)
    return fig, ax


def to_png(fig: Figure, dpi: int = DPI) -> bytes:
    """PNG bytes at a fixed dpi with no metadata that could change between runs."""
    buf = io.BytesIO()
    with brief_style():
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def to_svg(fig: Figure) -> str:
    """SVG text with fixed ids (``svg.hashsalt``) and no date: byte-identical across runs."""
    buf = io.StringIO()
    with brief_style():
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def styled(fn):
    """Decorator: run a chart function inside :func:`brief_style`."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with brief_style():
            return fn(*args, **kwargs)
    return wrapper


def close(fig: Figure) -> None:
    plt.close(fig)


def _id(lang):
    return lang.split("_")[0] == "id"


def _err(df: pd.DataFrame, est="estimate", lo="ci_low", hi="ci_high"):
    e = df[est].to_numpy(float)
    return np.vstack([np.clip(e - df[lo].to_numpy(float), 0, None), np.clip(df[hi].to_numpy(float) - e, 0, None)])


def _pct_axis(ax, axis="x", lang="id", decimals=0, nbins=6):
    from matplotlib.ticker import FuncFormatter
    from matplotlib.ticker import MaxNLocator
    f = FuncFormatter(lambda v, _: fmt.number(v, decimals, lang))
    a = ax.xaxis if axis == "x" else ax.yaxis
    if decimals == 0:  # never label 2.5 as "3": integer ticks only
        a.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 5, 10], integer=True))
    a.set_major_formatter(f)


def _items(parts: list[str], lang: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return "; ".join(parts[:-1]) + ("; dan " if _id(lang) else "; and ") + parts[-1]


def _ci_txt(r, lang, dec=2):
    return f"{fmt.number(r['estimate'], dec, lang)} ({fmt.ci_label(lang=lang)}: {fmt.ci(r['ci_low'], r['ci_high'], dec, lang)})"


# --------------------------------------------------------------------------------------------
# poverty
# --------------------------------------------------------------------------------------------
@styled
def poverty_by_kecamatan(data, lang: str = "id", indicator: str = "p0"):
    """Dot-and-whisker of P0 by kecamatan with 95 % CIs, city estimate as a band."""
    rows = data.select(indicator, "kecamatan")
    kota = data.get(indicator, "kota")
    rows = rows[rows["estimate"].notna()].iloc[::-1]
    fig, ax = _fig(6.5 + 0.6 * len(rows))
    y = np.arange(len(rows))
    if kota and not fmt.is_missing(kota.get("estimate")):
        ax.axvspan(kota["ci_low"], kota["ci_high"], color=OKABE_ITO["sky"], alpha=0.25, lw=0,
                   label=("Kota Bontang, SK 95%" if _id(lang) else "Kota Bontang, 95% CI"))
        ax.axvline(kota["estimate"], color=OKABE_ITO["blue"], lw=1.2, ls="--",
                   label=f"Kota Bontang {fmt.percent_short(kota['estimate'], 2, lang)}")
    ax.errorbar(rows["estimate"], y, xerr=_err(rows), fmt="o", color=OKABE_ITO["vermillion"], ms=6,
                capsize=4, lw=1.4, label=t("short_p0", lang))
    for yi, (_, r) in zip(y, rows.iterrows()):
        lab = fmt.percent_short(r["estimate"], 2, lang)
        if flag_base(r["flag"]) != "ok":
            lab += " *"
        ax.annotate(lab, (r["ci_high"], yi), xytext=(6, 0), textcoords="offset points", va="center")
    ax.set_yticks(y, rows["domain_name"])
    ax.set_xlim(0, max(rows["ci_high"].max() * 1.25, 1))
    _pct_axis(ax, "x", lang)
    ax.set_xlabel(t("short_p0", lang))
    fig.suptitle(f"{t('ind_p0', lang)}, {period_label(indicator, data.period, lang)}", x=0.01, ha="left",
                 fontweight="bold", fontsize=FONT_PT + 0.5)
    fig.legend(loc="outside lower center", ncols=3)
    ax.grid(axis="y", visible=False)
    parts = [f"{r['domain_name']} {_ci_txt(r, lang)}" for _, r in rows.iloc[::-1].iterrows()]
    if _id(lang):
        alt = (f"Grafik titik dan garis selang kepercayaan persentase penduduk miskin (P0) menurut kecamatan, "
               f"{period_label(indicator, data.period, lang)}, dalam persen: {_items(parts, lang)}.")
        if kota:
            alt += f" Garis putus-putus: Kota Bontang {_ci_txt(kota, lang)}."
    else:
        alt = (f"Dot-and-whisker chart of the poverty rate (P0) by kecamatan, "
               f"{period_label(indicator, data.period, lang)}, in percent with 95% confidence intervals: "
               f"{_items(parts, lang)}.")
        if kota:
            alt += f" Dashed line: Kota Bontang {_ci_txt(kota, lang)}."
    return fig, alt


KEL_METHODS = ("fay_herriot", "fay_herriot_synthetic")


def _sae_frame(data, kecamatan: str | None = None) -> pd.DataFrame | None:
    """Kelurahan P0: model rows (``p0``, level ``kelurahan``, methods ``fay_herriot*``) from the
    estimates, the benchmarked version (``p0_benchmarked``) and the direct survey estimates of
    ``poverty/tables/kelurahan_p0.csv`` (``direct_estimate, direct_ci_low, direct_ci_high``)."""
    # The brief's wording describes the Fay-Herriot model: since the unit-level EBP took the
    # headline ``p0`` kelurahan rows, the Fay-Herriot rows are ``p0_fay_herriot`` (older outputs:
    # ``p0`` with a fay_herriot method). Showing the EBP needs the brief's text changed with it.
    model = data.select("p0_fay_herriot", "kelurahan")
    if model.empty:
        model = data.select("p0", "kelurahan")
    if model.empty:
        return None
    model = model[model["method"].astype(str).str.startswith("fay_herriot")]
    if model.empty:
        return None
    df = model[["domain_code", "domain_name", "estimate", "ci_low", "ci_high", "rse", "n_sample", "flag",
                "method"]].copy()
    bm = data.select("p0_benchmarked", "kelurahan")
    if not bm.empty:
        df = df.merge(bm[["domain_code", "estimate", "ci_low", "ci_high"]].rename(
            columns={"estimate": "benchmarked", "ci_low": "benchmarked_ci_low", "ci_high": "benchmarked_ci_high"}),
            on="domain_code", how="left")
    sae = data.table("kelurahan_p0")
    if sae is not None and {"domain_code", "direct_estimate"} <= set(sae.columns):
        cols = [c for c in ("domain_code", "direct_estimate", "direct_ci_low", "direct_ci_high", "in_sample")
                if c in sae.columns]
        df = df.merge(sae[cols], on="domain_code", how="left")
        if "in_sample" in df.columns:  # no sample: no direct estimate to draw
            miss = df["in_sample"].astype(str).str.lower().isin(["false", "0"])
            df.loc[miss, ["direct_estimate", "direct_ci_low", "direct_ci_high"]] = np.nan
    df["kecamatan_code"] = df["domain_code"].str.slice(0, 8)
    if kecamatan:
        df = df[df["kecamatan_code"] == kecamatan]
    return df.sort_values("domain_code", kind="mergesort").reset_index(drop=True)


def flag_mark(flag) -> str:
    """Chart marker of a reliability flag: "" ok, "*" caution, "**" unreliable."""
    return {"caution": " *", "unreliable": " **"}.get(flag_base(flag), "")


@styled
def kelurahan_direct_vs_model(data, lang: str = "id", kecamatan: str | None = None, compact: bool = False):
    """Kelurahan P0: direct survey estimate vs Fay-Herriot estimate, both with 95 % CIs.

    The model estimate carries its reliability mark (* caution, ** not reliable); † marks a
    synthetic estimate (no sample). The x axis is cut where the widest direct intervals would
    squeeze the model estimates: a cut interval ends in an arrow labelled with its upper bound.
    """
    df = _sae_frame(data, kecamatan)
    if df is None or df.empty:
        return None, ""
    kec_names = {r.domain_code: r.domain_name for r in data.select("p0", "kecamatan").itertuples()}
    df = df.iloc[::-1].reset_index(drop=True)
    row_cm = 0.5 if compact else 0.62
    fig, ax = _fig((2.6 if compact else 3.4) + row_cm * len(df))
    y = np.arange(len(df))
    has_direct = "direct_estimate" in df.columns and df["direct_estimate"].notna().any()
    # x range: all model intervals and every direct point must fit; direct CIs may be cut
    cand = [df["ci_high"].max() * 1.15]
    if has_direct:
        cand.append(df["direct_estimate"].max() * 1.2)
    xmax = float(np.nanmax(cand))
    xmax = float(np.ceil(xmax / 5.0) * 5.0) if xmax > 5 else float(np.ceil(xmax))
    if has_direct:
        d = df[df["direct_estimate"].notna()]
        yd = y[df["direct_estimate"].notna().to_numpy()] + 0.18
        hi = d["direct_ci_high"].clip(upper=xmax)
        lo = d["direct_ci_low"]
        ax.errorbar(d["direct_estimate"], yd,
                    xerr=np.vstack([np.clip(d["direct_estimate"] - lo, 0, None), np.clip(hi - d["direct_estimate"], 0, None)]),
                    fmt="o", mfc="white", color=OKABE_ITO["grey"], ms=5, capsize=3, lw=1.1,
                    label=t("method_direct", lang))
        for yi, (_, r) in zip(yd, d.iterrows()):
            if r["direct_ci_high"] > xmax:
                ax.annotate("", xy=(xmax, yi), xytext=(xmax - 0.02 * xmax, yi),
                            arrowprops=dict(arrowstyle="-|>", color=OKABE_ITO["grey"], lw=1.1))
                ax.annotate(fmt.number(r["direct_ci_high"], 1, lang), (xmax, yi), xytext=(3, 0),
                            textcoords="offset points", va="center", fontsize=FONT_PT - 1.5, color="#555555",
                            annotation_clip=False)
    ax.errorbar(df["estimate"], y - (0.18 if has_direct else 0), xerr=_err(df), fmt="s",
                color=OKABE_ITO["blue"], ms=5, capsize=3, lw=1.4, label=t("method_model", lang))
    for yi, (_, r) in zip(y, df.iterrows()):
        ax.annotate(fmt.number(r["estimate"], 1, lang) + flag_mark(r["flag"]), (r["ci_high"], yi - (0.18 if has_direct else 0)),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=FONT_PT - 1,
                    color=OKABE_ITO["blue"])
    labels = [r["domain_name"] + (" \u2020" if "synthetic" in str(r["method"]) else "") for _, r in df.iterrows()]
    ax.set_yticks(y, labels)
    prev = None
    for yi, code in zip(y, df["kecamatan_code"]):
        if prev is not None and code != prev:
            ax.axhline(yi - 0.5, color="#999999", lw=0.8)
        prev = code
    if not kecamatan:
        for code in sorted(set(df["kecamatan_code"])):
            ys = y[(df["kecamatan_code"] == code).to_numpy()]
            ax.annotate(kec_names.get(code, code), xy=(1.0, ys.mean()), xycoords=("axes fraction", "data"),
                        xytext=(30, 0), textcoords="offset points", va="center", rotation=90, ha="left",
                        fontsize=FONT_PT - 1, color="#444444")
    ax.set_xlim(0, xmax)
    ax.set_ylim(-0.6, len(df) - 0.4)
    _pct_axis(ax, "x", lang)
    ax.set_xlabel(t("short_p0", lang))
    ax.grid(axis="y", visible=False)
    title = ("P0 kelurahan: estimasi langsung dan model Fay-Herriot" if _id(lang)
             else "Kelurahan P0: direct and Fay-Herriot model estimates")
    fig.suptitle(f"{title}, {period_label('p0', data.period, lang)}", x=0.01, ha="left", fontweight="bold",
                 fontsize=FONT_PT + 0.5)
    fig.legend(loc="outside lower center", ncols=2)
    parts = [f"{r['domain_name']} {_ci_txt(r, lang, 1)}{flag_mark(r['flag']).strip() and ' ' + flag_mark(r['flag']).strip()}"
             for _, r in df.iloc[::-1].iterrows()]
    synth = [r["domain_name"] for _, r in df.iterrows() if "synthetic" in str(r["method"])]
    n_ok = int((df["flag"].map(flag_base) == "ok").sum())
    n_c = int((df["flag"].map(flag_base) == "caution").sum())
    n_u = int((df["flag"].map(flag_base) == "unreliable").sum())
    if _id(lang):
        alt = ("Grafik P0 per kelurahan dalam persen: titik bulat abu-abu adalah estimasi langsung survei "
               "(selang lebar karena sampel kecil; selang yang terpotong diberi panah dan batas atasnya), kotak biru "
               f"adalah estimasi model Fay-Herriot dengan SK 95%. Kualitas model: {n_ok} akurat, {n_c} perlu hati-hati (*), "
               f"{n_u} tidak akurat (**). Estimasi model: {_items(parts, lang)}.")
        if synth:
            alt += f" Tanda † = estimasi sintetis tanpa sampel: {', '.join(synth)}."
    else:
        alt = ("Chart of P0 by kelurahan in percent: hollow grey circles are direct survey estimates (wide "
               "intervals from small samples; a cut interval ends in an arrow with its upper bound), blue squares "
               f"are Fay-Herriot model estimates with 95% CIs. Model quality: {n_ok} reliable, {n_c} use with caution (*), "
               f"{n_u} not reliable (**). Model estimates: {_items(parts, lang)}.")
        if synth:
            alt += f" † = synthetic estimate with no sample: {', '.join(synth)}."
    return fig, alt


# schematic positions (column, row) of the 15 kelurahan, grouped by kecamatan; not geography.
TILE_LAYOUT = {
    "64.74.01.1003": (3, 0), "64.74.01.1004": (2, 0), "64.74.01.1005": (4, 0),
    "64.74.01.1006": (2, 1), "64.74.01.1002": (3, 1), "64.74.01.1001": (4, 1),
    "64.74.03.1003": (0, 1), "64.74.03.1002": (1, 1), "64.74.03.1001": (1, 2),
    "64.74.02.1002": (2, 2), "64.74.02.1001": (3, 2), "64.74.02.1006": (4, 2),
    "64.74.02.1004": (2, 3), "64.74.02.1003": (3, 3), "64.74.02.1005": (3, 4),
}
KEC_EDGE = {"64.74.01": OKABE_ITO["blue"], "64.74.02": OKABE_ITO["vermillion"], "64.74.03": OKABE_ITO["green"]}


@styled
def kelurahan_tiles(data, lang: str = "id"):
    """Tile schematic of the 15 kelurahan grouped by kecamatan, shaded by the model P0."""
    df = _sae_frame(data)
    if df is None or df.empty:
        return None, ""
    kec_names = {r.domain_code: r.domain_name for r in data.select("p0", "kecamatan").itertuples()}
    extra_row = 5
    pos, k = {}, 0
    for code in df["domain_code"]:
        if code in TILE_LAYOUT:
            pos[code] = TILE_LAYOUT[code]
        else:  # unknown code: next free cell below the schematic
            pos[code] = (k % 5, extra_row + k // 5)
            k += 1
    nrows = max(r for _, r in pos.values()) + 1
    fig, ax = _fig(2.4 + 2.3 * nrows)
    cmap = matplotlib.colormaps["cividis_r"]
    vmin, vmax = 0.0, float(np.ceil(df["estimate"].max()))
    norm = matplotlib.colors.Normalize(vmin, vmax)
    for _, r in df.iterrows():
        c, rr = pos[r["domain_code"]]
        col = cmap(norm(r["estimate"]))
        edge = KEC_EDGE.get(r["kecamatan_code"], "#333333")
        ax.add_patch(matplotlib.patches.FancyBboxPatch((c + 0.04, -rr - 0.96), 0.92, 0.92,
                                                       boxstyle="round,pad=0,rounding_size=0.06",
                                                       fc=col, ec=edge, lw=2.2))
        lum = 0.299 * col[0] + 0.587 * col[1] + 0.114 * col[2]
        tc = "black" if lum > 0.55 else "white"
        name = r["domain_name"].replace(" ", "\n", 1) if len(r["domain_name"]) > 11 else r["domain_name"]
        mark = " \u2020" if "synthetic" in str(r["method"]) else ""
        ax.text(c + 0.5, -rr - 0.36, name, ha="center", va="center", fontsize=FONT_PT - 0.5, color=tc)
        ax.text(c + 0.5, -rr - 0.76, fmt.percent_short(r["estimate"], 1, lang) + mark, ha="center",
                va="center", fontsize=FONT_PT, fontweight="bold", color=tc)
    ax.set_xlim(-0.05, 5.05)
    ax.set_ylim(-nrows - 0.05, 0.05)
    ax.set_aspect("equal")
    ax.axis("off")
    handles = [matplotlib.patches.Patch(fc="white", ec=KEC_EDGE[c], lw=2.2, label=kec_names.get(c, c))
               for c in sorted(KEC_EDGE) if c in set(df["kecamatan_code"])]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 0.0), title=None)
    sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
    cb = fig.colorbar(sm, ax=ax, shrink=0.6, pad=0.01)
    cb.set_label(t("short_p0", lang))
    cb.ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt.number(v, 0, lang)))
    ax.set_title(("Skema kelurahan: P0 model Fay-Herriot" if _id(lang) else "Kelurahan schematic: Fay-Herriot P0")
                 + f", {period_label('p0', data.period, lang)}")
    top = df.sort_values(["estimate", "domain_code"], ascending=[False, True], kind="mergesort").head(3)
    tops = ", ".join(f"{r['domain_name']} ({fmt.percent_short(r['estimate'], 1, lang)})" for _, r in top.iterrows())
    if _id(lang):
        alt = (f"Skema (bukan peta) 15 kelurahan Kota Bontang dalam kotak, dikelompokkan menurut kecamatan "
               f"(tepi biru Bontang Utara, merah Bontang Selatan, hijau Bontang Barat); warna lebih gelap = P0 "
               f"model lebih tinggi. Tertinggi: {tops}.")
    else:
        alt = (f"Schematic (not a map) of the 15 kelurahan of Kota Bontang as tiles grouped by kecamatan "
               f"(blue edge Bontang Utara, red Bontang Selatan, green Bontang Barat); darker = higher model P0. "
               f"Highest: {tops}.")
    return fig, alt


# --------------------------------------------------------------------------------------------
# labour
# --------------------------------------------------------------------------------------------
EDU_ORDER = ["sd_kebawah", "tidak_sekolah", "belum_tamat_sd", "sd", "smp", "sma", "smk", "diploma", "universitas"]


@styled
def tpt_by_education_sex(data, lang: str = "id"):
    """TPT by education (left) and by sex (right), 95 % CIs; suppressed cells are labelled."""
    edu = data.select("tpt", "education")
    sex = data.select("tpt", "sex")
    if edu.empty and sex.empty:
        return None, ""
    kota = data.get("tpt", "kota")
    with brief_style():
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(WIDTH_IN, 8.5 / 2.54), layout="constrained",
                                     gridspec_kw={"width_ratios": [2.0, 1.15]})
    parts_alt = []
    xmax = np.nanmax(np.r_[edu["ci_high"].to_numpy(float), sex["ci_high"].to_numpy(float), [1.0]])
    for ax, df, level in ((a1, edu, "education"), (a2, sex, "sex")):
        if df.empty:
            ax.set_visible(False)
            continue
        if level == "education":
            order = {c: i for i, c in enumerate(EDU_ORDER)}
            df = df.assign(_o=df["domain_code"].map(order).fillna(99)).sort_values(["_o", "domain_code"], kind="mergesort")
        df = df.iloc[::-1].reset_index(drop=True)
        y = np.arange(len(df))
        shown = df["estimate"].notna()
        colors = [OKABE_ITO["orange"] if c == "smk" else OKABE_ITO["blue"] for c in df.loc[shown, "domain_code"]]
        ax.barh(y[shown], df.loc[shown, "estimate"], color=colors, height=0.62)
        ax.errorbar(df.loc[shown, "estimate"], y[shown], xerr=_err(df[shown]), fmt="none", ecolor="black",
                    capsize=3, lw=1)
        for yi, (_, r) in zip(y, df.iterrows()):
            if not shown.iloc[yi]:
                ax.text(0.2, yi, t("flag_suppressed", lang), va="center", style="italic", color="#555555")
            else:
                lab = fmt.number(r["estimate"], 1, lang) + ("" if flag_base(r["flag"]) == "ok" else " *")
                ax.annotate(lab, (r["ci_high"], yi), xytext=(3, 0), textcoords="offset points", va="center",
                            fontsize=FONT_PT - 0.5)
        ax.set_yticks(y, [category_name(level, c, lang, n) for c, n in zip(df["domain_code"], df["domain_name"])])
        if kota and not fmt.is_missing(kota.get("estimate")):
            ax.axvline(kota["estimate"], color=OKABE_ITO["black"], ls="--", lw=1)
        ax.grid(axis="y", visible=False)
        ax.set_xlim(0, xmax * 1.18)
        _pct_axis(ax, "x", lang, nbins=6 if level == "education" else 3)
        ax.set_xlabel(t("short_tpt", lang))
        for _, r in df.iloc[::-1].iterrows():
            nm = category_name(level, r["domain_code"], lang, r["domain_name"])
            parts_alt.append(f"{nm} {t('flag_suppressed', lang)}" if fmt.is_missing(r["estimate"])
                             else f"{nm} {_ci_txt(r, lang, 1)}")
    a1.set_title("Pendidikan" if _id(lang) else "Education")
    a2.set_title("Jenis kelamin" if _id(lang) else "Sex")
    fig.suptitle(f"TPT, {period_label('tpt', data.period, lang)}", x=0.01, ha="left", fontweight="bold",
                 fontsize=FONT_PT + 1)
    kota_txt = f" Garis putus-putus: TPT Kota Bontang {_ci_txt(kota, lang, 1)}." if kota and _id(lang) else (
        f" Dashed line: Kota Bontang TPT {_ci_txt(kota, lang, 1)}." if kota else "")
    if _id(lang):
        alt = (f"Grafik batang TPT dalam persen dengan SK 95%, menurut pendidikan dan jenis kelamin, "
               f"{period_label('tpt', data.period, lang)}: {_items(parts_alt, lang)}.{kota_txt} Batang oranye: SMK.")
    else:
        alt = (f"Bar chart of the TPT in percent with 95% CIs, by education and by sex, "
               f"{period_label('tpt', data.period, lang)}: {_items(parts_alt, lang)}.{kota_txt} Orange bar: SMK.")
    return fig, alt


def published_series(data, indicator: str, area: str = "bontang") -> pd.DataFrame:
    """Published figures of one indicator as ``year, value, series, source`` (year numeric).

    TPT comes from ``labour/tables/tpt_published.csv`` (``area`` bontang|kaltim), poverty
    indicators from ``poverty/tables/published_poverty.csv``; without those stage tables, from the
    raw ``published_indicators`` reference (``bontang_tpt_agustus``, ``kaltim_tpt_agustus`` …).
    Only rows whose ``series`` starts with ``published`` are returned (never the demo estimates).
    """
    empty = pd.DataFrame(columns=["year", "value", "series", "source"])
    if indicator == "tpt":
        tab = data.table("tpt_published")
        if tab is not None and {"area", "indicator", "year", "series", "value"} <= set(tab.columns):
            df = tab[(tab["area"] == area) & (tab["indicator"] == "tpt")
                     & tab["series"].astype(str).str.startswith("published")]
            return df.assign(year=pd.to_numeric(df["year"], errors="coerce")).sort_values(["year", "series"], kind="mergesort")
        pub = data.table("published_indicators")
        if pub is None or pub.empty:
            return empty
        names = {"bontang": {"bontang_tpt_agustus": "published",
                             "bontang_tpt_agustus_original_weights": "published_original_weights",
                             "bontang_tpt_agustus_backcast_supas2015": "published_backcast_supas2015"},
                 "kaltim": {"kaltim_tpt_agustus": "published"}}[area]
        df = pub[pub["indicator"].isin(names)]
        df = df.assign(series=df["indicator"].map(names), year=pd.to_numeric(df["year"], errors="coerce"))
        return df.sort_values(["year", "series"], kind="mergesort")
    tab = data.table("published_poverty")
    if tab is None or not {"indicator", "year", "series", "value"} <= set(tab.columns):
        return empty
    df = tab[(tab["indicator"] == indicator) & tab["series"].astype(str).str.startswith("published")]
    return df.assign(year=pd.to_numeric(df["year"], errors="coerce")).sort_values(["year", "series"], kind="mergesort")


def _release_points(ax, data, indicator, lang, synthetic, alt_parts, dec=2):
    rows = [r for r in (data.get(indicator, "kota", period=data.previous_period), data.get(indicator, "kota")) if r]
    if not rows:
        return
    e = pd.DataFrame(rows)
    e = e[e["estimate"].notna()]
    if e.empty:
        return
    x = e["period"].astype(int).to_numpy() + 0.18
    lab = ("Estimasi rilis ini (data sintetis), SK 95%" if synthetic else "Estimasi rilis ini, SK 95%") if _id(lang) else (
        "This release (synthetic data), 95% CI" if synthetic else "This release, 95% CI")
    ax.errorbar(x, e["estimate"], yerr=_err(e), fmt="D", color=OKABE_ITO["vermillion"], ms=6, capsize=4,
                lw=1.4, label=lab)
    alt_parts.append(lab + ": " + ", ".join(f"{r['period']}: {_ci_txt(r, lang, dec)}" for _, r in e.iterrows()))


@styled
def tpt_history(data, lang: str = "id", synthetic: bool = False):
    """Published August TPT of Bontang and Kaltim (``tpt_published.csv``), with this release's estimates and CIs."""
    b_all = published_series(data, "tpt", "bontang")
    k = published_series(data, "tpt", "kaltim")
    k = k[k["series"] == "published"]
    b = b_all[b_all["series"] == "published"]
    b19o = b_all[b_all["series"] == "published_original_weights"]
    b19b = b_all[b_all["series"] == "published_backcast_supas2015"]
    has_est = data.get("tpt", "kota") is not None
    if b.empty and k.empty and not has_est:
        return None, ""
    fig, ax = _fig(8.5)
    alt_parts = []
    if not b.empty:
        ax.plot(b["year"], b["value"], "-o", color=OKABE_ITO["blue"], ms=4, lw=1.6,
                label="Bontang (BPS, dipublikasikan)" if _id(lang) else "Bontang (BPS, published)")
        last = b.iloc[-1]
        ax.annotate(fmt.number(last["value"], 2, lang), (last["year"], last["value"]), xytext=(4, 6),
                    textcoords="offset points", color=OKABE_ITO["blue"])
        alt_parts.append("Bontang (BPS) " + ", ".join(f"{int(r.year)}: {fmt.number(r.value, 2, lang)}" for r in b.itertuples()))
    if not b19o.empty and not b19b.empty:
        ax.plot(b19o["year"], b19o["value"], "^", color=OKABE_ITO["blue"], mfc="white", ms=6,
                label="2019: bobot awal / backcast SUPAS2015" if _id(lang) else "2019: original / SUPAS2015 backcast weights")
        ax.plot(b19b["year"], b19b["value"], "v", color=OKABE_ITO["blue"], mfc="white", ms=6)
    if not k.empty:
        ax.plot(k["year"], k["value"], "-s", color=OKABE_ITO["green"], ms=4, lw=1.4, label="Kalimantan Timur (BPS)")
        alt_parts.append("Kalimantan Timur " + ", ".join(f"{int(r.year)}: {fmt.number(r.value, 2, lang)}" for r in k.itertuples()))
    _release_points(ax, data, "tpt", lang, synthetic, alt_parts)
    ax.set_ylim(bottom=0)
    _pct_axis(ax, "y", lang)
    ax.set_ylabel(t("short_tpt", lang))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_title("TPT Agustus: Bontang dan Kalimantan Timur" if _id(lang) else "August TPT: Bontang and East Kalimantan")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)
    alt = (("Grafik garis TPT Agustus dalam persen. " if _id(lang) else "Line chart of the August TPT in percent. ")
           + ". ".join(alt_parts) + ".")
    return fig, alt


@styled
def poverty_history(data, lang: str = "id", synthetic: bool = False):
    """Published March P0 of Bontang (``published_poverty.csv``) with this release's estimates and CIs."""
    b = published_series(data, "p0")
    b = b[b["series"] == "published"]
    has_est = data.get("p0", "kota") is not None
    if b.empty and not has_est:
        return None, ""
    fig, ax = _fig(7.5)
    alt_parts = []
    if not b.empty:
        ax.plot(b["year"], b["value"], "-o", color=OKABE_ITO["blue"], ms=4, lw=1.6,
                label="Bontang (BPS, dipublikasikan)" if _id(lang) else "Bontang (BPS, published)")
        for _, r in b.iterrows():
            ax.annotate(fmt.number(r["value"], 2, lang), (r["year"], r["value"]), xytext=(0, 7),
                        textcoords="offset points", ha="center", fontsize=FONT_PT - 1.5, color=OKABE_ITO["blue"])
        alt_parts.append("Bontang (BPS) " + ", ".join(f"{int(r.year)}: {fmt.number(r.value, 2, lang)}" for r in b.itertuples()))
    _release_points(ax, data, "p0", lang, synthetic, alt_parts)
    ax.set_ylim(bottom=0)
    _pct_axis(ax, "y", lang)
    ax.set_ylabel(t("short_p0", lang))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_title("P0 Maret: angka BPS yang dipublikasikan dan estimasi rilis ini" if _id(lang)
                 else "March P0: published BPS figures and this release's estimates")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2)
    alt = (("Grafik garis persentase penduduk miskin (P0) Maret dalam persen. " if _id(lang)
            else "Line chart of the March poverty rate (P0) in percent. ") + ". ".join(alt_parts) + ".")
    return fig, alt


# --------------------------------------------------------------------------------------------
# skills
# --------------------------------------------------------------------------------------------
@styled
def shortage_diverging(data, lang: str = "id", top: int = 12):
    """Diverging bars of the shortage index by occupation with 95 % CIs (the ``top`` largest |index|)."""
    import textwrap
    rows = data.select("shortage_index", "occupation")
    rows = rows[rows["estimate"].notna()] if not rows.empty else rows
    if rows.empty:
        return None, ""
    rows = rows.assign(_a=rows["estimate"].abs()).sort_values(["_a", "domain_code"], ascending=[False, True],
                                                              kind="mergesort").head(top)
    rows = rows.sort_values(["estimate", "domain_code"], kind="mergesort").reset_index(drop=True)
    fig, ax = _fig(3.4 + 0.68 * len(rows))
    y = np.arange(len(rows))
    sig = (rows["ci_low"] > 0) | (rows["ci_high"] < 0)
    colors = [OKABE_ITO["vermillion"] if v > 0 else OKABE_ITO["blue"] for v in rows["estimate"]]
    bars = ax.barh(y, rows["estimate"], color=colors, height=0.62)
    for b, s in zip(bars, sig):
        if not s:
            b.set_alpha(0.45)
            b.set_hatch("///")
    ax.errorbar(rows["estimate"], y, xerr=_err(rows), fmt="none", ecolor="black", capsize=3, lw=1)
    names = ["\n".join(textwrap.wrap(f"{occupation_title(data, r.domain_code, r.domain_name, lang)} ({r.domain_code})",
                                     34, break_long_words=False)) for r in rows.itertuples()]
    ax.set_yticks(y, names, fontsize=FONT_PT - 1)
    ax.axvline(0, color="black", lw=0.8)
    lim = float(np.nanmax(np.abs(np.r_[rows["ci_low"], rows["ci_high"]]))) * 1.1
    ax.set_xlim(-lim, lim)
    _pct_axis(ax, "x", lang, 1)
    ax.grid(axis="y", visible=False)
    ax.text(0.0, -0.09 if len(rows) > 8 else -0.14, "\u2190 kelebihan pencari kerja" if _id(lang) else "\u2190 surplus of job seekers",
            transform=ax.transAxes, ha="left", va="top", color=OKABE_ITO["blue"])
    ax.text(1.0, -0.09 if len(rows) > 8 else -0.14, "kekurangan tenaga kerja \u2192" if _id(lang) else "shortage of workers \u2192",
            transform=ax.transAxes, ha="right", va="top", color=OKABE_ITO["vermillion"])
    fig.suptitle(f"{t('ind_shortage_index', lang)}, {data.period}", x=0.01, ha="left", fontweight="bold",
                 fontsize=FONT_PT + 0.5)
    short = rows[sig & (rows["estimate"] > 0)].iloc[::-1]
    surplus = rows[sig & (rows["estimate"] < 0)]
    f = lambda df: ", ".join(f"{occupation_title(data, r['domain_code'], r['domain_name'], lang)} {_ci_txt(r, lang)}"
                             for _, r in df.iterrows())
    if _id(lang):
        alt = (f"Grafik batang menyebar indeks kekurangan tenaga kerja untuk {len(rows)} jabatan dengan nilai mutlak terbesar, "
               "dengan SK 95%; batang merah ke kanan = kekurangan, biru ke kiri = kelebihan pencari kerja, batang pudar "
               f"bergaris = tidak berbeda nyata dari nol. Kekurangan nyata: {f(short) or 'tidak ada'}. "
               f"Kelebihan nyata: {f(surplus) or 'tidak ada'}.")
    else:
        alt = (f"Diverging bar chart of the shortage index for the {len(rows)} occupations with the largest absolute values, "
               "with 95% CIs; red bars to the right = shortage, blue to the left = surplus of job seekers, faded hatched "
               f"bars = not significantly different from zero. Significant shortages: {f(short) or 'none'}. "
               f"Significant surpluses: {f(surplus) or 'none'}.")
    return fig, alt


def _place_labels(ax, fig, xs, ys, labels, fontsize=FONT_PT - 1, sizes=None, inside=False):
    """Greedy, deterministic label placement: the first candidate offset that overlaps nothing."""
    offsets = [(6, 2, "left"), (-6, 2, "right"), (6, -12, "left"), (-6, -12, "right"), (0, 8, "center"),
               (0, -18, "center"), (10, 10, "left"), (-10, 10, "right"), (10, -20, "left"), (-10, -20, "right"),
               (14, 16, "left"), (-14, 16, "right"), (14, -26, "left"), (-14, -26, "right")]
    # then rings further out (a thin leader line joins a label to its point), so that a free spot
    # is always searched before a label is allowed to sit on another one
    for r in (24, 32, 40, 52, 64):
        for dx, dy in ((1, 0.4), (-1, 0.4), (1, -1), (-1, -1), (0, 1), (0, -1.4), (0.7, 1), (-0.7, 1)):
            offsets.append((int(r * dx), int(r * dy), "left" if dx > 0 else "right" if dx < 0 else "center"))
    from matplotlib.transforms import Bbox
    # settle the layout (legend, titles) first and freeze it: a constrained layout that ran after
    # the placement would move the points under labels placed in fixed point offsets
    fig.canvas.draw()
    fig.set_layout_engine("none")
    renderer = fig.canvas.get_renderer()
    placed = []
    if sizes is not None:  # scatter markers are obstacles too (size in points^2)
        pts = ax.transData.transform(np.column_stack([xs, ys]))
        for (px, py), s2 in zip(pts, sizes):
            r = 0.5 * np.sqrt(s2) * fig.dpi / 72
            placed.append(Bbox([[px - r, py - r], [px + r, py + r]]))
    order = sorted(range(len(xs)), key=lambda i: (-ys[i], xs[i]))
    for i in order:
        ann = None
        for dx, dy, ha in offsets:
            if ann is not None:
                ann.remove()
            far = abs(dx) + abs(dy) > 30
            ann = ax.annotate(labels[i], (xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points",
                              fontsize=fontsize, ha=ha, va="bottom",
                              arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "#777777"} if far else None)
            bb = ann.get_window_extent(renderer).expanded(1.02, 1.1)
            ok_inside = (not inside) or ax.get_window_extent(renderer).contains(bb.x0, bb.y0) and \
                ax.get_window_extent(renderer).contains(bb.x1, bb.y1)
            if ok_inside and not any(bb.overlaps(p) for p in placed):
                break
        placed.append(ann.get_window_extent(renderer))


# colours and markers of the skills stage's four recommendations (never colour alone: markers differ)
REC_COLORS = {"expand": OKABE_ITO["green"], "maintain": OKABE_ITO["blue"], "redesign": OKABE_ITO["orange"],
              "insufficient_evidence": OKABE_ITO["orange"], "reduce": OKABE_ITO["vermillion"],
              "close": OKABE_ITO["black"]}
REC_MARKERS = {"expand": "o", "maintain": "s", "redesign": "D", "insufficient_evidence": "D", "reduce": "v",
               "close": "X"}
REC_OTHER = ("#7F7F7F", "X")


def programme_number(program_id, i: int) -> str:
    """Label of a programme on the quadrant and in the scorecard: the digits of its id, else i+1."""
    digits = "".join(ch for ch in str(program_id) if ch.isdigit())
    return str(int(digits)) if digits else str(i + 1)


@styled
def programme_quadrant(scorecard: pd.DataFrame | None, lang: str = "id"):
    """Quadrant: target-occupation shortage index (x) × employment effect with CI (y); bubble = seats.

    Every programme of the scorecard is drawn, coloured and shaped by its recommendation
    (expand / redesign / reduce / maintain; any other code in grey); points are numbered like the
    scorecard table.
    """
    from analysis.brief.narrative import REC_ORDER, rec_word
    need = {"shortage_index", "att_pp"}
    if scorecard is None or scorecard.empty or not need <= set(scorecard.columns):
        return None, ""
    sc = scorecard.sort_values("program_id" if "program_id" in scorecard.columns else "att_pp", kind="mergesort")
    sc = sc[sc["shortage_index"].notna() & sc["att_pp"].notna()].reset_index(drop=True)
    if sc.empty:
        return None, ""
    fig, ax = _fig(12.5)
    seats = sc["seats"].to_numpy(float) if "seats" in sc.columns else np.full(len(sc), 30.0)
    seats = np.nan_to_num(seats, nan=30.0)
    size = 15 + 2.2 * seats
    if {"att_ci_low", "att_ci_high"} <= set(sc.columns):
        ax.errorbar(sc["shortage_index"], sc["att_pp"], yerr=_err(sc, "att_pp", "att_ci_low", "att_ci_high"),
                    fmt="none", ecolor="#AAAAAA", lw=0.8, capsize=1.5, zorder=1)
    recs = (sc["recommendation"].astype(str) if "recommendation" in sc.columns
            else pd.Series("", index=sc.index))
    order = [r for r in REC_ORDER if (recs == r).any()] + sorted(set(recs) - set(REC_ORDER))
    for rec in order:
        m = (recs == rec).to_numpy()
        color, marker = (REC_COLORS[rec], REC_MARKERS[rec]) if rec in REC_COLORS else REC_OTHER
        ax.scatter(sc.loc[m, "shortage_index"], sc.loc[m, "att_pp"], s=size[m], c=color, marker=marker,
                   alpha=0.85, edgecolors="black", linewidths=0.6, zorder=2,
                   label=f"{rec_word(rec, lang)} ({int(m.sum())})")
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(0, color="black", lw=0.8)
    xl = float(np.nanmax(np.abs(sc["shortage_index"]))) * 1.25
    ax.set_xlim(-xl, xl)
    _pct_axis(ax, "x", lang, 1)
    _pct_axis(ax, "y", lang, 0)
    ax.set_xlabel("Indeks kekurangan jabatan sasaran (\u2190 kelebihan | kekurangan \u2192)" if _id(lang)
                  else "Shortage index of the target occupation (\u2190 surplus | shortage \u2192)")
    ax.set_ylabel("Efek pada peluang bekerja (poin)" if _id(lang) else "Effect on employment (percentage points)")
    ax.set_title("Program pelatihan: kebutuhan pasar \u00d7 efek" if _id(lang) else "Training programmes: market need \u00d7 effect")
    ax.set_ylim(*ax.get_ylim())  # freeze limits before measuring label boxes
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=4, markerscale=0.6,
              title=("Rekomendasi (banyaknya program); ukuran titik = kursi; garis = SK 95%" if _id(lang)
                     else "Recommendation (number of programmes); marker size = seats; lines = 95% CI"))
    nums = [programme_number(r.get("program_id", ""), i) for i, (_, r) in enumerate(sc.iterrows())]
    _place_labels(ax, fig, sc["shortage_index"].to_numpy(float), sc["att_pp"].to_numpy(float), nums,
                  sizes=size, fontsize=FONT_PT - 1.5, inside=True)
    parts = []
    for num, (_, r) in zip(nums, sc.iterrows()):
        parts.append(f"{num} {r.get('program_name')}: {fmt.number(r['shortage_index'], 2, lang)} / "
                     f"{fmt.signed(r['att_pp'], 1, lang)} ({rec_word(r.get('recommendation'), lang)})")
    if _id(lang):
        alt = ("Diagram kuadran program pelatihan: sumbu mendatar indeks kekurangan jabatan sasaran, sumbu tegak efek "
               "terhadap peluang bekerja dalam poin dengan SK 95%, ukuran titik = jumlah kursi, warna dan bentuk = "
               "rekomendasi. Kanan atas = kebutuhan tinggi dan efek positif. Nomor sesuai kartu skor. "
               f"Program (indeks / efek): {_items(parts, lang)}.")
    else:
        alt = ("Quadrant chart of training programmes: horizontal axis the shortage index of the target occupation, "
               "vertical axis the effect on employment in percentage points with 95% CIs, marker size = seats, colour "
               "and shape = recommendation. Top right = high need and positive effect. Numbers as in the scorecard. "
               f"Programmes (index / effect): {_items(parts, lang)}.")
    return fig, alt


# --------------------------------------------------------------------------------------------
# targeting and progress
# --------------------------------------------------------------------------------------------
@styled
def targeting_errors(data, lang: str = "id", codes: list[str] | None = None):
    """Inclusion and exclusion errors of PKH and BPNT by area, at the poverty-line and bottom-40 cuts.

    Reads ``poverty/tables/targeting_errors.csv`` (registry, PMT-predicted eligibility; no
    sampling CI). Small multiples: columns = programme, rows = cut.
    """
    from analysis.brief.narrative import CUTS, PROGRAMMES, targeting_rows
    df = targeting_rows(data, codes)
    if df is None or df.empty:
        return None, ""
    progs = [p for p in PROGRAMMES if (df["programme"] == p).any()]
    cuts = [c for c in CUTS if (df["cut"] == c).any()]
    areas = list(dict.fromkeys(df["domain_code"]))
    names = {r.domain_code: r.domain_name for r in df.itertuples()}
    n = len(areas)
    with brief_style():
        fig, axes = plt.subplots(len(cuts), len(progs), figsize=(WIDTH_IN, (1.6 + (0.85 * n + 1.3) * len(cuts)) / 2.54),
                                 layout="constrained", sharex=True, sharey=True, squeeze=False)
    h = 0.38
    spec = (("inclusion_error", OKABE_ITO["orange"], "Kesalahan inklusi" if _id(lang) else "Inclusion error", "", -h / 2),
            ("exclusion_error", OKABE_ITO["purple"], "Kesalahan eksklusi" if _id(lang) else "Exclusion error", "..", h / 2))
    y = np.arange(n)[::-1]
    alt_parts = []
    for i, cut in enumerate(cuts):
        for j, prog in enumerate(progs):
            ax = axes[i][j]
            sub = df[(df["cut"] == cut) & (df["programme"] == prog)].set_index("domain_code").reindex(areas)
            for col, color, lab, hatch, off in spec:
                ax.barh(y + off, sub[col], height=h, color=color, hatch=hatch, edgecolor="white",
                        label=lab if (i, j) == (0, 0) else None)
                for yi, v in zip(y + off, sub[col]):
                    if not fmt.is_missing(v):
                        ax.annotate(fmt.number(v, 1, lang), (v, yi), xytext=(3, 0), textcoords="offset points",
                                    va="center", fontsize=FONT_PT - 1.5)
            ax.set_yticks(y, [names[a] for a in areas])
            ax.set_xlim(0, 118)
            ax.set_xticks([0, 25, 50, 75, 100])
            _pct_axis(ax, "x", lang)
            ax.grid(axis="y", visible=False)
            ax.set_title(f"{t(f'prog_{prog}', lang)} \u2013 {t(f'cut_{cut}', lang).lower() if _id(lang) else t(f'cut_{cut}', lang)}",
                         fontsize=FONT_PT)
            if i == len(cuts) - 1:
                ax.set_xlabel("persen" if _id(lang) else "percent")
            alt_parts.append(f"{t(f'prog_{prog}', lang)}, {t(f'cut_{cut}', lang).lower()}: " + "; ".join(
                f"{names[a]} {'inklusi' if _id(lang) else 'inclusion'} {fmt.number(r['inclusion_error'], 1, lang)}, "
                f"{'eksklusi' if _id(lang) else 'exclusion'} {fmt.number(r['exclusion_error'], 1, lang)}"
                for a, r in sub.iterrows()))
    fig.legend(loc="outside lower center", ncols=2)
    fig.suptitle("Kesalahan sasaran PKH dan BPNT (registri DTSEN, kelayakan menurut PMT)" if _id(lang)
                 else "Targeting errors of PKH and BPNT (DTSEN registry, PMT eligibility)",
                 x=0.01, ha="left", fontweight="bold", fontsize=FONT_PT + 0.5)
    alt = (("Grafik batang kesalahan inklusi dan eksklusi dalam persen (data registri, tanpa selang kepercayaan "
            "sampling): " if _id(lang) else
            "Bar charts of inclusion and exclusion errors in percent (registry data, no sampling interval): ")
           + ". ".join(alt_parts) + ".")
    return fig, alt


@styled
def progress_bars(tab: pd.DataFrame | None, lang: str = "id"):
    """Share of registry families verified, per kecamatan (or kelurahan), with counts."""
    from analysis.brief.data import pick
    if tab is None or tab.empty:
        return None, ""
    name, pct = pick(tab, "name"), pick(tab, "pct", required=False)
    done, target = pick(tab, "done", required=False), pick(tab, "target", required=False)
    if pct is None:
        return None, ""
    code = pick(tab, "code", required=False)
    df = tab.sort_values(code or name, kind="mergesort").iloc[::-1].reset_index(drop=True)
    fig, ax = _fig(2.8 + 0.8 * len(df))
    y = np.arange(len(df))
    ax.barh(y, [100] * len(df), color="#EEEEEE", height=0.6)
    colors = [OKABE_ITO["green"] if v >= 100 else OKABE_ITO["orange"] for v in df[pct]]
    ax.barh(y, df[pct], color=colors, height=0.6)
    parts = []
    for yi, (_, r) in zip(y, df.iterrows()):
        lab = fmt.percent_short(r[pct], 1, lang)
        if done and target:
            lab += f"  ({fmt.number(r[done], 0, lang)} / {fmt.number(r[target], 0, lang)} {'keluarga' if _id(lang) else 'families'})"
        ax.text(101.5, yi, lab, va="center")
        parts.append(f"{r[name]} {lab.strip()}")
    ax.set_yticks(y, df[name])
    ax.set_xlim(0, 160)
    ax.set_xticks([0, 25, 50, 75, 100])
    _pct_axis(ax, "x", lang)
    ax.grid(axis="y", visible=False)
    ax.spines["bottom"].set_bounds(0, 100)
    ax.set_xlabel("persen keluarga terverifikasi" if _id(lang) else "percent of families verified")
    ax.set_title("Kemajuan verifikasi DTSEN" if _id(lang) else "DTSEN verification progress")
    alt = (("Grafik batang kemajuan verifikasi keluarga DTSEN per wilayah (hijau = selesai, oranye = belum): " if _id(lang)
            else "Bar chart of DTSEN family verification progress by area (green = complete, orange = pending): ")
           + _items(parts[::-1], lang) + ".")
    return fig, alt
