"""The privacy gate refuses every planted finding, names the file, and passes clean outputs."""
import base64
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.brief import privacy
from analysis.brief.assemble import assemble_release
from analysis.config import load_config

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "brief"
NAMES = ["Sulastri Wulandari", "Andi Prasetyo", "Rahmat"]
ADDRESSES = ["Jl. Kenari Fiktif No. 12", "Gg. Cempaka Contoh RT 07"]
FAKE_NIK = "6474015507990001"   # NIK-shaped, invented


def gate_files(*paths, min_count=10):
    privacy.check_outputs(paths, registry_names=NAMES, registry_addresses=ADDRESSES, min_count=min_count)


def refused(*paths, kind, file):
    with pytest.raises(privacy.PrivacyError) as ei:
        gate_files(*paths)
    msg = str(ei.value)
    assert str(file) in msg, msg
    assert any(f.kind == kind and f.file == str(file) for f in ei.value.findings), msg
    return ei.value


def clean_csv(tmp_path):
    p = tmp_path / "tab.csv"
    pd.DataFrame({"domain_code": ["64.74.01", "64.74.02"], "households_target": [7145, 0],
                  "n_sample": [5, 40], "share": [12.5, 3.25]}).to_csv(p, index=False)
    return p


def html_page(tmp_path, body, name="brief.html"):
    p = tmp_path / name
    p.write_text(f"<!DOCTYPE html><html><body><main>{body}</main></body></html>", encoding="utf-8")
    return p


def test_clean_outputs_pass(tmp_path):
    gate_files(clean_csv(tmp_path), html_page(tmp_path, "<p>Persentase penduduk miskin 3,74 persen; "
                                                        "Rahmat sendiri bukan nama lengkap.</p>"))


def test_fixture_stage_outputs_pass():
    gate_files(FIX / "processed")


@pytest.mark.parametrize("where", ["csv", "html", "ipynb", "json"])
def test_nik_refused_in_every_format(tmp_path, where):
    if where == "csv":
        p = tmp_path / "t.csv"
        pd.DataFrame({"id": [FAKE_NIK], "v": [1.5]}).to_csv(p, index=False)
    elif where == "html":
        p = html_page(tmp_path, f"<table><tr><td>{FAKE_NIK}</td></tr></table>")
    elif where == "ipynb":
        p = tmp_path / "t.ipynb"
        p.write_text('{"cells": [{"outputs": [{"data": {"text/plain": ["nik ' + FAKE_NIK + '"]}}]}]}')
    else:
        p = tmp_path / "t.json"
        p.write_text('[{"no_kk": "' + FAKE_NIK + '"}]')
    err = refused(p, kind="nik", file=p)
    assert FAKE_NIK not in str(err)          # the message masks the identifier


def test_spaced_nik_and_decimals(tmp_path):
    refused(html_page(tmp_path, "<p>NIK 6474 0155 0799 0001</p>"), kind="nik", file=tmp_path / "brief.html")
    # a 16-digit decimal fraction and 16 digits inside a hash are not NIKs
    gate_files(html_page(tmp_path, "<p>0.1234567890123456 and ab1234567890123456cd</p>", "ok.html"))


def test_base64_images_are_not_scanned(tmp_path):
    payload = base64.b64encode(b"\x00" * 3 + FAKE_NIK.encode() + b"\xff" * 9).decode()
    assert any(c.isdigit() for c in payload)
    blob = "+" + FAKE_NIK + "/" + payload  # digits that would match if the payload were scanned
    p = html_page(tmp_path, f'<img src="data:image/png;base64,{blob}" alt="chart">')
    gate_files(p)
    nb = tmp_path / "x.ipynb"
    nb.write_text('{"cells": [{"outputs": [{"data": {"image/png": "' + blob + '", "text/plain": ["<Figure>"]}}]}]}')
    gate_files(nb)


def test_registry_name_refused(tmp_path):
    p = html_page(tmp_path, "<p>Penerima: SULASTRI   wulandari (Lok Tuan)</p>")
    refused(p, kind="registry_name", file=p)
    c = tmp_path / "names.csv"
    pd.DataFrame({"kepala": ["Andi Prasetyo"], "v": [20]}).to_csv(c, index=False)
    refused(c, kind="registry_name", file=c)


