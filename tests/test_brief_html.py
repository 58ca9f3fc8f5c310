"""Briefs rendered from the fixture: self-contained, small, bannered, no code, reproducible."""
import re
import shutil
from pathlib import Path

import nbformat
import pytest

import _brief_build as bb
from analysis.brief import privacy
from analysis.brief.render import BriefRenderError, check_page, render_brief_html

EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("brief")
    return {
        "id": bb.build(root, "05_brief", "id"),
        "en": bb.build(root, "05_brief", "en"),
        "kec": bb.build(root, "06_kecamatan_brief", "id", kecamatan_code="64.74.02"),
        "root": root,
    }


@pytest.mark.parametrize("which", ["id", "en", "kec"])
def test_self_contained_and_small(built, which):
    page = built[which].read_text(encoding="utf-8")
    assert built[which].stat().st_size < 2_000_000
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "require.js" not in page and "MathJax" not in page and "<script" not in page.lower()
    imgs = re.findall(r"<img [^>]*>", page)
    assert imgs, "no figure"
    for tag in imgs:
        assert 'src="data:image/png;base64,' in tag
        alt = re.search(r'alt="([^"]+)"', tag)
        assert alt and len(alt.group(1)) > 40        # alt text describes the chart with numbers
    assert "@page { size: A4; margin: 15mm; }" in page


def test_no_code_and_no_parameters(built):
    page = built["id"].read_text(encoding="utf-8")
    for code in ("import ", "show(", "config_path", "s.context", "In&nbsp;[", "jp-InputArea"):
        assert code not in page
    assert "Traceback" not in page


def test_indonesian_content(built):
    page = built["id"].read_text(encoding="utf-8")
    assert '<html lang="id">' in page
    assert "DATA SINTETIS \u2014 bukan data resmi" in page
    assert "3,74 persen" in page and "7.110 jiwa" in page
    assert "perubahan masih dalam batas galat sampling" in page        # P0: not significant
    assert "turun 0,68 persen poin, dari 7,74 persen menjadi 7,06 persen" in page  # TPT: holds after BH
    assert "21 Mei 2025" in page                                        # SOURCE_DATE_EPOCH
    for sec in ("Keputusan untuk rapat", "Angka utama", "Poin-poin penting", "Angka resmi BPS", "Glosarium", "Lampiran", "Kemajuan pemutakhiran", "Kemiskinan menurut kecamatan",
                "Ketenagakerjaan", "AK/I", "Kesenjangan keterampilan", "Ketepatan sasaran", "Catatan kualitas",
                "Metode dan definisi", "Sumber data", "Asal-usul"):
        assert sec in page, sec
    assert "belum tersedia" not in page                                  # every input of the fixture is used


def test_real_layout_is_read(built):
    """Each stage table of the real layout reaches the page (file names as released)."""
    page = built["id"].read_text(encoding="utf-8")
    for src in ("tables/poverty/kelurahan_p0.csv", "tables/poverty/targeting_errors.csv",
                "tables/poverty/published_poverty.csv", "tables/labour/tpt_published.csv",
                "tables/labour/aki_vs_tpt.csv", "tables/skills/programme_scorecard.csv",
                "tables/clean/cleaning_summary.csv", "tables/clean/validation_report.csv"):
        assert src in page, src
    # concept notes come from the poverty stage, not from typed text
    assert "Catatan fixture: jumlah registri dan kemiskinan BPS" in page
    assert "Catatan fixture: kesalahan eksklusi" in page
    # kelurahan: direct and model, flags said honestly (one synthetic, unverified registry marked)
    assert "Dari 15 estimasi model kelurahan, 7 akurat, 6 perlu hati-hati" in page
    assert "\u2020" in page and "\u2021" in page
    # education: SD ke bawah; recommendations: the stage's codes shown beside this brief's reading
    assert "SD ke bawah" in page
    for word in ("Perluas", "Rancang ulang", "Kurangi", "Pertahankan", "Belum cukup bukti", "Ditutup"):
        assert word in page, word
    for old in ("Hentikan", "Perbaiki isi/skema", ">keep<", ">reform<"):
        assert old not in page
    # Bontang Barat's TPT change (p = 0.023, one of 14 tests) does not survive Benjamini-Hochberg
    assert "TPT Bontang Barat turun" not in page and "Satu-satunya perubahan" not in page
    assert "Dari 14 perubahan 2023–2024 yang diuji" in page and "1 tetap nyata" in page
    # published context beside the synthetic estimate
    assert "P0 Maret Kota Bontang yang dipublikasikan BPS" in page and "data sintetis" in page
    # quality: counts by flag, suppressed cells, cleaning summary (not the row-level log)
    assert "Banyaknya estimasi menurut kualitas" in page and "Sel yang ditekan dalam tabel rilis" in page
    assert "a1b2c3d4e5f60718" not in page                                # no row-level log in the brief


def test_english_content(built):
    page = built["en"].read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert "SYNTHETIC DATA \u2014 not official statistics" in page
    assert "3.74 percent" in page and "the change is within sampling error" in page
    assert "down 0.68 percentage points, from 7.74 percent to 7.06 percent" in page
    assert "Decisions for the meeting" in page and "Official BPS figures" in page and "Glossary" in page


