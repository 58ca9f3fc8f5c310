"""Open every brief in headless Chromium (system browser via playwright).

Checks: no console error, no failed request, every <img> decoded (naturalWidth > 0); keeps a
full-page screenshot per brief under tests/artifacts/ (git-ignored). Briefs checked: those
rendered from the fixture here, plus reports/*/brief_*.html and reports/*/kecamatan/*.html when a
release exists, plus any folder in BRIEF_HTML_DIR.

Run: pytest -m browser tests/test_browser.py
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import _brief_build as bb

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        try:
            subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True, capture_output=True, timeout=600,
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        except Exception:
            try:
                subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True, timeout=300)
                subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True, capture_output=True,
                               timeout=600, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
            except Exception:
                return None
        return shutil.which("chromium")
    return None


@pytest.fixture(scope="module")
def chromium():
    path = find_chromium()
    if not path:
        pytest.skip("no chromium binary found and it could not be installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def briefs(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    pages = [bb.build(root, "05_brief", "id"), bb.build(root, "05_brief", "en"),
             bb.build(root, "06_kecamatan_brief", "id", kecamatan_code="64.74.01")]
    pages += sorted((ROOT / "reports").glob("*/brief_*.html")) + sorted((ROOT / "reports").glob("*/kecamatan/*.html"))
    extra = os.environ.get("BRIEF_HTML_DIR")
    if extra:
        pages += sorted(Path(extra).rglob("*.html"))
    return pages


def test_briefs_open_cleanly(chromium, briefs):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=chromium, args=ARGS, headless=True,
                                                   viewport={"width": 900, "height": 1270})
        for html in briefs:
            page = ctx.new_page()
            errors, failed = [], []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
            page.on("requestfailed", lambda r, f=failed: f.append(r.url))
            page.goto(html.resolve().as_uri(), wait_until="load")
            widths = page.evaluate("Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)")
            rel = html.parent.name if html.is_relative_to(ROOT / "reports") else "fixture"
            page.screenshot(path=str(ARTIFACTS / f"{rel}_{html.stem}.png"), full_page=True)
            if errors:
                problems.append(f"{html}: console errors {errors}")
            if failed:
                problems.append(f"{html}: failed requests {failed}")
            if not widths or min(widths) <= 0:
                problems.append(f"{html}: images not decoded {widths}")
            page.close()
        ctx.close()
    assert not problems, "\n".join(problems)


PHONE = {"width": 390, "height": 844}
PAGE_RE = __import__("re").compile(rb"/Type\s*/Page(?![s\w])")


def _pdf_pages(page) -> int:
    """Pages of the page printed to A4 by Chromium (the brief's own @page rules apply)."""
    return len(PAGE_RE.findall(page.pdf(prefer_css_page_size=True, print_background=True)))


# Keep only what comes before a selector (and the banner/masthead), to print one part of a brief.
KEEP_BEFORE = """sel => {
  const stop = document.querySelector(sel);
  if (!stop) return false;
  const cells = Array.from(document.querySelectorAll('main.brief > *'));
  const i = cells.findIndex(c => c === stop || c.contains(stop));
  cells.slice(i).forEach(c => c.remove());
  return true;
}"""


def test_phone_width_and_print(chromium, briefs):
    """390 px phone: no sideways scroll. Print: decisions on 1 A4 page, summary <= 2, kecamatan 1."""
    from playwright.sync_api import sync_playwright

    problems = []
    # A committed release built by an older brief code (no exhibit IDs) is checked after the
    # lead rebuilds it; fixture briefs and BRIEF_HTML_DIR are always checked.
    briefs = [b for b in briefs if "data-exhibit=" in b.read_text(encoding="utf-8")]
    assert briefs
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        ctx = browser.new_context(viewport=PHONE, device_scale_factor=1)
        for html in briefs:
            page = ctx.new_page()
            page.goto(html.resolve().as_uri(), wait_until="load")
            sw = page.evaluate("document.documentElement.scrollWidth")
            if sw > PHONE["width"]:
                wide = page.evaluate("""w => Array.from(document.querySelectorAll('body *'))
                    .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap'))
                    .slice(0, 5).map(e => e.tagName + '.' + e.className)""", PHONE["width"])
                problems.append(f"{html.name}: page is {sw} px wide at 390 px ({wide})")
            page.close()
        ctx.close()
        pctx = browser.new_context()
        for html in briefs:
            page = pctx.new_page()
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            if "kecamatan" in html.name or html.name.startswith("brief_id_64") or "06_kecamatan" in html.name:
                n = _pdf_pages(page)
                if n != 1:
                    problems.append(f"{html.name}: kecamatan brief prints on {n} A4 pages, not 1")
            elif page.query_selector("#keputusan"):
                if page.evaluate(KEEP_BEFORE, "#lampiran"):
                    n = _pdf_pages(page)
                    if n > 2:
                        problems.append(f"{html.name}: summary (decisions to glossary) prints on {n} A4 pages, not <= 2")
                page.reload(wait_until="load")
                if page.evaluate(KEEP_BEFORE, "#angka-utama"):
                    n = _pdf_pages(page)
                    if n != 1:
                        problems.append(f"{html.name}: decision page prints on {n} A4 pages, not 1")
            page.close()
        pctx.close()
        browser.close()
    assert not problems, "\n".join(problems)