def test_single_tokens_and_partial_names_pass(tmp_path):
    # "Rahmat" (a one-word registry name) and "Sulastri" alone are common words for the gate
    gate_files(html_page(tmp_path, "<p>Rahmat; Wulandari dan Sulastri; Andi</p>"))


def test_registry_address_refused(tmp_path):
    c = tmp_path / "addr.csv"
    pd.DataFrame({"alamat": ["jl kenari fiktif no 12"], "v": [30]}).to_csv(c, index=False)
    refused(c, kind="registry_address", file=c)
    # a fragment of an address is not the address
    gate_files(html_page(tmp_path, "<p>Jl. Kenari Fiktif</p>", "frag.html"))


def test_small_cell_refused_zero_allowed(tmp_path):
    c = tmp_path / "small.csv"
    pd.DataFrame({"kode_kec": ["64.74.01", "64.74.02", "64.74.03"], "jumlah_kk": [0, 7, 120]}).to_csv(c, index=False)
    err = refused(c, kind="small_cell", file=c)
    assert "jumlah_kk" in str(err) and "row 3" in str(err)
    for col in ("n_poor", "count_households", "households", "persons_15plus", "Jumlah"):
        c2 = tmp_path / f"{col}.csv"
        pd.DataFrame({col: [3]}).to_csv(c2, index=False)
        refused(c2, kind="small_cell", file=c2)
    ok = tmp_path / "ok.csv"
    pd.DataFrame({"jumlah": [0, 10, 11], "n_sample": [2, 3, 4], "estimate": [1, 2, 3]}).to_csv(ok, index=False)
    gate_files(ok)


def test_small_cell_in_html_table(tmp_path):
    p = html_page(tmp_path, "<table><thead><tr><th>Wilayah</th><th>Jumlah</th></tr></thead>"
                            "<tbody><tr><td>A</td><td>1.890</td></tr><tr><td>B</td><td>4</td></tr></tbody></table>")
    refused(p, kind="small_cell", file=p)


