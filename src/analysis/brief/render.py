"""Executed brief notebook -> one self-contained HTML page (no code, no external resources).

Usage (the Makefile calls this after papermill and normalisation)::

    python -m analysis.brief.render EXECUTED.ipynb OUT.html --config config/demo-2024.yaml \
        [--copy-executed reports/<period>/executed/NAME.ipynb]

The page is rendered in memory with nbconvert's ``HTMLExporter`` and the ``brief`` template in
``templates/`` (outputs only; ``TagRemovePreprocessor`` enabled for ``remove_cell``,
``parameters`` and ``injected-parameters``), checked by the privacy gate together with the
executed notebook, checked for size (< 2 MB) and external references, and only then written
atomically. Nothing is written when a check fails (non-zero exit).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

from analysis.io import atomic_write_bytes, atomic_write_text

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
CSS_FILE = TEMPLATE_DIR / "brief" / "brief.css"
REMOVE_TAGS = ("remove_cell", "parameters", "injected-parameters")
MAX_BYTES = 2_000_000
EXTERNAL_RE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


class BriefRenderError(RuntimeError):
    """The rendered page breaks a rule (size, external reference)."""


def make_exporter() -> HTMLExporter:
    """HTMLExporter with the brief template, no input, tag removal switched on explicitly."""
    c = Config()
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.enabled = True  # off by default for some exporters (nbconvert #764)
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_TAGS)
    exp = HTMLExporter(config=c, template_name="brief", extra_template_basedirs=[str(TEMPLATE_DIR)])
    exp.register_preprocessor(TagRemovePreprocessor(config=c), enabled=True)
    return exp


def _meta(nb) -> tuple[str, str]:
    """Title and language from the masthead fragment (``data-brief-title``, ``data-lang``)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            h = out.get("data", {}).get("text/html")
            if not h:
                continue
            h = "".join(h) if isinstance(h, list) else h
            m = re.search(r'data-brief-title="([^"]*)" data-lang="([^"]*)"', h)
            if m:
                import html as _h
                return _h.unescape(m.group(1)), m.group(2)
    return "Brief", "id"


def render_html(nb) -> str:
    """Render a notebook node to the brief page (string)."""
    title, lang = _meta(nb)
    resources = {"brief_css": CSS_FILE.read_text(encoding="utf-8"), "brief_title": title, "brief_lang": lang}
    body, _ = make_exporter().from_notebook_node(nb, resources=resources)
    return body


def check_executed(nb, name: str = "notebook") -> None:
    """Refuse a notebook that failed (papermill writes failed notebooks to the target too)."""
    if nb.metadata.get("papermill", {}).get("exception"):
        raise BriefRenderError(f"{name}: papermill recorded an exception; not publishing")
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise BriefRenderError(f"{name}: cell {i} raised {out.get('ename')}: {out.get('evalue')}")


def check_page(text: str, name: str = "brief", max_bytes: int = MAX_BYTES) -> None:
    """Refuse a page that is too large or refers to anything outside itself."""
    size = len(text.encode("utf-8"))
    if size >= max_bytes:
        raise BriefRenderError(f"{name}: {size} bytes, limit {max_bytes}")
    m = EXTERNAL_RE.search(text)
    if m:
        raise BriefRenderError(f"{name}: external reference {text[m.start():m.start() + 80]!r}")


IMG_RE = re.compile(r"<img\b[^>]*>")
PNG_SRC_RE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=\s]+)"')
ALT_RE = re.compile(r'alt="([^"]*)"')


def extract_figures(page: str, folder: str | Path) -> list[Path]:
    """Write every chart embedded in a brief as its own PNG file, with an index of alt texts.

    The release then lists each figure in ``MANIFEST.json``, so ``make verify`` names an altered
    figure by file. Files are ``<folder>/fig-NN.png`` in page order, and ``<folder>/figures.csv``
    (``file, alt_text``).
    """
    import base64
    import html as _html

    import pandas as pd

    from analysis.io import atomic_write_csv

    folder = Path(folder)
    written, rows = [], []
    tags = [tag for tag in IMG_RE.findall(page) if PNG_SRC_RE.search(tag)]
    for i, tag in enumerate(tags, start=1):
        path = folder / f"fig-{i:02d}.png"
        atomic_write_bytes(base64.b64decode(PNG_SRC_RE.search(tag).group(1)), path)
        written.append(path)
        alt = ALT_RE.search(tag)
        rows.append({"file": path.name, "alt_text": _html.unescape(alt.group(1)) if alt else ""})
    if rows:
        atomic_write_csv(pd.DataFrame(rows), folder / "figures.csv")
    return written


def render_brief_html(executed_ipynb: str | Path, out_html: str | Path | None = None, *,
                      config_path: str | Path | None = None, copy_executed: str | Path | None = None,
                      max_bytes: int = MAX_BYTES, registry_names=None, registry_addresses=None) -> str:
    """Render an executed brief notebook to HTML; gate and write it when ``out_html`` is given.

    Parameters
    ----------
    executed_ipynb : path
        Notebook executed by papermill (normalised by nbstripout).
    out_html : path, optional
        Destination (written atomically, after the checks). ``None``: only return the text.
    config_path : path, optional
        Run config: gives the privacy threshold and the registry whose names and addresses
        must not appear (``privacy.registry_identifiers``).
    copy_executed : path, optional
        Also publish the executed notebook there (same checks, written after the HTML passes).
    registry_names, registry_addresses : iterable of str, optional
        Override the identifiers read from the registry (tests).

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    privacy.PrivacyError, BriefRenderError
        Nothing is written in that case.
    """
    from analysis.brief import privacy

    executed_ipynb = Path(executed_ipynb)
    nb = nbformat.read(executed_ipynb, as_version=4)
    check_executed(nb, executed_ipynb.name)
    page = render_html(nb)
    if out_html is None:
        return page
    out_html = Path(out_html)
    check_page(page, out_html.name, max_bytes)
    if config_path is not None and registry_names is None and registry_addresses is None:
        from analysis.config import load_config
        gate = privacy.gate_for(load_config(config_path))     # the run's gate: names, raw keys, thresholds
    else:
        min_count = 10
        if config_path is not None:
            from analysis.config import load_config
            min_count = int(load_config(config_path).privacy.get("suppression_min_count", 10))
        gate = privacy.PrivacyGate(registry_names or (), registry_addresses or (), min_count=min_count)
    gate.check_text(page, str(out_html))
    raw_nb = executed_ipynb.read_text(encoding="utf-8")
    if copy_executed is not None:
        gate.check_text(raw_nb, str(copy_executed), kind="ipynb")
    atomic_write_text(page, out_html)
    extract_figures(page, out_html.parent / "figures" / out_html.stem)
    if copy_executed is not None:
        atomic_write_bytes(raw_nb.encode("utf-8"), copy_executed)
    return page


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.brief.render", description=__doc__.split("\n\n")[0])
    ap.add_argument("executed", help="executed .ipynb")
    ap.add_argument("out", help="output .html")
    ap.add_argument("--config", help="run config (privacy threshold, registry)")
    ap.add_argument("--copy-executed", help="also publish the executed notebook to this path")
    ap.add_argument("--max-bytes", type=int, default=MAX_BYTES)
    a = ap.parse_args(argv)
    from analysis.brief.privacy import PrivacyError
    try:
        render_brief_html(a.executed, a.out, config_path=a.config, copy_executed=a.copy_executed, max_bytes=a.max_bytes)
    except (PrivacyError, BriefRenderError) as exc:
        print(f"brief not published: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