def test_decision_page_comes_first(built):
    page = built["id"].read_text(encoding="utf-8")
    i = page.index('id="keputusan"')
    assert i < page.index('id="angka-utama"') < page.index('id="lampiran"') < page.index('id="kemiskinan"')
    dec = page[i:page.index('id="angka-utama"')]
    for ex in ("[D1a]", "[D2a]", "[D2b]", "[D3]"):
        assert ex in dec, ex
    assert "2.987 keluarga belum diverifikasi" in dec and "31 Juli 2025" in dec
    assert "Kesalahan inklusi" in dec and "Kesalahan eksklusi" in dec
    assert "PKH 12 keluarga, BPNT 12 keluarga" in dec


def test_every_exhibit_id_is_mapped(built):
    from analysis.brief.exhibits import exhibit_table
    mapped = set(exhibit_table("2024")["exhibit"])
    for which in ("id", "en", "kec"):
        page = built[which].read_text(encoding="utf-8")
        shown = set(re.findall(r'data-exhibit="([^"]+)"', page))
        assert shown and shown <= mapped, shown - mapped
        # every table, chart and headline card carries an ID
        assert page.count("<table") == len(re.findall(r'<caption><span class="exhibit-id"', page))
        assert page.count('<figure class="chart">') == len(re.findall(r'<figcaption><span class="exhibit-id"', page))
        assert page.count('class="keyfig"') == len(re.findall(r'<div class="kf-label"><span class="exhibit-id"', page))


def test_no_english_prose_in_the_indonesian_brief(built):
    from _language import english_leaks
    for which in ("id", "kec"):
        leaks = english_leaks(built[which].read_text(encoding="utf-8"))
        assert not leaks, "\n".join(leaks[:20])
    # the checker does find English: the English brief is full of it
    assert len(english_leaks(built["en"].read_text(encoding="utf-8"))) > 50


def test_banner_and_footer_agree_in_a_synthetic_run(built):
    for which in ("id", "en"):
        page = built[which].read_text(encoding="utf-8")
        assert "Boleh dikutip" not in page and "May be quoted" not in page
    assert "Jangan dikutip" in built["id"].read_text(encoding="utf-8")


def test_kecamatan_brief(built):
    page = built["kec"].read_text(encoding="utf-8")
    assert "Ringkasan Kecamatan Bontang Selatan 2024" in page
    assert "Tanjung Laut" in page and "Lok Tuan" not in page     # only its own kelurahan
    assert page.count("<img ") == 1
    assert "Batas garis kemiskinan" in page and "Verifikasi DTSEN per kelurahan" in page
    assert "belum tersedia" not in page


def test_kecamatan_significant_change_and_suppression(tmp_path):
    page = bb.build(tmp_path, "06_kecamatan_brief", "id", kecamatan_code="64.74.03").read_text(encoding="utf-8")
    assert "perubahan masih dalam batas galat sampling" in page     # p = 0.023 does not survive BH
    assert "tidak ditampilkan" in page and "sampel kurang dari 30" in page    # youth TPT suppressed, with the reason


def test_missing_inputs_give_a_note_not_a_crash(tmp_path):
    html = bb.build(tmp_path, "05_brief", "id", drop=("skills",))
    page = html.read_text(encoding="utf-8")
    assert "Bagian ini belum tersedia" in page
    assert "skills/estimates.csv" in page
    assert "Tukang las" not in page                     # no made-up skills numbers
    assert "3,74 persen" in page                        # the rest of the brief is there


def test_banner_absent_when_not_synthetic(tmp_path):
    cfg = tmp_path / "official.yaml"
    text = (bb.FIXTURE / "config.yaml").read_text().replace("synthetic: true", "synthetic: false")
    cfg.write_text(text.replace("raw_dir: tests/fixtures/brief/raw", f"raw_dir: {bb.FIXTURE / 'raw'}"))
    html = bb.build(tmp_path, "05_brief", "id", config=str(cfg))
    page = html.read_text(encoding="utf-8")
    assert "DATA SINTETIS" not in page and 'class="synthetic-banner"' not in page


def test_rebuild_is_byte_identical(built, tmp_path):
    again = bb.build(tmp_path, "05_brief", "id")
    assert again.read_bytes() == built["id"].read_bytes()


def test_render_refuses_and_writes_nothing(built, tmp_path):
    executed = built["root"] / "05_brief_id.ipynb"
    nb = nbformat.read(executed, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": "<p>Kepala keluarga: Andi Prasetyo</p>"})]))
    leaky = tmp_path / "leaky.ipynb"
    nbformat.write(nb, leaky)
    out = tmp_path / "brief.html"
    with pytest.raises(privacy.PrivacyError) as ei:
        render_brief_html(leaky, out, config_path=bb.FIXTURE_CONFIG)
    assert str(out) in str(ei.value)
    assert not out.exists()
    with pytest.raises(BriefRenderError):
        check_page("x" * 10, max_bytes=5)
    with pytest.raises(BriefRenderError):
        check_page('<a href="https://example.org">x</a>')
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=[])]))
    failed = tmp_path / "failed.ipynb"
    nbformat.write(nb, failed)
    with pytest.raises(BriefRenderError):
        render_brief_html(failed, tmp_path / "f.html")


def test_copy_executed_is_gated_too(built, tmp_path):
    executed = built["root"] / "05_brief_id.ipynb"
    dest = tmp_path / "executed" / "05_brief_id.ipynb"
    render_brief_html(executed, tmp_path / "b.html", config_path=bb.FIXTURE_CONFIG, copy_executed=dest)
    assert dest.read_bytes() == executed.read_bytes()