def test_cli_exit_code_names_file(tmp_path):
    c = tmp_path / "small.csv"
    pd.DataFrame({"jumlah": [3]}).to_csv(c, index=False)
    r = subprocess.run([sys.executable, "-m", "analysis.brief.privacy", "--config", str(FIX / "config.yaml"), str(c)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and str(c) in r.stderr
    r = subprocess.run([sys.executable, "-m", "analysis.brief.privacy", "--config", str(FIX / "config.yaml"),
                        str(FIX / "processed")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_registry_identifiers_from_raw():
    names, addresses = privacy.registry_identifiers(load_config(FIX / "config.yaml"))
    assert {"Sulastri Wulandari", "Bagus Hartono"} <= names
    assert "Jl. Kenari Fiktif No. 12" in addresses


def test_assemble_refuses_before_writing(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path))
    proc = tmp_path / "data" / "processed" / "2024"
    shutil.copytree(FIX / "processed" / "2024", proc)
    cfg = load_config(FIX / "config.yaml")
    leaked = proc / "poverty" / "tables" / "leak.csv"
    pd.DataFrame({"domain_code": ["x"], "nama": ["Andi Prasetyo"]}).to_csv(leaked, index=False)
    with pytest.raises(privacy.PrivacyError) as ei:
        assemble_release(cfg)
    assert "tables/poverty/leak.csv" in str(ei.value)
    assert not (tmp_path / "reports").exists()            # nothing written
    leaked.unlink()
    rel = assemble_release(cfg)
    out = tmp_path / "reports" / "2024"
    assert (out / "estimates.csv").is_file() and (out / "tables" / "poverty" / "changes.csv").is_file()
    assert (out / "tables" / "labour" / "changes.csv").is_file() and (out / "exhibits.csv").is_file()
    est = pd.read_csv(out / "estimates.csv", dtype=str)
    assert len(est) == len(rel.estimates) and set(est["indicator"]) >= {"p0", "tpt", "shortage_index", "p0_change"}
    first = {p: p.read_bytes() for p in out.rglob("*.csv")}
    assemble_release(cfg)
    assert first == {p: p.read_bytes() for p in out.rglob("*.csv")}   # byte-identical rebuild


# -- free text, record-level tables, raw keys (issue "who sees what") ---------------------------
RAW_KEY = "202304604"    # shaped like a Susenas id_rt


def note_csv(tmp_path, note, name="notes.csv"):
    p = tmp_path / name
    pd.DataFrame({"dataset": ["susenas_2023"], "rule": ["correction"], "n_rows": [12], "detail": [note]}).to_csv(
        p, index=False)
    return p


@pytest.mark.parametrize("note", ["Tanggal lahir dikoreksi (lahir 02-12-1963, akta)",
                                  "umur dihitung ulang: tgl lahir: 2 Des 1963", "born 1963-12-02 per KK"])
def test_planted_birth_date_in_free_text_refused(tmp_path, note):
    err = refused(note_csv(tmp_path, note), kind="birth_date", file=tmp_path / "notes.csv")
    assert "1963" not in str(err)


def test_birth_date_in_html_and_notebook_refused(tmp_path):
    refused(html_page(tmp_path, "<p>Kepala keluarga lahir 02/12/1963.</p>"), kind="birth_date",
            file=tmp_path / "brief.html")
    p = tmp_path / "t.ipynb"
    p.write_text('{"cells": [{"outputs": [{"data": {"text/plain": ["detail: lahir 02-12-1963"]}}]}]}')
    refused(p, kind="birth_date", file=p)


def test_planted_raw_survey_key_refused(tmp_path):
    p = note_csv(tmp_path, f"pengeluaran rumah tangga {RAW_KEY} dikoreksi menjadi 1.250.000")
    with pytest.raises(privacy.PrivacyError) as ei:
        privacy.check_outputs([p], record_keys=[RAW_KEY])
    kinds = {f.kind for f in ei.value.findings}
    assert kinds == {"record_key", "id_digits"} and RAW_KEY not in str(ei.value)
    # even without the key list, a bare 9-digit run in a text column is identifier-like
    refused(p, kind="id_digits", file=p)
    # the same key in a notebook's text is caught through the run's raw keys
    nb = tmp_path / "k.ipynb"
    nb.write_text('{"cells": [{"outputs": [{"data": {"text/plain": ["rumah tangga ' + RAW_KEY + '"]}}]}]}')
    with pytest.raises(privacy.PrivacyError):
        privacy.check_outputs([nb], record_keys=[RAW_KEY])


def test_planted_registry_name_in_note_refused(tmp_path):
    refused(note_csv(tmp_path, "Koreksi atas laporan Bapak Andi Prasetyo ke kelurahan"), kind="registry_name",
            file=tmp_path / "notes.csv")


def test_figures_and_codes_in_text_pass(tmp_path):
    gate_files(note_csv(tmp_path, "Rp 1.250.000 per kapita; kode 64.74.01.1001; diperiksa 22/04/2025; 0.12345678"))


@pytest.mark.parametrize("col, values", [("row_key", ["8470adfff629d0fd", "1b1d8f9d945efc2d"]),
                                         ("keluarga", [f"{i:04x}adfff629d0fd" for i in range(6)]),
                                         ("tanggal_lahir", ["1963-12-02", "1970-01-05"])])
def test_record_level_tables_refused(tmp_path, col, values):
    p = tmp_path / "rows.csv"
    pd.DataFrame({col: values, "rule": ["x"] * len(values)}).to_csv(p, index=False)
    kind = "birth_date" if col == "tanggal_lahir" else "record_level"
    refused(p, kind=kind, file=p)


def test_raw_record_keys_read_from_raw_files():
    keys = privacy.raw_record_keys(load_config(ROOT / "config" / "demo-2024.yaml"))
    raw = pd.read_csv(ROOT / "data" / "raw" / "demo" / "susenas" / "susenas_kp_maret_2023.csv", dtype=str,
                      usecols=["id_rt"])
    assert set(raw["id_rt"]) <= keys
    assert any(k.startswith("KLG") for k in keys)            # registry family ids
    assert any(len(k) == 11 and k.isdigit() for k in keys)   # Sakernas id_art
