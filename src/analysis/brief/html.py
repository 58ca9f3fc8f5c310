"""HTML fragments of the briefs (escaped, self-contained, print-friendly).

The brief notebooks display these fragments with :func:`show`; nbconvert copies them into the
page unchanged (``render.render_brief_html``). Images are PNG embedded as ``data:`` URIs; no
fragment refers to anything outside the page. Sources are printed as plain text, never as
links, so the page has no external ``href``/``src`` at all.
"""
from __future__ import annotations

import base64
import html as _html
from typing import Iterable, Sequence

from analysis.brief import fmt
from analysis.brief.i18n import t

esc = lambda s: _html.escape("" if s is None else str(s), quote=True)  # noqa: E731


def show(*parts: str) -> None:
    """Display HTML fragments in the notebook (one output per call, joined)."""
    from IPython.display import HTML, display
    display(HTML("\n".join(p for p in parts if p)))


def banner(synthetic: bool, lang: str = "id") -> str:
    """The synthetic-data banner (empty for an official run)."""
    if not synthetic:
        return ""
    return (f'<div class="synthetic-banner" role="note"><strong>{esc(t("synthetic_banner", lang))}</strong>'
            f'<span>{esc(t("synthetic_banner_detail", lang))}</span></div>')


def masthead(title: str, lang: str, fields: Sequence[tuple[str, str]], subtitle: str | None = None) -> str:
    """Title block with the reference period, release date, status … as a definition list.

    ``data-brief-title`` and ``data-lang`` carry the page title and language to the renderer.
    """
    dl = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in fields if v)
    sub = f'<p class="subtitle">{esc(subtitle)}</p>' if subtitle else ""
    return (f'<header class="masthead" data-brief-title="{esc(title)}" data-lang="{esc(lang)}">'
            f"<h1>{esc(title)}</h1>{sub}<dl>{dl}</dl></header>")


def section(title: str, anchor: str, *body: str, major: bool = False, cls: str | None = None) -> str:
    """A section with its heading; ``major`` sections start a new printed page."""
    cls = ("brief-section major" if major else "brief-section") + (f" {cls}" if cls else "")
    return f'<section class="{cls}" id="{esc(anchor)}"><h2>{esc(title)}</h2>' + "".join(b for b in body if b) + "</section>"


def h3(text: str) -> str:
    return f"<h3>{esc(text)}</h3>"


def para(text: str, cls: str | None = None) -> str:
    c = f' class="{esc(cls)}"' if cls else ""
    return f"<p{c}>{esc(text)}</p>" if text else ""


def bullets(items: Iterable[str], cls: str | None = None, exhibit: str | None = None) -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    c = f' class="{esc(cls)}"' if cls else ""
    d = f' data-exhibit="{esc(exhibit)}"' if exhibit else ""
    return f"<ul{c}{d}>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def note(text: str) -> str:
    return f'<p class="note">{esc(text)}</p>' if text else ""


def not_available(lang: str, what: str | None = None) -> str:
    """The visible placeholder of a section whose inputs are absent."""
    detail = f" {esc(t('not_available_detail', lang, what=what))}" if what else ""
    return f'<div class="not-available"><strong>{esc(t("not_available", lang).capitalize())}.</strong>{detail}</div>'


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def exhibit_tag(exhibit: str | None) -> str:
    """The exhibit ID printed with a table, chart or card (mapped in ``exhibits.csv``)."""
    return f'<span class="exhibit-id" data-exhibit="{esc(exhibit)}">[{esc(exhibit)}]</span> ' if exhibit else ""


def figure(fig, alt: str, caption: str, source: str | None, lang: str = "id", *, close: bool = True,
           exhibit: str | None = None) -> str:
    """Embed a matplotlib figure (PNG, base64) with alt text, caption and source line."""
    from analysis.brief import charts
    if fig is None:
        return not_available(lang, caption)
    png = charts.to_png(fig)
    w_in, h_in = fig.get_size_inches()
    if close:
        charts.close(fig)
    src = f'<span class="source">{esc(t("source_line", lang, source=source))}</span>' if source else ""
    style = f"width:{w_in * 2.54:.1f}cm;aspect-ratio:{w_in:.4f}/{h_in:.4f}"
    return (f'<figure class="chart"><img src="{png_data_uri(png)}" alt="{esc(alt)}" style="{style}">'
            f"<figcaption>{exhibit_tag(exhibit)}<span class=\"caption\">{esc(caption)}</span>{src}</figcaption></figure>")


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str | None = None,
          numeric: Sequence[bool] | None = None, cls: str = "data", source: str | None = None,
          lang: str = "id", exhibit: str | None = None) -> str:
    """A plain HTML table; cells are already formatted strings."""
    numeric = numeric or [False] * len(header)
    cap = f"<caption>{exhibit_tag(exhibit)}{esc(caption)}</caption>" if caption or exhibit else ""
    th = "".join(f'<th{" class=num" if n else ""}>{esc(h)}</th>' for h, n in zip(header, numeric))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if n else ""}>{esc(c)}</td>' for c, n in zip(r, numeric))
                   + "</tr>" for r in rows)
    src = f'<p class="source">{esc(t("source_line", lang, source=source))}</p>' if source else ""
    return f'<div class="table-wrap"><table class="{esc(cls)}">{cap}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>{src}</div>'


def key_figures(boxes: Sequence[dict]) -> str:
    """Highlight boxes: ``{"label", "value", "ci", "change", "quality", "period"}`` per box."""
    out = []
    for b in boxes:
        out.append(
            '<div class="keyfig">'
            f'<div class="kf-label">{exhibit_tag(b.get("exhibit"))}{esc(b.get("label"))}</div>'
            f'<div class="kf-period">{esc(b.get("period", ""))}</div>'
            f'<div class="kf-value">{esc(b.get("value"))}</div>'
            + (f'<div class="kf-ci">{esc(b["ci"])}</div>' if b.get("ci") else "")
            + (f'<div class="kf-change">{esc(b["change"])}</div>' if b.get("change") else "")
            + (f'<div class="kf-quality">{esc(b["quality"])}</div>' if b.get("quality") else "")
            + "</div>")
    return '<div class="keyfigs">' + "".join(out) + "</div>"


def deflist(pairs: Sequence[tuple[str, str]], cls: str = "defs") -> str:
    return f'<dl class="{esc(cls)}">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in pairs) + "</dl>"


def code(text: str) -> str:
    return f"<code>{esc(text)}</code>"


def footer(rows: Sequence[tuple[str, str]], lang: str, cite: str | None = None) -> str:
    """Provenance footer: a compact two-column list with monospaced values."""
    items = "".join(f"<div><dt>{esc(k)}</dt><dd><code>{esc(v)}</code></dd></div>" for k, v in rows)
    c = f'<p class="cite">{esc(cite)}</p>' if cite else ""
    return f'<footer class="provenance"><h2>{esc(t("sec_provenance", lang))}</h2><dl>{items}</dl>{c}</footer>'


def fmt_ci_cell(row: dict, lang: str) -> str:
    if fmt.is_missing(row.get("estimate")):
        return fmt.MISSING
    return fmt.ci(row.get("ci_low"), row.get("ci_high"), fmt.decimals_for(row.get("unit", "percent")), lang)
