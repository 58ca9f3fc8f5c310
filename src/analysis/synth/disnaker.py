"""Synthetic Disnaker Kota Bontang files (AK/I, vacancies, training) and the skills truth.

Everything written here is SYNTHETIC. The structure mirrors Permenaker 39/2016 (seeker, vacancy
and placement content) and the Bontang flows of ``skills_methods.md`` §7; the sizes are
calibrated to the published aggregates of ``bontang_facts.md`` §5.2 (active AK/I ~5,000-7,000,
~1,500 reported vacancy positions a year, registry V/U ~0.2-0.3, ~25-30 % women, peaks in the
school-leaving months and plant turnarounds). Every other number is a **demo assumption**: the
occupation imbalances, programme effects and noise rates below are chosen so that the skill-gap
stage has something known to recover, and are written to ``data/truth/demo/skills_truth.csv``.

Entry point: :func:`write_disnaker` (called by ``analysis.synth.build`` when present)::

    from pathlib import Path
    from analysis.synth.disnaker import write_disnaker
    write_disnaker(None, 20250521, Path("data/raw/demo"), Path("data/truth/demo"))

With ``population=None`` the seekers are independent draws (kecamatan shares from
``reference/wilayah_bontang.csv``); with a population object whose ``persons`` frame has sex, age,
education and kecamatan columns, seekers' demographics are drawn from its working-age persons.
The output is byte-identical for the same seed (CSV with fixed formats; the xlsx with fixed
document properties and zip timestamps).
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

STREAM = 0xD15A  # sub-stream of the run seed reserved for the Disnaker files
LINK_STREAM = 0x71AC  # sub-sub-stream of the tracer-card link (keeps every other draw unchanged)
# SYNTHETIC ASSUMPTION (the data model of skills_methods section 7): an employer reports a
# placement to Disnaker with this probability; the rest never reach the AK/I card.
REPORT_RATE = 0.6
START = pd.Timestamp("2022-01-01")
EXTRACT = pd.Timestamp("2025-12-31")  # extraction date of the Disnaker systems (synthetic)
YEARS = (2022, 2023, 2024, 2025)
FIXED_XLSX_TIME = datetime(2026, 1, 5, 8, 0, 0)

# Kecamatan (BPS code, 2024 population) -- the published figures of wilayah_bontang.csv, used
# only when that file is not in raw_dir/reference.
KECAMATAN_FALLBACK = {"6474020": 89010, "6474010": 71167, "6474030": 31634}

EDU_CODES = ["sd", "smp", "sma", "smk", "diploma", "universitas"]
EDU_RANK = {"sd": 1, "smp": 2, "sma": 3, "smk": 3, "diploma": 4, "universitas": 5}
EDU_ISCED = {"sd": 1, "smp": 2, "sma": 3, "smk": 3, "diploma": 5, "universitas": 6}

CERTS = ["BNSP-SMAW-3G", "BNSP-SMAW-6G", "K3-UMUM", "RIGGER-L1", "SCAFF-L1", "SIO-FORKLIFT",
         "GADA-PRATAMA"]

# ---------------------------------------------------------------------------------------------
# The occupation catalogue (KBJI 2014 = ISCO-08 unit groups used in the demo).
# code | judul (id) | title (en) | u = relative stock of seekers wanting it (0 = reference only)
# | kappa = latent imbalance (DEMO ASSUMPTION; >0 shortage) | sectors A anchor plant, C contractor,
# S services, U UMKM | required certificate | modal minimum education | base wage (Rp juta/month)
# | share of women among seekers | variants: local/official titles (';'-separated)
# ---------------------------------------------------------------------------------------------
_CATALOGUE = """
1120|Direktur Utama dan Kepala Eksekutif|Managing directors and chief executives|0|0|A|-|universitas|30|0.2|direktur;general manager
1219|Manajer Jasa Usaha dan Administrasi YTDL|Business services and administration managers nec|10|0|S|-|universitas|14|0.4|manajer administrasi;office manager;manajer HRD
1321|Manajer Industri Pengolahan|Manufacturing managers|8|0|A|-|universitas|25|0.1|plant manager;manajer produksi;production manager
1323|Manajer Konstruksi|Construction managers|10|0.3|C|-|universitas|20|0.05|project manager;manajer proyek;construction manager
1324|Manajer Pasokan, Distribusi dan YBDI|Supply, distribution and related managers|12|0|S|-|universitas|15|0.2|logistic manager;manajer logistik;supply chain manager
1420|Manajer Perdagangan Besar dan Eceran|Retail and wholesale trade managers|18|-0.3|U|-|sma|8|0.35|store manager;kepala toko;manajer toko
2141|Insinyur Industri dan Produksi|Industrial and production engineers|35|0.3|A|-|universitas|12|0.2|process engineer;insinyur produksi;production engineer;engineer proses
2142|Insinyur Sipil|Civil engineers|45|0|C|-|universitas|11|0.15|civil engineer;insinyur sipil;site engineer sipil
2144|Insinyur Mekanik|Mechanical engineers|45|0.2|A|-|universitas|12|0.1|mechanical engineer;insinyur mesin;engineer mekanikal;rotating engineer
2145|Insinyur Kimia|Chemical engineers|55|-0.3|A|-|universitas|13|0.35|chemical engineer;insinyur kimia;engineer teknik kimia
2151|Insinyur Listrik|Electrical engineers|40|0.2|A|-|universitas|12|0.1|electrical engineer;insinyur listrik;engineer elektrikal
2221|Profesional Perawat|Nursing professionals|60|0|S|-|universitas|6|0.8|perawat;ners;nurse;perawat klinik
2263|Profesional Kesehatan Lingkungan dan K3|Environmental and occupational health and hygiene professionals|18|0.5|A|-|universitas|12|0.4|HSE engineer;ahli K3 lingkungan;environmental engineer;industrial hygienist
2330|Guru Sekolah Menengah|Secondary education teachers|80|-0.6|S|-|universitas|5|0.65|guru SMA;guru SMK;guru sekolah menengah;teacher
2341|Guru Sekolah Dasar|Primary school teachers|70|-0.6|S|-|universitas|4|0.75|guru SD;guru kelas;guru sekolah dasar
2411|Akuntan|Accountants|60|-0.3|S|-|universitas|9|0.6|akuntan;accountant;staff akuntansi senior
2423|Profesional Kepegawaian dan Karier|Personnel and careers professionals|40|-0.4|S|-|universitas|9|0.6|HRD;staf HRD;HR officer;recruitment officer
2431|Profesional Periklanan dan Pemasaran|Advertising and marketing professionals|40|-0.3|S|-|universitas|7|0.55|digital marketing;marketing executive;staf pemasaran digital;social media specialist
2512|Pengembang Perangkat Lunak|Software developers|30|0|S|-|universitas|9|0.25|programmer;software developer;web developer
3111|Teknisi Ilmu Kimia dan Fisika|Chemical and physical science technicians|80|0|A|-|smk|6|0.5|analis laboratorium;analis kimia;lab analyst;laboran
3112|Teknisi Teknik Sipil|Civil engineering technicians|40|0.2|C|-|smk|6|0.15|drafter sipil;surveyor;juru ukur;teknisi sipil
3113|Teknisi Teknik Listrik|Electrical engineering technicians|70|0.3|A|-|smk|7|0.08|teknisi listrik industri;electrical technician;teknisi elektrikal
3114|Teknisi Teknik Elektronika|Electronics engineering technicians|40|0.6|A|-|diploma|8|0.1|instrument technician;teknisi instrumen;instrumentasi;teknisi elektronika
3115|Teknisi Teknik Mesin|Mechanical engineering technicians|90|0.3|A|-|smk|7|0.05|mechanical technician;teknisi mekanik;teknisi mesin;inspektor NDT;NDT technician
3116|Teknisi Teknik Kimia|Chemical engineering technicians|60|0.2|A|-|diploma|8|0.3|teknisi proses;process technician;teknisi kimia
3117|Teknisi Pertambangan dan Metalurgi|Mining and metallurgical technicians|25|0|A|-|diploma|8|0.1|teknisi tambang;mine surveyor;geologist assistant;teknisi pertambangan
3118|Juru Gambar Teknik|Draughtspersons|30|0|C|-|smk|6|0.25|drafter;draftsman;autocad drafter;juru gambar
3122|Pengawas Industri Pengolahan|Manufacturing supervisors|30|0|A|-|diploma|10|0.1|supervisor produksi;foreman produksi;production supervisor
3123|Pengawas Konstruksi|Construction supervisors|30|0.4|C|-|smk|10|0.05|supervisor konstruksi;site supervisor;mandor;foreman sipil
3131|Operator Pembangkit Listrik|Power production plant operators|25|0.4|A|-|smk|8|0.05|operator pembangkit;operator power plant;operator PLTU;operator turbin
3133|Pengendali Pabrik Pengolahan Kimia|Chemical processing plant controllers|30|2.0|A|-|diploma|11|0.08|operator CCR;operator DCS;control room operator;panel operator;board operator;operator ruang kontrol
3134|Operator Kilang Minyak dan Gas Bumi|Petroleum and natural gas refining plant operators|30|0.6|A|-|smk|10|0.05|operator kilang;operator LNG;field operator LNG;operator plant gas
3212|Teknisi Laboratorium Medis|Medical and pathology laboratory technicians|30|0|S|-|diploma|5|0.7|analis kesehatan;ATLM;teknisi lab medis
3221|Asisten Perawat|Nursing associate professionals|40|0|S|-|diploma|4|0.8|asisten perawat;perawat vokasi;nurse assistant
3257|Pengawas Kesehatan Lingkungan dan K3|Environmental and occupational health inspectors and associates|60|2.0|C|K3-UMUM|diploma|9|0.3|HSE officer;safety officer;safetyman;ahli K3 umum;petugas K3;HSE/K3;HSE inspector
3313|Asisten Ahli Akuntansi|Accounting associate professionals|80|-0.5|S|-|diploma|5|0.65|staff accounting;staf keuangan;finance staff;asisten akuntan
3322|Perwakilan Penjualan Komersial|Commercial sales representatives|90|-0.2|S|-|sma|5|0.4|sales;sales executive;marketing lapangan;sales motoris;sales canvasser
3323|Pembeli|Buyers|30|0|A|-|diploma|6|0.4|purchasing;staf pengadaan;buyer;procurement staff
3341|Pengawas Kantor|Office supervisors|30|-0.3|S|-|diploma|6|0.5|kepala administrasi;office supervisor;supervisor admin
3343|Sekretaris Administrasi dan Eksekutif|Administrative and executive secretaries|50|-0.8|S|-|diploma|6|0.9|sekretaris direksi;executive secretary;personal assistant
3512|Teknisi Operasional dan Dukungan Pengguna TIK|ICT user support technicians|60|-0.2|S|-|smk|5|0.2|IT support;teknisi komputer;helpdesk;admin IT
4110|Tenaga Tata Usaha Umum|General office clerks|900|-2.0|S|-|sma|4|0.55|admin;staf administrasi;admin kantor;tenaga administrasi;office clerk;administrasi umum;staf TU;pegawai administrasi
4120|Sekretaris (Umum)|Secretaries (general)|150|-2.0|S|-|sma|4|0.9|sekretaris;secretary;sekretaris kantor;sekretaris junior
4132|Operator Entri Data|Data entry clerks|120|-0.8|S|-|sma|4|0.6|operator komputer;data entry;input data;operator entri data
4211|Teller Bank dan YBDI|Bank tellers and related clerks|50|-0.3|S|-|sma|5|0.7|teller;teller bank;kasir bank
4222|Petugas Informasi Pusat Kontak|Contact centre information clerks|30|-0.3|S|-|sma|4|0.7|call center;customer service telepon;telemarketing
4224|Resepsionis Hotel|Hotel receptionists|40|-0.3|S|-|sma|4|0.7|resepsionis hotel;front office;FO hotel;receptionist hotel
4226|Resepsionis (Umum)|Receptionists (general)|60|-0.5|S|-|sma|4|0.8|resepsionis;receptionist;front desk
4311|Petugas Akuntansi dan Pembukuan|Accounting and bookkeeping clerks|100|-0.6|U|-|smk|4|0.7|admin keuangan;pembukuan;bookkeeper;staf pembukuan
4321|Petugas Pencatatan Persediaan|Stock clerks|160|-0.2|A|-|sma|5|0.3|admin gudang;staff gudang;warehouse admin;checker gudang;storeman;juru gudang
4323|Petugas Transportasi|Transport clerks|30|0|S|-|sma|5|0.3|admin ekspedisi;admin logistik;dispatcher;transport admin
5120|Juru Masak|Cooks|120|-0.1|U|-|smk|4|0.55|juru masak;cook;koki;chef;tukang masak
5131|Pramusaji|Waiters|120|0.1|U|-|sma|3|0.55|pelayan;waiter;waitress;pramusaji;pelayan restoran
5141|Penata Rambut|Hairdressers|120|-2.6|U|-|smp|3|0.45|tukang cukur;barber;barberman;kapster;penata rambut;pangkas rambut
5142|Ahli Kecantikan dan YBDI|Beauticians and related workers|80|-0.7|U|-|sma|3|0.95|perias;tata rias;MUA;beautician;terapis salon;make up artist
5223|Asisten Penjual Toko|Shop sales assistants|350|-0.4|U|-|sma|3|0.6|pramuniaga;SPG;SPB;shop assistant;penjaga toko;sales toko
5230|Kasir dan Petugas Tiket|Cashiers and ticket clerks|200|-0.5|U|-|sma|3|0.75|kasir;cashier;kasir toko;kasir minimarket
5311|Pekerja Perawatan Anak|Child care workers|30|0|U|-|sma|3|0.95|pengasuh anak;baby sitter;babysitter;pengasuh
5321|Asisten Perawatan Kesehatan|Health care assistants|30|0|S|-|sma|3|0.8|caregiver;perawat lansia;pramurukti
5414|Petugas Keamanan|Security guards|500|-2.0|S|GADA-PRATAMA|sma|4|0.03|satpam;security;sekuriti;petugas keamanan;security guard;satpam gada pratama
6111|Petani Tanaman Ladang dan Sayuran|Field crop and vegetable growers|40|-0.3|U|-|sd|2|0.35|petani;petani sayur;petani hidroponik;pekebun
6221|Pekerja Budidaya Perairan|Aquaculture workers|40|-0.4|U|-|sd|2|0.35|pembudidaya rumput laut;petani rumput laut;budidaya ikan;pembudidaya
6222|Pekerja Perikanan Darat dan Pantai|Inland and coastal waters fishery workers|30|-0.2|U|-|sd|2|0.05|nelayan;fisherman;anak buah kapal nelayan
7112|Tukang Batu dan YBDI|Bricklayers and related workers|60|0|C|-|smp|3|0.01|tukang batu;mason;bricklayer;tukang bangunan
7115|Tukang Kayu|Carpenters and joiners|50|0|C|-|smp|3|0.01|tukang kayu;carpenter;tukang bekisting
7119|Pekerja Rangka Bangunan YTDL|Building frame and related trades workers nec|25|2.0|C|SCAFF-L1|smp|5|0.01|scaffolder;tukang scaffolding;scaffolding erector;tukang perancah;scaffolding man
7126|Tukang Ledeng dan Pipa|Plumbers and pipe fitters|50|0.8|C|-|smk|5|0.01|pipe fitter;fitter pipa;tukang pipa;plumber;tukang ledeng
7127|Mekanik AC dan Pendingin|Air conditioning and refrigeration mechanics|50|0.2|U|-|smk|4|0.02|teknisi AC;service AC;refrigeration technician;mekanik AC
7131|Tukang Cat dan YBDI|Painters and related workers|40|0.1|C|-|smp|3|0.02|tukang cat;painter;pengecat
7132|Pengecat Semprot dan Pernis|Spray painters and varnishers|30|0.5|C|-|smp|4|0.01|sandblaster;blasting painter;spray painter;tukang blasting
7212|Tukang Las dan Pemotong Logam|Welders and flame cutters|45|2.0|C|BNSP-SMAW-6G|smk|7|0.02|welder;tukang las;juru las;welder 6G;pipe welder;welder SMAW;welder GTAW;las listrik;welder argon
7213|Pekerja Logam Lembaran|Sheet-metal workers|20|0.3|C|-|smk|4|0.02|tukang plat;sheet metal worker;plater
7214|Penyiap dan Perakit Logam Struktural|Structural-metal preparers and erectors|30|0.6|C|-|smk|5|0.01|steel erector;tukang besi konstruksi;structural fitter;erector baja
7215|Rigger dan Penyambung Kabel|Riggers and cable splicers|20|2.0|C|RIGGER-L1|smp|6|0.01|rigger;tukang rigging;rigger lifting;juru ikat beban;signalman rigger
7223|Penyetel dan Operator Perkakas Mesin Logam|Metal working machine tool setters and operators|30|0.4|C|-|smk|5|0.02|machinist;operator bubut;tukang bubut;operator CNC
7231|Mekanik dan Reparasi Kendaraan Bermotor|Motor vehicle mechanics and repairers|150|-0.3|U|-|smk|4|0.02|mekanik motor;mekanik mobil;montir;bengkel motor;automotive mechanic
7233|Mekanik dan Reparasi Mesin Pertanian dan Industri|Agricultural and industrial machinery mechanics and repairers|40|2.0|C|-|smk|8|0.02|mekanik alat berat;heavy equipment mechanic;mekanik HE;mechanic heavy equipment;fitter mekanik;millwright
7411|Teknisi Listrik Bangunan dan YBDI|Building and related electricians|80|0|U|-|smk|4|0.02|tukang listrik;instalatir listrik;electrician building;teknisi instalasi listrik
7412|Mekanik dan Pemasang Peralatan Listrik|Electrical mechanics and fitters|60|0.5|A|-|smk|6|0.02|electrician;elektrisi;electrical fitter;teknisi listrik;wireman
7421|Mekanik dan Reparasi Elektronika|Electronics mechanics and servicers|50|-0.2|U|-|smk|4|0.05|teknisi elektronik;service elektronik;tukang servis HP;teknisi HP
7512|Tukang Roti, Kue dan Gula-gula|Bakers, pastry-cooks and confectionery makers|40|-0.3|U|-|sma|3|0.7|pembuat kue;baker;tukang roti;pastry
7531|Penjahit, Pembuat Busana, dan YBDI|Tailors, dressmakers, furriers and hatters|130|-2.2|U|-|smp|3|0.85|penjahit;tailor;penjahit pakaian;tukang jahit;modiste
7543|Pemilah dan Penguji Produk|Product graders and testers|30|0.5|A|-|smk|6|0.2|QC inspector;quality control;inspektor QC;QC
8111|Penambang dan Penggali|Miners and quarriers|30|0.3|A|-|sma|7|0.02|penambang;miner;pekerja tambang;driller tambang
8131|Operator Mesin dan Pabrik Produk Kimia|Chemical products plant and machine operators|200|0.3|A|-|smk|6|0.06|operator produksi;operator lapangan;field operator;operator pabrik;operator kimia
8160|Operator Mesin Makanan dan YBDI|Food and related products machine operators|30|0|U|-|sma|3|0.4|operator mesin makanan;operator produksi makanan;operator packing
8182|Operator Mesin Uap dan Ketel Uap|Steam engine and boiler operators|20|0.5|A|-|smk|7|0.01|operator boiler;boilerman;juru ketel
8322|Pengemudi Mobil, Taksi dan Van|Car, taxi and van drivers|200|-0.5|S|-|smp|4|0.01|sopir;driver;supir;driver mobil;sopir pribadi;driver online
8332|Pengemudi Truk Berat dan Lori|Heavy truck and lorry drivers|100|0|C|-|smp|5|0.01|sopir truk;driver dump truck;driver trailer;supir truk
8342|Operator Mesin Pemindah Tanah dan YBDI|Earthmoving and related plant operators|80|0.6|C|-|smp|7|0.02|operator alat berat;operator excavator;operator dozer;operator loader;operator grader
8343|Operator Derek dan YBDI|Crane, hoist and related plant operators|25|0.9|C|-|smk|8|0.01|operator crane;crane operator;operator derek;operator mobile crane
8344|Operator Truk Pengangkat|Lifting truck operators|40|0.4|A|SIO-FORKLIFT|smp|5|0.02|operator forklift;forklift driver;driver forklift
8350|Awak Dek Kapal dan YBDI|Ships' deck crews and related workers|40|0|S|-|sma|5|0.01|ABK;anak buah kapal;deck crew;kelasi;juru mudi
9112|Pembersih dan Pembantu di Kantor dan Hotel|Cleaners and helpers in offices, hotels and other establishments|350|-0.5|S|-|sd|3|0.5|cleaning service;office boy;OB;petugas kebersihan;housekeeping;room attendant;cleaner
9312|Pekerja Kasar Teknik Sipil|Civil engineering labourers|100|0|C|-|sd|3|0.02|buruh proyek jalan;pekerja galian;labour sipil;kuli proyek
9313|Pekerja Kasar Konstruksi Bangunan|Building construction labourers|250|0|C|-|sd|3|0.02|kenek tukang;buruh bangunan;kuli bangunan;laden tukang;helper konstruksi
9321|Pengepak dengan Tangan|Hand packers|60|-0.3|A|-|sd|3|0.5|tukang packing;packer;buruh packing;packing
9329|Pekerja Kasar Industri Pengolahan YTDL|Manufacturing labourers nec|250|0.1|A|-|smp|3|0.15|helper pabrik;buruh pabrik;general worker;tenaga harian lepas;THL produksi
9333|Pekerja Bongkar Muat|Freight handlers|80|0|S|-|sd|3|0.02|buruh angkut;TKBM;porter;kuli angkut;bongkar muat
9412|Pembantu Juru Masak|Kitchen helpers|60|0|U|-|sd|2|0.5|cook helper;helper dapur;pencuci piring;steward;dishwasher
9621|Kurir, Pengantar Paket dan Porter|Messengers, package deliverers and luggage porters|120|0.2|S|-|sma|3|0.1|kurir;courier;kurir paket;delivery man
9622|Pekerja Serabutan|Odd-job persons|40|0|U|-|sd|2|0.1|tukang serabutan;pekerja serabutan;handyman
"""

# Generic titles that fit several codes (what makes a perfect classifier impossible).
GENERIC = {
    "operator": ["8131", "3133", "3134", "8342", "8343", "8344", "8160", "8182", "3131", "4132"],
    "operator produksi": ["8131", "8160", "3133", "9329"],
    "helper": ["9313", "9329", "9312", "7212", "9412", "7215", "7119"],
    "teknisi": ["3113", "3114", "3115", "7412", "7421", "7127", "3512", "7233"],
    "technician": ["3113", "3114", "3115", "7412", "7233"],
    "mekanik": ["7233", "7231", "3115", "7127"],
    "mechanic": ["7233", "7231", "3115"],
    "staff": ["4110", "3313", "4321", "3322", "4311", "2423", "3323"],
    "staf admin": ["4110", "4321", "4311", "4132", "4323"],
    "admin": ["4110", "4321", "4311", "4132", "3343", "4323"],
    "crew": ["9329", "8350", "5131", "9412", "9313", "5223"],
    "crew proyek": ["9313", "9312", "7119", "7215", "7212"],
    "fitter": ["7126", "7233", "7214", "7412"],
    "supervisor": ["3122", "3123", "3341", "1420"],
    "inspector": ["3257", "7543", "3115", "3123"],
    "engineer": ["2141", "2144", "2145", "2151", "2142"],
    "tenaga kerja": ["9329", "9313", "9112", "9333"],
    "pekerja lepas": ["9622", "9313", "9333"],
    "karyawan": ["4110", "9329", "5223", "8131"],
}
_GENERIC_BY_CODE: dict[str, list[str]] = {}
for _term, _codes in GENERIC.items():
    for _c in _codes:
        _GENERIC_BY_CODE.setdefault(_c, []).append(_term)

MAJOR_GROUPS = [
    ("0", "Tentara Nasional Indonesia dan Kepolisian", "Armed forces occupations", ""),
    ("1", "Manajer", "Managers", "3-4"),
    ("2", "Profesional", "Professionals", "4"),
    ("3", "Teknisi dan Asisten Ahli", "Technicians and associate professionals", "3"),
    ("4", "Tenaga Tata Usaha", "Clerical support workers", "2"),
    ("5", "Tenaga Usaha Jasa dan Tenaga Penjualan", "Services and sales workers", "2"),
    ("6", "Pekerja Terampil Pertanian, Kehutanan dan Perikanan",
     "Skilled agricultural, forestry and fishery workers", "2"),
    ("7", "Pekerja Pengolahan, Kerajinan dan YBDI", "Craft and related trades workers", "2"),
    ("8", "Operator dan Perakit Mesin", "Plant and machine operators, and assemblers", "2"),
    ("9", "Pekerja Kasar", "Elementary occupations", "1"),
]
SUB_MAJOR = {
    "11": ("Kepala Eksekutif, Pejabat Senior dan Anggota Legislatif", "Chief executives, senior officials and legislators"),
    "12": ("Manajer Administrasi dan Komersial", "Administrative and commercial managers"),
    "13": ("Manajer Produksi dan Jasa Khusus", "Production and specialised services managers"),
    "14": ("Manajer Perhotelan, Perdagangan dan Jasa Lainnya", "Hospitality, retail and other services managers"),
    "21": ("Profesional Ilmu Pengetahuan dan Teknik", "Science and engineering professionals"),
    "22": ("Profesional Kesehatan", "Health professionals"),
    "23": ("Profesional Pendidikan", "Teaching professionals"),
    "24": ("Profesional Bisnis dan Administrasi", "Business and administration professionals"),
    "25": ("Profesional Teknologi Informasi dan Komunikasi", "Information and communications technology professionals"),
    "31": ("Asisten Ahli Ilmu Pengetahuan dan Teknik", "Science and engineering associate professionals"),
    "32": ("Asisten Ahli Kesehatan", "Health associate professionals"),
    "33": ("Asisten Ahli Bisnis dan Administrasi", "Business and administration associate professionals"),
    "35": ("Teknisi Informasi dan Komunikasi", "Information and communications technicians"),
    "41": ("Tenaga Tata Usaha Umum dan Operator Keyboard", "General and keyboard clerks"),
    "42": ("Tenaga Layanan Pelanggan", "Customer services clerks"),
    "43": ("Tenaga Pencatatan Angka dan Material", "Numerical and material recording clerks"),
    "51": ("Tenaga Usaha Jasa Perorangan", "Personal service workers"),
    "52": ("Tenaga Penjualan", "Sales workers"),
    "53": ("Tenaga Perawatan Perorangan", "Personal care workers"),
    "54": ("Tenaga Jasa Perlindungan", "Protective services workers"),
    "61": ("Pekerja Terampil Pertanian Berorientasi Pasar", "Market-oriented skilled agricultural workers"),
    "62": ("Pekerja Terampil Kehutanan, Perikanan dan Perburuan", "Market-oriented skilled forestry, fishery and hunting workers"),
    "71": ("Pekerja Bangunan dan YBDI, Kecuali Listrik", "Building and related trades workers, excluding electricians"),
    "72": ("Pekerja Logam, Mesin dan YBDI", "Metal, machinery and related trades workers"),
    "74": ("Pekerja Listrik dan Elektronika", "Electrical and electronic trades workers"),
    "75": ("Pekerja Pengolahan Makanan, Kayu, Garmen dan Kerajinan Lainnya", "Food processing, wood working, garment and other craft and related trades workers"),
    "81": ("Operator Mesin dan Pabrik Stasioner", "Stationary plant and machine operators"),
    "83": ("Pengemudi dan Operator Alat Bergerak", "Drivers and mobile plant operators"),
    "91": ("Pembersih dan Pembantu", "Cleaners and helpers"),
    "93": ("Pekerja Kasar Pertambangan, Konstruksi, Industri Pengolahan dan Transportasi", "Labourers in mining, construction, manufacturing and transport"),
    "94": ("Asisten Penyiapan Makanan", "Food preparation assistants"),
    "96": ("Pekerja Kasar Lainnya", "Refuse workers and other elementary workers"),
}
MINOR = {
    "112": ("Direktur Pelaksana dan Kepala Eksekutif", "Managing directors and chief executives"),
    "121": ("Manajer Jasa Usaha dan Administrasi", "Business services and administration managers"),
    "132": ("Manajer Industri Pengolahan, Pertambangan, Konstruksi dan Distribusi", "Manufacturing, mining, construction, and distribution managers"),
    "142": ("Manajer Perdagangan Besar dan Eceran", "Retail and wholesale trade managers"),
    "214": ("Insinyur (Kecuali Elektroteknologi)", "Engineering professionals (excluding electrotechnology)"),
    "215": ("Insinyur Elektroteknologi", "Electrotechnology engineers"),
    "222": ("Profesional Keperawatan dan Kebidanan", "Nursing and midwifery professionals"),
    "226": ("Profesional Kesehatan Lainnya", "Other health professionals"),
    "233": ("Guru Sekolah Menengah", "Secondary education teachers"),
    "234": ("Guru Sekolah Dasar dan Anak Usia Dini", "Primary school and early childhood teachers"),
    "241": ("Profesional Keuangan", "Finance professionals"),
    "242": ("Profesional Administrasi", "Administration professionals"),
    "243": ("Profesional Penjualan, Pemasaran dan Hubungan Masyarakat", "Sales, marketing and public relations professionals"),
    "251": ("Pengembang dan Analis Perangkat Lunak dan Aplikasi", "Software and applications developers and analysts"),
    "311": ("Teknisi Ilmu Fisika dan Teknik", "Physical and engineering science technicians"),
    "312": ("Pengawas Pertambangan, Industri Pengolahan dan Konstruksi", "Mining, manufacturing and construction supervisors"),
    "313": ("Teknisi Pengendali Proses", "Process control technicians"),
    "321": ("Teknisi Medis dan Farmasi", "Medical and pharmaceutical technicians"),
    "322": ("Asisten Ahli Keperawatan dan Kebidanan", "Nursing and midwifery associate professionals"),
    "325": ("Asisten Ahli Kesehatan Lainnya", "Other health associate professionals"),
    "331": ("Asisten Ahli Keuangan dan Matematika", "Financial and mathematical associate professionals"),
    "332": ("Agen Penjualan dan Pembelian", "Sales and purchasing agents and brokers"),
    "334": ("Sekretaris Administrasi dan Khusus", "Administrative and specialised secretaries"),
    "351": ("Teknisi Operasional dan Dukungan Pengguna TIK", "ICT operations and user support technicians"),
    "411": ("Tenaga Tata Usaha Umum", "General office clerks"),
    "412": ("Sekretaris (Umum)", "Secretaries (general)"),
    "413": ("Operator Keyboard", "Keyboard operators"),
    "421": ("Teller, Penagih dan YBDI", "Tellers, money collectors and related clerks"),
    "422": ("Petugas Informasi Pelanggan", "Client information workers"),
    "431": ("Petugas Pencatatan Angka", "Numerical clerks"),
    "432": ("Petugas Pencatatan Material dan Transportasi", "Material-recording and transport clerks"),
    "512": ("Juru Masak", "Cooks"),
    "513": ("Pramusaji dan Bartender", "Waiters and bartenders"),
    "514": ("Penata Rambut, Ahli Kecantikan dan YBDI", "Hairdressers, beauticians and related workers"),
    "522": ("Penjual di Toko", "Shop salespersons"),
    "523": ("Kasir dan Petugas Tiket", "Cashiers and ticket clerks"),
    "531": ("Pekerja Perawatan Anak dan Asisten Guru", "Child care workers and teachers' aides"),
    "532": ("Pekerja Perawatan Perorangan di Layanan Kesehatan", "Personal care workers in health services"),
    "541": ("Pekerja Jasa Perlindungan", "Protective services workers"),
    "611": ("Petani Hortikultura dan Tanaman", "Market gardeners and crop growers"),
    "622": ("Pekerja Perikanan, Pemburu dan Penjerat", "Fishery workers, hunters and trappers"),
    "711": ("Pekerja Rangka Bangunan dan YBDI", "Building frame and related trades workers"),
    "712": ("Pekerja Penyelesaian Bangunan dan YBDI", "Building finishers and related trades workers"),
    "713": ("Tukang Cat, Pembersih Struktur Bangunan dan YBDI", "Painters, building structure cleaners and related trades workers"),
    "721": ("Pekerja Logam Lembaran dan Struktural, Pencetak, Tukang Las dan YBDI", "Sheet and structural metal workers, moulders and welders, and related workers"),
    "722": ("Pandai Besi, Pembuat Perkakas dan YBDI", "Blacksmiths, toolmakers and related trades workers"),
    "723": ("Mekanik dan Reparasi Mesin", "Machinery mechanics and repairers"),
    "741": ("Pemasang dan Reparasi Peralatan Listrik", "Electrical equipment installers and repairers"),
    "742": ("Pemasang dan Reparasi Elektronika dan Telekomunikasi", "Electronics and telecommunications installers and repairers"),
    "751": ("Pekerja Pengolahan Makanan dan YBDI", "Food processing and related trades workers"),
    "753": ("Pekerja Garmen dan YBDI", "Garment and related trades workers"),
    "754": ("Pekerja Kerajinan dan YBDI Lainnya", "Other craft and related workers"),
    "811": ("Operator Pabrik Pertambangan dan Pengolahan Mineral", "Mining and mineral processing plant operators"),
    "813": ("Operator Mesin dan Pabrik Produk Kimia dan Fotografi", "Chemical and photographic products plant and machine operators"),
    "816": ("Operator Mesin Makanan dan YBDI", "Food and related products machine operators"),
    "818": ("Operator Mesin dan Pabrik Stasioner Lainnya", "Other stationary plant and machine operators"),
    "832": ("Pengemudi Mobil, Van dan Sepeda Motor", "Car, van and motorcycle drivers"),
    "833": ("Pengemudi Truk Berat dan Bus", "Heavy truck and bus drivers"),
    "834": ("Operator Alat Bergerak", "Mobile plant operators"),
    "835": ("Awak Dek Kapal dan YBDI", "Ships' deck crews and related workers"),
    "911": ("Pembersih dan Pembantu Rumah Tangga, Hotel dan Kantor", "Domestic, hotel and office cleaners and helpers"),
    "931": ("Pekerja Kasar Pertambangan dan Konstruksi", "Mining and construction labourers"),
    "932": ("Pekerja Kasar Industri Pengolahan", "Manufacturing labourers"),
    "933": ("Pekerja Kasar Transportasi dan Pergudangan", "Transport and storage labourers"),
    "941": ("Asisten Penyiapan Makanan", "Food preparation assistants"),
    "962": ("Pekerja Kasar Lainnya", "Other elementary workers"),
}

KBLI_SECTIONS = [
    ("A", "Pertanian, Kehutanan dan Perikanan", "Agriculture, forestry and fishing"),
    ("B", "Pertambangan dan Penggalian", "Mining and quarrying"),
    ("C", "Industri Pengolahan", "Manufacturing"),
    ("D", "Pengadaan Listrik, Gas, Uap/Air Panas dan Udara Dingin",
     "Electricity, gas, steam and air conditioning supply"),
    ("E", "Treatment Air, Treatment Air Limbah, Treatment dan Pemulihan Material Sampah, dan Aktivitas Remediasi",
     "Water supply; sewerage, waste management and remediation activities"),
    ("F", "Konstruksi", "Construction"),
    ("G", "Perdagangan Besar dan Eceran; Reparasi dan Perawatan Mobil dan Sepeda Motor",
     "Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    ("H", "Pengangkutan dan Pergudangan", "Transportation and storage"),
    ("I", "Penyediaan Akomodasi dan Penyediaan Makan Minum", "Accommodation and food service activities"),
    ("J", "Informasi dan Komunikasi", "Information and communication"),
    ("K", "Aktivitas Keuangan dan Asuransi", "Financial and insurance activities"),
    ("L", "Real Estat", "Real estate activities"),
    ("M", "Aktivitas Profesional, Ilmiah dan Teknis", "Professional, scientific and technical activities"),
    ("N", "Aktivitas Penyewaan dan Sewa Guna Usaha Tanpa Hak Opsi, Ketenagakerjaan, Agen Perjalanan dan Penunjang Usaha Lainnya",
     "Administrative and support service activities"),
    ("O", "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib",
     "Public administration and defence; compulsory social security"),
    ("P", "Pendidikan", "Education"),
    ("Q", "Aktivitas Kesehatan Manusia dan Aktivitas Sosial", "Human health and social work activities"),
    ("R", "Kesenian, Hiburan dan Rekreasi", "Arts, entertainment and recreation"),
    ("S", "Aktivitas Jasa Lainnya", "Other service activities"),
    ("T", "Aktivitas Rumah Tangga sebagai Pemberi Kerja; Aktivitas yang Menghasilkan Barang dan Jasa oleh Rumah Tangga yang Digunakan untuk Memenuhi Kebutuhan Sendiri",
     "Activities of households as employers; undifferentiated goods- and services-producing activities of households for own use"),
    ("U", "Aktivitas Badan Internasional dan Badan Ekstra Internasional Lainnya",
     "Activities of extraterritorial organizations and bodies"),
]

# Training programmes (DEMO ASSUMPTIONS: providers, costs, effects). true_att is the effect on
# employment (wage or self) 6 months after training in percentage points / 100; 'self' marks
# programmes whose effect works through self-employment.
# id | name | provider_type | target kbji (code:weight) | certificate | days | cost (Rp juta)
# | cohorts/yr | oversubscription | true ATT | self | funding
_PROGRAMMES = """
P01|Welder SMAW 3G (Plate)|BLKI-Prov UPTD|7212:1.0|BNSP-SMAW-3G|80|9.0|3|1.45|0.06|0|APBD Prov
P02|Welder SMAW 3G|LPK swasta|7212:1.0|BNSP-SMAW-3G|40|7.5|2|1.25|0.05|0|APBD Kota
P03|Pipe Welder 6G GTAW-SMAW|CSR|7212:1.0|BNSP-SMAW-6G|90|18.0|1|1.6|0.10|0|CSR
P04|Pipe Welder 6G SMAW|LPK swasta|7212:1.0|BNSP-SMAW-6G|60|14.0|1|1.4|0.09|0|APBD Kota
P05|Rigger|LPK swasta|7215:1.0|RIGGER-L1|12|6.0|2|1.4|0.09|0|APBD Kota
P06|Scaffolding|LPK swasta|7119:1.0|SCAFF-L1|12|5.5|2|1.35|0.08|0|APBD Kota
P07|Scaffolding Inspector Dasar|CSR|7119:1.0|SCAFF-L1|15|7.0|1|1.3|0.08|0|CSR
P08|K3 Umum|Disnaker-APBD|3257:0.7;3115:0.3|K3-UMUM|12|4.5|3|1.45|0.06|0|APBD Kota
P09|K3 Umum|LPK swasta|3257:0.7;3115:0.3|K3-UMUM|12|5.0|1|1.3|0.05|0|APBD Kota
P10|Mekanik Alat Berat|BLKI-Prov UPTD|7233:1.0|-|100|12.0|2|1.35|0.08|0|APBD Prov
P11|Operator Alat Berat (Excavator)|LPK swasta|8342:1.0|-|20|9.0|2|1.3|0.05|0|APBD Kota
P12|Operator Forklift|LPK swasta|8344:1.0|SIO-FORKLIFT|8|4.0|2|1.2|0.05|0|APBD Kota
P13|Pemasangan Instalasi Listrik Bangunan Sederhana|BLKI-Prov UPTD|7411:1.0|-|80|6.5|2|1.25|0.04|0|APBD Prov
P14|Otomasi Listrik Industri|BLKI-Prov UPTD|7412:0.6;3113:0.4|-|100|9.0|1|1.3|0.05|0|APBD Prov
P15|Operator Proses Industri Kimia (Control Room Dasar)|CSR|3133:0.7;8131:0.3|-|60|15.0|1|1.5|0.07|0|CSR
P16|Teknisi AC dan Refrigerasi|BLKI-Prov UPTD|7127:1.0|-|80|6.0|2|1.2|0.05|0|APBD Prov
P17|Mekanik Sepeda Motor|BLKI-Prov UPTD|7231:1.0|-|80|5.5|2|1.2|0.03|0|APBD Prov
P18|Sekretaris Junior|BLKI-Prov UPTD|4120:0.6;3343:0.4|-|80|5.0|2|1.25|0.00|0|APBD Prov
P19|Administrasi Perkantoran|Disnaker-APBD|4110:1.0|-|20|3.5|3|1.3|0.00|0|APBD Kota
P20|Administrasi Perkantoran|LPK swasta|4110:1.0|-|20|3.5|2|1.2|0.00|0|APBD Kota
P21|Menjahit Pakaian Wanita Dewasa|BLKI-Prov UPTD|7531:1.0|-|80|5.0|2|1.2|0.04|1|APBD Prov
P22|Menjahit Pakaian|LPK swasta|7531:1.0|-|20|3.5|1|1.15|0.03|1|APBD Kota
P23|Barbershop|LPK swasta|5141:1.0|-|14|3.0|2|1.2|0.04|1|APBD Kota
P24|Tata Rias|LPK swasta|5142:1.0|-|14|3.5|2|1.2|0.04|1|APBD Kota
P25|Tata Boga|Disnaker-APBD|5120:0.5;7512:0.5|-|14|3.5|2|1.25|0.04|1|APBD Kota
P26|Hidroponik|BLKI-Prov UPTD|6111:1.0|-|40|3.0|1|1.1|0.02|1|APBD Prov
P27|Housekeeping|BLKI-Prov UPTD|9112:1.0|-|40|3.5|2|1.15|0.03|0|APBD Prov
P28|Satpam Gada Pratama|LPK swasta|5414:1.0|GADA-PRATAMA|23|4.5|2|1.3|0.02|0|APBD Kota
P29|Budidaya Rumput Laut|Disnaker-APBD|6221:1.0|-|8|2.5|1|1.1|0.02|1|APBD Kota
P30|Digital Marketing UMKM|online-Prakerja|2431:0.3;5223:0.7|-|10|3.5|2|1.2|0.02|1|APBN
P31|Operator Komputer|BLK Komunitas|4132:1.0|-|30|2.5|2|1.15|0.01|0|APBN
P32|Welder SMAW 3G|BLK Komunitas|7212:1.0|BNSP-SMAW-3G|45|6.0|1|1.3|0.05|0|APBN
"""

SECTOR_TYPES = {"A": "anchor_plant", "C": "contractor", "S": "services", "U": "umkm"}
FIELD_BY_MG = {  # education field (program keahlian / jurusan) and ISCED-F broad field
    "1": ("Manajemen", "04"), "2": ("Teknik", "07"), "3": ("Teknik Mesin/Kimia/Listrik", "07"),
    "4": ("Otomatisasi dan Tata Kelola Perkantoran", "04"), "5": ("Tata Boga/Kecantikan/Pemasaran", "10"),
    "6": ("Agribisnis", "08"), "7": ("Teknik Pengelasan/Bangunan/Otomotif", "07"),
    "8": ("Teknik Kimia Industri/Alat Berat", "07"), "9": ("Umum", "00"),
}


def catalogue() -> pd.DataFrame:
    """Occupation catalogue of the demo (KBJI 4-digit rows with their demo parameters)."""
    rows = [line.split("|") for line in _CATALOGUE.strip().splitlines()]
    df = pd.DataFrame(rows, columns=["kbji4", "title_id", "title_en", "u", "kappa", "sectors", "cert",
                                     "min_edu", "wage", "female", "variants"])
    for c in ("u", "kappa", "wage", "female"):
        df[c] = df[c].astype(float)
    df["cert"] = df["cert"].replace("-", "")
    return df


def programmes() -> pd.DataFrame:
    """Training programme table of the demo (with the true ATT, a demo assumption)."""
    rows = [line.split("|") for line in _PROGRAMMES.strip().splitlines()]
    df = pd.DataFrame(rows, columns=["program_id", "program_name", "provider_type", "target_kbji",
                                     "certificate", "duration_days", "cost_juta", "cohorts_per_year",
                                     "oversub", "true_att", "self_emp", "funding_source"])
    for c in ("duration_days", "cohorts_per_year", "self_emp"):
        df[c] = df[c].astype(int)
    for c in ("cost_juta", "oversub", "true_att"):
        df[c] = df[c].astype(float)
    df["certificate"] = df["certificate"].replace("-", "")
    return df


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def _months(ts: pd.Series | pd.DatetimeIndex, months: np.ndarray) -> pd.Series:
    """Add integer months to timestamps (vectorised through monthly periods)."""
    ts = pd.Series(pd.to_datetime(ts)).reset_index(drop=True)
    per = ts.dt.to_period("M")
    day = np.minimum(ts.dt.day.to_numpy(), 28)
    new = (per + np.asarray(months, dtype=int)).dt.to_timestamp()
    return new + pd.to_timedelta(day - 1, unit="D")


def _kecamatan_shares(raw_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    f = Path(raw_dir) / "reference" / "wilayah_bontang.csv"
    table = dict(KECAMATAN_FALLBACK)
    if f.exists():
        w = pd.read_csv(f, dtype=str)
        kec = w[(w["level"] == "kecamatan") & w["bps_code"].notna() & w["population_2024"].notna()]
        if len(kec) == 3:
            table = {r.bps_code: float(r.population_2024) for r in kec.itertuples()}
    codes = np.array(sorted(table))
    pop = np.array([table[c] for c in codes], dtype=float)
    return codes, pop / pop.sum()


_SYL = ["ar", "di", "ra", "ma", "sa", "ti", "na", "wan", "ri", "ka", "yu", "ni", "to", "ha", "fi",
        "la", "de", "wi", "ja", "nu", "ro", "si", "ta", "bu", "mi", "an", "in", "ad", "ri", "sya"]
_STREETS = ["Jl. Sintetis", "Jl. Contoh", "Jl. Dummy", "Gg. Fiktif", "Jl. Demo", "Jl. Rekaan"]


def _fake_names(rng, n) -> np.ndarray:
    """Synthetic name-like strings built from syllables (no real names)."""
    s = np.array(_SYL)
    a = s[rng.integers(0, len(s), (n, 3))]
    b = s[rng.integers(0, len(s), (n, 2))]
    first = pd.Series(a[:, 0]).str.cat([a[:, 1], a[:, 2]]).str.capitalize()
    last = pd.Series(b[:, 0]).str.cat(b[:, 1]).str.capitalize()
    return (first + " " + last + " (sintetis)").to_numpy()


def _fake_addresses(rng, n) -> np.ndarray:
    st = np.array(_STREETS)[rng.integers(0, len(_STREETS), n)]
    no = rng.integers(1, 200, n).astype(str)
    rt = pd.Series(rng.integers(1, 60, n)).map("{:02d}".format)
    return (pd.Series(st) + " No. " + no + ", RT " + rt).to_numpy()


# ---------------------------------------------------------------------------------------------
# Messy free-text titles
# ---------------------------------------------------------------------------------------------
_PREFIX = ["dibutuhkan ", "lowongan ", "urgent ", "hiring ", "dicari ", "req. ", "loker ", "BU: "]
_SUFFIX = [" (PKWT)", " - project TA", " shutdown", " pengalaman min 2 thn", " min SMK", " utk proyek pabrik",
           " area Bontang", " lokal Bontang", " (kontrak 6 bln)", " site Lok Tuan", " bersertifikat",
           " - urgent!!", " 2 org", " exp.", " senior", " junior", " KIE", " fresh graduate"]
_ABBREV = [("operator", "opr"), ("operator", "op."), ("teknisi", "tek."), ("teknisi", "tknisi"),
           ("administrasi", "adm"), ("mekanik", "mek."), ("supervisor", "spv"), ("assistant", "asst"),
           ("staff", "staf"), ("electrical", "elect."), ("mechanic", "mech."), ("security", "scurity"),
           ("welder", "welders"), ("produksi", "prod."), ("gudang", "gdg"), ("lapangan", "lap.")]
_AK1_PREFIX = ["ingin jadi ", "kerja ", "pengalaman ", "bisa ", "", "", "mencari kerja "]
_AK1_SUFFIX = [" / apa saja", " atau lainnya", ", siap kerja", " (ada sertifikat)", " pengalaman 1 thn",
               " dll", " / helper", " / admin"]


def _title_variants(cat: pd.DataFrame) -> pd.DataFrame:
    """Long table code -> candidate title with a weight (official titles rarer than local ones)."""
    rows = []
    for r in cat.itertuples():
        rows.append((r.kbji4, r.title_id.lower(), 0.25))
        rows.append((r.kbji4, r.title_en.lower(), 0.3))
        for v in r.variants.split(";"):
            rows.append((r.kbji4, v, 1.0))
    return pd.DataFrame(rows, columns=["kbji4", "text", "w"])


def _typo(rng, texts: np.ndarray, p: float) -> np.ndarray:
    """One random character edit (drop, double, swap, neighbour key) in a share p of texts."""
    n = len(texts)
    hit = rng.random(n) < p
    kind = rng.integers(0, 4, n)
    pos_u = rng.random(n)
    letters = np.array(list("aeiounrstlkm"))
    rep = letters[rng.integers(0, len(letters), n)]
    out = texts.copy()
    for i in np.flatnonzero(hit):  # string surgery: no vectorised equivalent
        t = out[i]
        if len(t) < 4:
            continue
        j = 1 + int(pos_u[i] * (len(t) - 2))
        k = kind[i]
        if k == 0:
            t = t[:j] + t[j + 1:]
        elif k == 1:
            t = t[:j] + t[j] + t[j:]
        elif k == 2:
            t = t[:j - 1] + t[j] + t[j - 1] + t[j + 1:]
        else:
            t = t[:j] + rep[i] + t[j + 1:]
        out[i] = t
    return out


def make_titles(rng, codes: np.ndarray, cat: pd.DataFrame, *, kind: str = "vacancy",
                p_generic: float = 0.17) -> np.ndarray:
    """Noisy free-text job titles for true KBJI codes.

    Mixes official titles (ID/EN), local terms, generic titles that fit several codes
    (``operator``, ``helper``, ``teknisi``, ``staff``, ``crew`` ...), abbreviations, decorations,
    case changes and typos -- the things that keep a title classifier honest.
    """
    codes = np.asarray(codes).astype(str)
    n = len(codes)
    var = _title_variants(cat)
    out = np.empty(n, dtype=object)
    u = rng.random(n)
    for code, idx in pd.Series(np.arange(n)).groupby(codes):  # loop over codes, not rows
        v = var[var["kbji4"] == code]
        cw = np.cumsum(v["w"].to_numpy())
        pick = np.searchsorted(cw / cw[-1], u[idx.to_numpy()], side="right")
        out[idx.to_numpy()] = v["text"].to_numpy()[np.minimum(pick, len(v) - 1)]
    # generic titles
    gen_u = rng.random(n)
    gen_pick = rng.random(n)
    for code, idx in pd.Series(np.arange(n)).groupby(codes):
        terms = _GENERIC_BY_CODE.get(code)
        if not terms:
            continue
        ii = idx.to_numpy()
        sel = ii[gen_u[ii] < p_generic * 1.6]
        if len(sel):
            out[sel] = np.array(terms, dtype=object)[(gen_pick[sel] * len(terms)).astype(int)]
    # abbreviations
    ab = rng.random(n) < 0.25
    which = rng.integers(0, len(_ABBREV), n)
    s = pd.Series(out, dtype=object)
    for k, (a, b) in enumerate(_ABBREV):
        m = ab & (which == k)
        if m.any():
            s[m] = s[m].str.replace(a, b, regex=False)
    out = s.to_numpy(dtype=object)
    # decorations
    pre, suf = (_PREFIX, _SUFFIX) if kind == "vacancy" else (_AK1_PREFIX, _AK1_SUFFIX)
    p_pre, p_suf = (0.25, 0.35) if kind == "vacancy" else (0.3, 0.25)
    hp = rng.random(n) < p_pre
    hs = rng.random(n) < p_suf
    prefix = np.where(hp, np.array(pre, dtype=object)[rng.integers(0, len(pre), n)], "")
    suffix = np.where(hs, np.array(suf, dtype=object)[rng.integers(0, len(suf), n)], "")
    out = (pd.Series(prefix) + pd.Series(out) + pd.Series(suffix)).to_numpy(dtype=object)
    out = _typo(rng, out, 0.18 if kind == "vacancy" else 0.25)
    case = rng.random(n)
    s = pd.Series(out, dtype=object)
    s = s.where(case >= 0.3, s.str.upper())
    s = s.where((case < 0.3) | (case >= 0.55), s.str.title())
    # double spaces / stray punctuation
    sp = rng.random(n) < 0.08
    s = s.where(~sp, s.str.replace(" ", "  ", n=1, regex=False))
    return s.str.strip().to_numpy(dtype=object)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
def _employers(rng, kec_codes, kec_p) -> pd.DataFrame:
    spec = [  # type, n, kbli category, division pool, size classes, employees (low, high), location
        ("anchor_plant", 6, None, None, ["besar"], (600, 3500), "estate"),
        ("contractor", 25, "F", ["42", "43", "71", "33"], ["menengah", "besar"], (40, 800), "estate"),
        ("services", 40, None, None, ["kecil", "menengah", "besar"], (10, 400), "city"),
        ("umkm", 79, None, None, ["mikro", "kecil"], (2, 30), "city"),
    ]
    anchors = [("C", "20", "pupuk"), ("B", "06", "lng"), ("C", "20", "metanol"), ("C", "20", "amonium_nitrat"),
               ("C", "20", "amonia"), ("B", "05", "batubara")]
    services = [("N", "80"), ("N", "81"), ("I", "56"), ("H", "52"), ("H", "49"), ("G", "47"), ("Q", "86"),
                ("P", "85"), ("K", "64"), ("I", "55"), ("N", "78"), ("J", "62")]
    umkm = [("G", "47"), ("I", "56"), ("S", "96"), ("C", "14"), ("C", "10"), ("G", "45"), ("A", "03"),
            ("A", "01"), ("S", "95")]
    rows = []
    eid = 0
    for typ, n, cat, divs, sizes, (lo, hi), loc in spec:
        for k in range(n):
            eid += 1
            if typ == "anchor_plant":
                kc, dv, sub = anchors[k]
            elif typ == "contractor":
                kc, dv, sub = ("F" if k % 4 else "M"), divs[k % len(divs)], "epc_maintenance"
                if dv == "33":
                    kc = "C"
            elif typ == "services":
                kc, dv = services[k % len(services)]
                sub = "services"
            else:
                kc, dv = umkm[k % len(umkm)]
                sub = "umkm"
            rows.append((f"EMP-{eid:04d}", typ, sub, kc, dv, sizes[k % len(sizes)], loc))
    df = pd.DataFrame(rows, columns=["employer_id", "employer_type", "subtype", "kbli_category",
                                     "kbli2020_2d", "size_class", "location"])
    n = len(df)
    lo = df["employer_type"].map({s[0]: s[5][0] for s in spec}).to_numpy()
    hi = df["employer_type"].map({s[0]: s[5][1] for s in spec}).to_numpy()
    df["employees"] = np.round(np.exp(rng.uniform(np.log(lo), np.log(hi)))).astype(int)
    size = np.select([df["employees"] < 5, df["employees"] < 20, df["employees"] < 100], ["mikro", "kecil", "menengah"],
                     "besar")
    df["size_class"] = size
    syl = np.array(["Borneo", "Etam", "Mandiri", "Karya", "Teknik", "Jaya", "Sejahtera", "Bontang", "Khatulistiwa",
                    "Prima", "Utama", "Sinergi", "Nusantara", "Bahari", "Lestari", "Abadi"])
    a = syl[rng.integers(0, len(syl), n)]
    b = syl[rng.integers(0, len(syl), n)]
    form = np.where(df["employer_type"].isin(["anchor_plant", "contractor", "services"]), "PT", "UD")
    form = np.where((df["employer_type"] == "umkm") & (rng.random(n) < 0.4), "CV", form)
    df["employer_name"] = pd.Series(form) + " " + pd.Series(a) + " " + pd.Series(b) + " " + \
        df["employer_id"].str[-3:] + " (sintetis)"
    df["kode_kecamatan_bps"] = kec_codes[rng.choice(len(kec_codes), n, p=kec_p)]
    df["kbli_version"] = "2020"
    df["wllp_registered"] = (rng.random(n) < np.where(df["size_class"].isin(["besar", "menengah"]), 0.8, 0.25)).astype(int)
    return df[["employer_id", "employer_name", "employer_type", "subtype", "kbli_category", "kbli2020_2d",
               "kbli_version", "size_class", "employees", "location", "kode_kecamatan_bps", "wllp_registered"]]


def _affinity(cat: pd.DataFrame, emp: pd.DataFrame) -> np.ndarray:
    """Employer x occupation weights of hiring (occupation sectors; size; some specialisation)."""
    t = emp["employer_type"].map({"anchor_plant": "A", "contractor": "C", "services": "S", "umkm": "U"}).to_numpy()
    w = np.zeros((len(emp), len(cat)))
    for j, sec in enumerate(cat["sectors"]):
        base = {"A": 0.15, "C": 0.15, "S": 0.15, "U": 0.15}
        base[sec] = 1.0
        if sec == "A":
            base["C"] = 0.6
        if sec == "C":
            base["A"] = 0.5
        w[:, j] = np.vectorize(base.get)(t)
    w *= np.sqrt(emp["employees"].to_numpy())[:, None]
    # services firms: security/cleaning/catering specialists
    sub = emp["kbli2020_2d"].to_numpy()
    codes = cat["kbji4"].to_numpy()
    for dv, occ in (("80", ["5414"]), ("81", ["9112"]), ("56", ["5120", "5131", "9412"]), ("96", ["5141", "5142"]),
                    ("14", ["7531"]), ("45", ["7231"]), ("03", ["6221", "6222"]), ("01", ["6111"]),
                    ("86", ["2221", "3221", "3212", "5321"]), ("85", ["2330", "2341"]), ("64", ["4211", "3313"]),
                    ("55", ["4224", "9112", "5131"]), ("47", ["5223", "5230"]), ("49", ["8322", "8332"]),
                    ("52", ["4321", "9333", "4323"]), ("62", ["2512", "3512"])):
        rows = sub == dv
        cols = np.isin(codes, occ)
        w[np.ix_(rows, cols)] *= 12.0
    return w / w.sum(axis=0, keepdims=True)


def write_disnaker(population, seed: int, raw_dir: Path, truth_dir: Path) -> list[Path]:
    """Generate the synthetic Disnaker and skills reference files and their truth.

    Parameters
    ----------
    population : object or None
        The synthetic population of ``analysis.synth`` (optional). When it exposes a ``persons``
        DataFrame (attribute or key) with sex, age, education and kecamatan columns, seekers'
        demographics are drawn from its persons aged 18-57; otherwise independent draws.
    seed : int
        Run seed (the Disnaker files use their own sub-stream of it).
    raw_dir, truth_dir : Path
        ``data/raw/demo`` and ``data/truth/demo``.

    Returns
    -------
    list of Path
        Every raw file written (for the raw MANIFEST), then the truth file.
    """
    raw_dir, truth_dir = Path(raw_dir), Path(truth_dir)
    rng = np.random.default_rng([int(seed), STREAM])
    cat = catalogue()
    active = cat[cat["u"] > 0].reset_index(drop=True)
    kec_codes, kec_p = _kecamatan_shares(raw_dir)

    emp = _employers(rng, kec_codes, kec_p)
    aff = _affinity(active, emp)

    # --- occupation rates -----------------------------------------------------------------
    kappa = active["kappa"].to_numpy()
    u_stock = active["u"].to_numpy()
    spell = 14.0 * np.exp(-0.22 * kappa)                 # months searching (shortage: shorter)
    inflow = u_stock / spell                             # registrations share by desired occupation
    v_base = u_stock * np.exp(0.95 * kappa)
    v_base = v_base / v_base.sum() * 1450.0              # positions a year (2022 level)

    # --- AK/I registrations ----------------------------------------------------------------
    ak1, truth_titles_ak1 = _ak1(rng, active, inflow, spell, kec_codes, kec_p, population, emp)

    # --- vacancies -------------------------------------------------------------------------
    vac, vac_truth = _vacancies(rng, active, emp, aff, v_base)

    # --- employer survey --------------------------------------------------------------------
    survey = _employer_survey(rng, active, emp, aff, v_base)

    # --- training ---------------------------------------------------------------------------
    prog = programmes()
    programs_out, cohorts, applicants, trainees, att_truth, trainee_truth = _training(rng, prog, ak1, active)
    ak1, link_truth = link_tracer_placements(np.random.default_rng([int(seed), STREAM, LINK_STREAM]), ak1,
                                             trainee_truth)

    # --- reference tables -------------------------------------------------------------------
    kbji = _kbji_table(cat)
    kbli = pd.DataFrame(KBLI_SECTIONS, columns=["kategori", "judul_id", "title_en"])
    syn = _synonyms(cat)
    coded = _coded_titles(rng, vac_truth, truth_titles_ak1, active)

    # --- write ------------------------------------------------------------------------------
    out: list[Path] = []
    d = raw_dir / "disnaker"
    r = raw_dir / "reference"
    out.append(_write_csv(ak1, d / "ak1_registrations.csv"))
    out.append(_write_csv(emp, d / "employers.csv"))
    out.append(_write_xlsx(vac, d / "lowongan_2022_2025.xlsx"))
    out.append(_write_csv(survey, d / "employer_survey.csv"))
    out.append(_write_csv(programs_out, d / "training_programs.csv"))
    out.append(_write_csv(cohorts, d / "training_cohorts.csv"))
    out.append(_write_csv(applicants, d / "applicants.csv"))
    out.append(_write_csv(trainees, d / "trainees.csv"))
    out.append(_write_csv(kbji, r / "kbji2014.csv"))
    out.append(_write_csv(kbli, r / "kbli2020_kategori.csv"))
    out.append(_write_csv(syn, r / "occupation_synonyms.csv"))
    out.append(_write_csv(coded, r / "coded_titles.csv"))

    truth = _truth(active, v_base, u_stock, att_truth, vac_truth, truth_titles_ak1)
    truth = pd.concat([truth, link_truth], ignore_index=True)
    out.append(_write_csv(truth, truth_dir / "skills_truth.csv"))
    return out


def link_tracer_placements(rng, ak1: pd.DataFrame, trainee_truth: pd.DataFrame
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Make the AK/I cards of trainees agree with their 6-month situation, as in reality.

    A placement reported to Disnaker is a job the trainee holds, so the tracer sees it: for each
    seeker with a due tracer, the card carries a placement exactly when the seeker was wage
    employed six months after a course (the last such course) *and* the employer reported it
    (probability ``REPORT_RATE``); the placement date falls between the course end and the
    tracer, with the tracer's employer and occupation. Cards of trainees without a reported job
    lose any placement the independent card draw gave them (status back to active/expired).

    Returns
    -------
    (ak1, truth)
        The corrected cards and one truth row ``unreported_placement_share``: ``value`` is the
        realised share, over wage-employed due trainee records (respondents or not), of those
        whose card carries no placement (what the tracer link estimates), ``value2`` the generator's rate ``1 - REPORT_RATE``.
    """
    due = trainee_truth[trainee_truth["due"]]
    # one card per seeker: the job of the seeker's last course with a wage job at its tracer
    wage_rec = due[due["status"] == "wage_employed"].sort_values(["seeker_id", "end_date"], kind="mergesort")
    t = due.drop_duplicates("seeker_id", keep="last").set_index("seeker_id")[[]].copy()
    job = wage_rec.drop_duplicates("seeker_id", keep="last").set_index("seeker_id")
    t = t.join(job[["employer_id", "kbji4", "end_date"]])
    wage = t["end_date"].notna().to_numpy()
    reported = wage & (rng.random(len(t)) < REPORT_RATE)
    lag = pd.to_timedelta(rng.integers(15, 175, len(t)), unit="D")
    pdate = (pd.to_datetime(t["end_date"]) + lag).where(reported)
    out = ak1.copy()
    row = pd.Series(np.arange(len(out)), index=out["seeker_id"].to_numpy())
    i = row.reindex(t.index.to_numpy()).to_numpy()
    ok = ~np.isnan(i)
    i, rep, pdate, tt = i[ok].astype(int), reported[ok], pdate[ok], t[ok]
    valid_until = pd.to_datetime(out["valid_until"].iloc[i]).to_numpy()
    status = np.where(rep, "placed", np.where(valid_until >= np.datetime64(EXTRACT), "active", "expired"))
    out.iloc[i, out.columns.get_loc("status")] = status
    out.iloc[i, out.columns.get_loc("placement_date")] = pdate.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    out.iloc[i, out.columns.get_loc("placement_employer_id")] = np.where(rep, tt["employer_id"].fillna(""), "")
    out.iloc[i, out.columns.get_loc("placement_kbji4")] = np.where(rep, tt["kbji4"].fillna(""), "")
    # the estimand of the tracer link: wage-employed due trainee records whose card has no placement
    on_card = pd.Series(rep, index=tt.index)
    linked = wage_rec["seeker_id"].map(on_card).dropna().astype(bool)
    n_wage = int(len(linked))
    share = float((~linked).mean()) if n_wage else np.nan
    truth = pd.DataFrame({"truth_type": ["unreported_placement_share"], "key": ["trainees_wage_employed_6m"],
                          "kbji4": [""], "text": [""], "label": [f"n={n_wage}"], "value": [share],
                          "value2": [1.0 - REPORT_RATE],
                          "note": ["DEMO ASSUMPTION (synthetic truth, not a fact about Bontang)"]})
    return out, truth


# ---------------------------------------------------------------------------------------------
def _population_persons(population):
    """Working-age persons of the synthetic population, or None (flexible column names)."""
    if population is None:
        return None
    persons = getattr(population, "persons", None)
    if persons is None and isinstance(population, dict):
        persons = population.get("persons")
    if not isinstance(persons, pd.DataFrame):
        return None
    cols = {c.lower(): c for c in persons.columns}

    def pick(*names):
        return next((cols[n] for n in names if n in cols), None)

    sex, age, edu = pick("jenis_kelamin", "sex"), pick("umur", "age"), pick("pendidikan", "education")
    kec = pick("kode_kecamatan_bps", "kecamatan_bps", "bps_kecamatan")
    if not all((sex, age, edu, kec)):
        return None
    p = pd.DataFrame({"sex": persons[sex].astype(str).str[0], "age": pd.to_numeric(persons[age], errors="coerce"),
                      "edu": persons[edu].astype(str), "kec": persons[kec].astype(str)})
    # AK/I holders are mostly the unemployed, some employed looking for a better job
    lf = pick("status_angkatan_kerja_2024", "status_angkatan_kerja")
    if lf is not None:
        st = persons[lf].astype(str).to_numpy()
        p["w"] = np.select([st == "pengangguran", st == "bekerja"], [1.0, 0.08], 0.03)
    else:
        p["w"] = 1.0
    # ... and young: AK/I registrants are mostly school leavers and young adults
    p["w"] = p["w"] * np.select([p["age"] < 25, p["age"] < 30, p["age"] < 35, p["age"] < 45],
                                [1.0, 0.8, 0.45, 0.2], 0.08)
    p = p[p["age"].between(18, 57) & p["edu"].isin(EDU_CODES) & p["sex"].isin(["1", "2"])]
    return p.reset_index(drop=True) if len(p) > 1000 else None


def _ak1(rng, cat, inflow, spell, kec_codes, kec_p, population, emp):
    """AK/I cards: one row per seeker (card), registrations 2020-2025, extract 2025-12-31."""
    months = pd.period_range("2020-01", "2025-12", freq="M")
    mo = months.month.to_numpy()
    season = 1.0 + 0.55 * np.isin(mo, [6, 7, 8]) + 0.2 * np.isin(mo, [3, 9])  # school leaving, TA
    year = months.year.to_numpy()
    level = np.select([year <= 2021, year == 2022, year == 2023, year == 2024], [330, 360, 370, 395], 360.0)
    lam = level * season / season.mean()
    n_month = rng.poisson(lam)
    n = int(n_month.sum())
    reg_month = np.repeat(np.arange(len(months)), n_month)
    reg_date = months[reg_month].to_timestamp() + pd.to_timedelta(rng.integers(0, 28, n), unit="D")
    reg_date = pd.Series(reg_date)

    p_occ = inflow / inflow.sum()
    occ_idx = rng.choice(len(cat), n, p=p_occ)
    codes = cat["kbji4"].to_numpy()[occ_idx]
    female = rng.random(n) < cat["female"].to_numpy()[occ_idx] * 0.85
    sex = np.where(female, "2", "1")

    # education by occupation: modal minimum, shifted up a little
    min_rank = cat["min_edu"].map(EDU_RANK).to_numpy()[occ_idx]
    shift = rng.choice([0, 1, -1], n, p=[0.72, 0.14, 0.14])
    rank = np.clip(min_rank + shift, 1, 5)
    rank = np.where((rank == 4) & (rng.random(n) < 0.45), 3, rank)  # many diploma jobs get SMK applicants
    smk_pref = np.isin(codes.astype(str).astype("U1"), ["3", "7", "8"])
    edu = np.select([rank == 1, rank == 2, rank == 3, rank == 4], ["sd", "smp", "sma", "diploma"], "universitas")
    edu = np.where((rank == 3) & (rng.random(n) < np.where(smk_pref, 0.75, 0.35)), "smk", edu)
    age = np.clip(np.round(rng.gamma(4.0, 2.1, n) + 17 + 2 * (rank >= 4)), 18, 57).astype(int)
    kec = kec_codes[rng.choice(len(kec_codes), n, p=kec_p)]

    persons = _population_persons(population)
    if persons is not None:  # demographics from the synthetic population, matched on sex x edu
        key_p = persons["sex"] + "|" + persons["edu"]
        key_s = pd.Series(sex) + "|" + pd.Series(edu)
        pools = {k: (g.index.to_numpy(), np.cumsum(g["w"].to_numpy())) for k, g in persons.groupby(key_p)}
        u = rng.random(n)
        for k, idx in pd.Series(np.arange(n)).groupby(key_s):  # loop over sex x education cells
            pool, cw = pools.get(k, (None, None))
            if pool is None or len(pool) == 0 or cw[-1] <= 0:
                continue
            take = pool[np.minimum(np.searchsorted(cw, u[idx.to_numpy()] * cw[-1], side="right"), len(pool) - 1)]
            age[idx.to_numpy()] = np.clip(persons["age"].to_numpy()[take], 18, 57).astype(int)
            kec[idx.to_numpy()] = persons["kec"].to_numpy()[take]

    birth_year = reg_date.dt.year.to_numpy() - age
    isced = np.vectorize(EDU_ISCED.get)(edu)
    isced = np.where((edu == "universitas") & (rng.random(n) < 0.06), 7, isced)
    mg = codes.astype(str).astype("U1")
    field = np.vectorize(lambda m: FIELD_BY_MG[m][0])(mg)
    field_f = np.vectorize(lambda m: FIELD_BY_MG[m][1])(mg)
    general = np.isin(edu, ["sd", "smp", "sma"])
    field = np.where(general, "Umum", field)
    field_f = np.where(general, "00", field_f)
    grad_year = np.minimum(reg_date.dt.year.to_numpy(), birth_year + np.select(
        [rank == 1, rank == 2, rank == 3, rank == 4], [13, 16, 19, 22], 23) + rng.integers(0, 3, n))
    exp_years = np.clip(np.round(rng.exponential(1.0 + 0.25 * np.maximum(age - 22, 0), n)) *
                        (rng.random(n) < 0.55), 0, 30).astype(int)
    ktp = (rng.random(n) < 0.84).astype(int)

    # certificates held (share by desired occupation: scarce certificates are scarce)
    cert_prob = {
        "BNSP-SMAW-3G": {"7212": 0.55, "7213": 0.15, "7214": 0.15, "7126": 0.12},
        "BNSP-SMAW-6G": {"7212": 0.10, "7126": 0.02},
        "K3-UMUM": {"3257": 0.55, "2263": 0.5, "3115": 0.08, "3123": 0.1, "2144": 0.05},
        "RIGGER-L1": {"7215": 0.45, "8343": 0.15, "7119": 0.05},
        "SCAFF-L1": {"7119": 0.40, "9313": 0.01, "7215": 0.05},
        "SIO-FORKLIFT": {"8344": 0.55, "4321": 0.03, "9333": 0.02},
        "GADA-PRATAMA": {"5414": 0.45},
    }
    cert_cols = []
    for c in CERTS:
        base = 0.0005 if c in ("BNSP-SMAW-6G", "RIGGER-L1", "SCAFF-L1") else 0.003
        p = np.vectorize(lambda k: cert_prob[c].get(k, base))(codes)
        cert_cols.append(np.where(rng.random(n) < p, c, ""))
    cert_arr = np.stack(cert_cols, axis=1)
    certificates = pd.Series([";".join(x for x in row if x) for row in cert_arr.tolist()])

    # search spell, renewals, placements
    L = rng.exponential(spell[occ_idx]) + 0.3
    n_valid_periods = np.ceil(L / 6.0).astype(int)
    n_valid_periods = np.maximum(n_valid_periods, 1)
    valid_until = _months(reg_date, 6 * n_valid_periods) - pd.Timedelta(days=1)
    n_renew = n_valid_periods - 1
    last_renewal = _months(reg_date, 6 * n_renew)
    last_renewal = last_renewal.where(n_renew > 0)
    k = cat["kappa"].to_numpy()[occ_idx]
    placed = rng.random(n) < np.clip(0.45 + 0.08 * k, 0.15, 0.8)
    reported = rng.random(n) < REPORT_RATE
    end_date = reg_date + pd.to_timedelta(np.round(L * 30.4).astype(int), unit="D")
    has_place = placed & reported & (end_date <= EXTRACT)
    place_date = end_date.where(has_place)
    status = np.where(has_place, "placed", np.where(valid_until >= EXTRACT, "active", "expired"))
    status = np.where(~has_place & (reg_date > EXTRACT), "active", status)
    # placement employer and occupation (mostly the desired one)
    emp_ids = emp["employer_id"].to_numpy()
    pe = np.where(has_place, emp_ids[rng.integers(0, len(emp_ids), n)], "")
    pk = np.where(rng.random(n) < 0.8, codes, cat["kbji4"].to_numpy()[rng.integers(0, len(cat), n)])
    pk = np.where(has_place, pk, "")

    # texts: desired job and last job (truth hidden)
    desired = make_titles(rng, codes, cat, kind="ak1", p_generic=0.22)
    blank_desired = rng.random(n) < 0.07
    last_code = np.where(rng.random(n) < 0.6, codes, cat["kbji4"].to_numpy()[rng.choice(len(cat), n, p=p_occ)])
    has_last = exp_years > 0
    last_txt = make_titles(rng, last_code, cat, kind="ak1", p_generic=0.22)
    last_txt = np.where(has_last, last_txt, "")
    desired = np.where(blank_desired & has_last, "", desired)

    keep = (valid_until >= START).to_numpy() & (reg_date <= EXTRACT).to_numpy()
    yr = reg_date.dt.year.astype(str).to_numpy()
    df = pd.DataFrame({
        "reg_date": reg_date, "yr": yr,
    })
    order = np.lexsort((np.arange(n), reg_date.to_numpy()))
    seq = np.empty(n, dtype=int)
    seq[order] = np.arange(n)
    seeker_id = pd.Series(yr) + "-" + pd.Series(seq + 1).map("{:06d}".format)
    seeker_id = "AK1-" + seeker_id
    df = pd.DataFrame({
        "seeker_id": seeker_id,
        "nama": _fake_names(rng, n),
        "alamat": _fake_addresses(rng, n),
        "registration_date": reg_date.dt.strftime("%Y-%m-%d"),
        "last_renewal_date": last_renewal.dt.strftime("%Y-%m-%d"),
        "valid_until": valid_until.dt.strftime("%Y-%m-%d"),
        "n_renewals": n_renew,
        "kode_kecamatan_bps": kec,
        "ktp_bontang": ktp,
        "jenis_kelamin": sex,
        "birth_year": birth_year,
        "pendidikan": edu,
        "isced_level": isced,
        "education_field": field,
        "isced_f": field_f,
        "graduation_year": grad_year,
        "experience_years": exp_years,
        "last_job_text": last_txt,
        "desired_job_text": desired,
        "certificates": certificates,
        "disability": (rng.random(n) < 0.015).astype(int),
        "status": status,
        "placement_date": place_date.dt.strftime("%Y-%m-%d"),
        "placement_employer_id": pe,
        "placement_kbji4": pk,
    })
    truth = pd.DataFrame({"seeker_id": seeker_id, "desired_text": desired, "desired_kbji4": codes,
                          "last_text": last_txt, "last_kbji4": last_code, "placed_true": placed,
                          "reg_date": reg_date, "end_date": end_date})
    df = df[keep].sort_values("seeker_id", kind="mergesort").reset_index(drop=True)
    truth = truth[keep].sort_values("seeker_id", kind="mergesort").reset_index(drop=True)
    return df, truth


def _vacancies(rng, cat, emp, aff, v_base):
    """Vacancy records 2022-2025 (positions ~1,500/yr), with re-postings (duplicates)."""
    months = pd.period_range("2022-01", "2025-12", freq="M")
    yr = months.year.to_numpy()
    mo = months.month.to_numpy()
    t = yr - 2022
    kappa = cat["kappa"].to_numpy()
    growth = 0.07 * kappa                          # shortage occupations: demand rising
    macro = np.select([yr == 2024, yr == 2025], [0.88, 0.95], 1.0)  # 2024 contraction
    ta = np.isin(mo, [3, 4, 9, 10])                # turnaround months: contractor trades
    contractor_occ = (cat["sectors"] == "C").to_numpy()
    rate = (v_base[None, :] / 12.0) * np.exp(growth[None, :] * t[:, None]) * macro[:, None]
    rate = rate * np.where(ta[:, None] & contractor_occ[None, :], 1.6, 1.0)
    rate = rate * np.where(np.isin(mo, [1, 2, 11, 12])[:, None] & contractor_occ[None, :], 0.7, 1.0)
    # positions per record: bulk postings for TA trades
    mean_pos = np.where(contractor_occ, 2.4, 1.35)
    rec_rate = rate / mean_pos[None, :]
    n_rec = rng.poisson(rec_rate)                  # month x occupation
    mi, oi = np.nonzero(n_rec)
    reps = n_rec[mi, oi]
    mi = np.repeat(mi, reps)
    oi = np.repeat(oi, reps)
    n = len(mi)
    posted = months[mi].to_timestamp() + pd.to_timedelta(rng.integers(0, 28, n), unit="D")
    posted = pd.Series(posted)
    extra = rng.poisson(mean_pos[oi] - 1.0)
    npos = 1 + extra
    # employer: draw from affinity column
    cum = np.cumsum(aff, axis=0)
    u = rng.random(n)
    e_idx = np.empty(n, dtype=int)
    for j in np.unique(oi):  # loop over occupations
        m = oi == j
        e_idx[m] = np.minimum(np.searchsorted(cum[:, j], u[m] * cum[-1, j]), len(emp) - 1)
    codes = cat["kbji4"].to_numpy()[oi]
    k = kappa[oi]
    yrs = posted.dt.year.to_numpy() - 2022
    # requirements
    min_rank = cat["min_edu"].map(EDU_RANK).to_numpy()[oi] + rng.choice([0, 0, 0, 0, -1, 1], n)
    min_rank = np.clip(min_rank, 1, 5)
    min_edu = np.select([min_rank == 1, min_rank == 2, min_rank == 3, min_rank == 4], ["sd", "smp", "sma", "diploma"],
                        "universitas")
    cert = cat["cert"].to_numpy()[oi]
    need = rng.random(n) < np.where(cert != "", np.where(np.isin(cert, ["BNSP-SMAW-6G", "K3-UMUM"]), 0.88, 0.75), 0.0)
    req_cert = np.where(need, cert, "")
    welder = codes == "7212"
    req_cert = np.where(welder & need & (rng.random(n) < 0.25), "BNSP-SMAW-3G", req_cert)
    k3_extra = (rng.random(n) < 0.12) & np.isin(codes, ["7212", "7215", "7119", "3115", "3123"])
    req_cert = np.where(k3_extra & (req_cert != ""), pd.Series(req_cert) + ";K3-UMUM",
                        np.where(k3_extra, "K3-UMUM", req_cert))
    skill = cat["kbji4"].str[0].map({"1": 4, "2": 4, "3": 3, "4": 2, "5": 2, "6": 2, "7": 2, "8": 2, "9": 1}).to_numpy()[oi]
    min_exp = np.where(rng.random(n) < 0.5, 0, rng.integers(1, 4, n) + (skill >= 3))
    age_max = np.where(rng.random(n) < 0.55, np.where(np.isin(codes, ["5414", "5223", "5230", "5131"]), 30, 40), 0)
    age_max = np.where((age_max == 40) & (rng.random(n) < 0.4), 35, age_max)
    local_only = (rng.random(n) < 0.3).astype(int)
    wage_base = cat["wage"].to_numpy()[oi] * 1e6
    wage_g = 0.035 + 0.03 * k
    wage = wage_base * np.exp(wage_g * yrs) * np.exp(rng.normal(0, 0.12, n))
    wage = np.round(wage / 50_000) * 50_000
    wage_missing = rng.random(n) < 0.3
    contract = np.where(np.isin(codes, ["7212", "7119", "7215", "7126", "7132", "7214", "9313", "9312", "8343"])
                        & np.isin(posted.dt.month.to_numpy(), [3, 4, 9, 10]) & (rng.random(n) < 0.6),
                        "TA-turnaround", rng.choice(["PKWTT", "PKWT", "PKWT", "harian", "magang"], n,
                                                    p=[0.25, 0.3, 0.25, 0.12, 0.08]))
    source = rng.choice(["karirhub", "disnaker_form", "portal"], n, p=[0.45, 0.35, 0.2])
    # outcomes
    fr = _logistic(1.2 - 0.9 * k + rng.normal(0, 0.3, n))
    days_open = np.round(np.exp(np.log(25.0) + 0.33 * k + rng.normal(0, 0.45, n))).astype(int) + 3
    closed = posted + pd.to_timedelta(days_open + 10, unit="D")
    is_closed = (closed <= EXTRACT).to_numpy()
    filled = rng.binomial(npos, fr)
    nl = _logistic(-2.0 + 0.8 * k + rng.normal(0, 0.3, n))
    filled_local = filled - rng.binomial(filled, nl)
    filled_local = np.where(local_only == 1, np.maximum(filled_local, np.round(filled * 0.9)).astype(int), filled_local)
    apps = rng.poisson(npos * 12.0 * np.exp(-0.6 * k))
    qual = rng.binomial(apps, _logistic(-0.8 - 0.5 * k))
    suit = rng.binomial(qual, 0.6)
    days_fill = np.where(filled > 0, np.minimum(days_open, np.round(days_open * rng.uniform(0.5, 1.0, n))), -1)
    reason = np.where(filled < npos, rng.choice(["no_applicants", "lacking_certificate", "lacking_experience", "wage",
                                                 "other"], n, p=[0.2, 0.3, 0.25, 0.15, 0.1]), "")
    reason = np.where((filled < npos) & (req_cert == "") & (reason == "lacking_certificate"), "lacking_experience",
                      reason)
    titles = make_titles(rng, codes, cat, kind="vacancy")

    df = pd.DataFrame({
        "posted_date": posted, "employer_id": emp["employer_id"].to_numpy()[e_idx],
        "source": source, "job_title_text": titles, "n_positions": npos, "contract_type": contract,
        "min_education": min_edu, "required_field": np.where(np.isin(min_edu, ["smk", "diploma", "universitas"]) |
                                                              (rng.random(n) < 0.3), cat["kbji4"].str[0].map(
                                                                  lambda m: FIELD_BY_MG[m][0]).to_numpy()[oi], ""),
        "required_certificates": req_cert, "min_experience_years": min_exp.astype(int),
        "age_max": age_max.astype(float), "offered_wage_idr_month": np.where(wage_missing, np.nan, wage),
        "local_only": local_only, "applicants_n": apps, "qualified_applicants_n": qual,
        "suitable_applicants_n": suit, "closed": is_closed, "closed_date": closed, "filled_n": filled,
        "filled_local_n": filled_local, "days_to_fill": days_fill, "unfilled_reason": reason,
        "kbji4_true": codes,
    })
    df.loc[df["age_max"] == 0, "age_max"] = np.nan
    # re-postings on another channel within 60 days (same vacancy: must be de-duplicated)
    dup = rng.random(n) < 0.08
    d2 = df[dup].copy()
    d2["posted_date"] = d2["posted_date"] + pd.to_timedelta(rng.integers(1, 40, len(d2)), unit="D")
    d2["source"] = np.where(d2["source"] == "karirhub", "portal", "karirhub")
    case = rng.random(len(d2))
    d2["job_title_text"] = np.where(case < 0.4, d2["job_title_text"].str.lower(),
                                    np.where(case < 0.7, d2["job_title_text"].str.upper(),
                                             d2["job_title_text"] + " "))
    d2["job_title_text"] = d2["job_title_text"].str.rstrip() + np.where(case > 0.85, " ", "")
    d2["true_duplicate"] = 1
    df["true_duplicate"] = 0
    df["group"] = np.arange(n)
    d2["group"] = np.flatnonzero(dup)
    df = pd.concat([df, d2], ignore_index=True)
    df = df[df["posted_date"] <= EXTRACT].copy()
    df = df.sort_values(["posted_date", "employer_id", "group", "true_duplicate"], kind="mergesort").reset_index(drop=True)
    yr_s = df["posted_date"].dt.year.astype(str)
    seq = df.groupby(yr_s).cumcount() + 1
    df["vacancy_id"] = "LOW-" + yr_s + "-" + seq.map("{:05d}".format)
    first_id = df.groupby("group")["vacancy_id"].transform("first")
    closed_ok = df["closed"] & (df["closed_date"] <= EXTRACT)
    out = pd.DataFrame({
        "vacancy_id": df["vacancy_id"], "employer_id": df["employer_id"],
        "posted_date": df["posted_date"].dt.strftime("%Y-%m-%d"),
        "closed_date": df["closed_date"].dt.strftime("%Y-%m-%d").where(closed_ok, ""),
        "source": df["source"], "job_title_text": df["job_title_text"], "n_positions": df["n_positions"],
        "contract_type": df["contract_type"], "min_education": df["min_education"],
        "required_field": df["required_field"], "required_certificates": df["required_certificates"],
        "min_experience_years": df["min_experience_years"], "age_max": df["age_max"].astype("Int64"),
        "offered_wage_idr_month": df["offered_wage_idr_month"].round().astype("Int64"),
        "local_only": df["local_only"], "applicants_n": df["applicants_n"],
        "qualified_applicants_n": df["qualified_applicants_n"], "suitable_applicants_n": df["suitable_applicants_n"],
        "filled_n": df["filled_n"].astype("Int64").where(closed_ok),
        "filled_local_n": df["filled_local_n"].astype("Int64").where(closed_ok),
        "days_to_fill": df["days_to_fill"].astype("Int64").where(closed_ok & (df["days_to_fill"] >= 0)),
        "unfilled_reason": df["unfilled_reason"].where(closed_ok, ""),
    })
    truth = pd.DataFrame({"vacancy_id": out["vacancy_id"], "employer_id": out["employer_id"],
                          "title": out["job_title_text"], "kbji4": df["kbji4_true"],
                          "duplicate_of": np.where(df["true_duplicate"] == 1, first_id, ""),
                          "posted_date": df["posted_date"]})
    return out, truth


def _employer_survey(rng, cat, emp, aff, v_base):
    """Annual establishment survey (January waves 2022-2025): stratified sample with weights."""
    typ = emp["employer_type"].to_numpy()
    rows = []
    kappa = cat["kappa"].to_numpy()
    for year in YEARS:
        t = year - 2022
        macro = {2024: 0.88, 2025: 0.95}.get(year, 1.0)
        exp_hires = aff * (v_base * np.exp(0.07 * kappa * t) * macro)[None, :]   # employer x occ
        take = np.zeros(len(emp), dtype=bool)
        weight = np.ones(len(emp))
        for s, n_s in (("anchor_plant", None), ("contractor", None), ("services", 20), ("umkm", 20)):
            idx = np.flatnonzero(typ == s)
            if n_s is None:
                take[idx] = True
            else:
                sel = rng.choice(idx, n_s, replace=False)
                take[sel] = True
                weight[idx] = len(idx) / n_s
        resp = take & (rng.random(len(emp)) < 0.9)
        for i in np.flatnonzero(resp):
            e = exp_hires[i]
            occ = np.flatnonzero(e > 0.15)
            if len(occ) == 0:
                continue
            if len(occ) > 8:
                occ = occ[np.argsort(-e[occ], kind="mergesort")[:8]]
            planned = rng.poisson(e[occ] * rng.lognormal(0, 0.25, len(occ)))
            employed = np.maximum(planned * rng.integers(4, 12, len(occ)) + rng.poisson(3, len(occ)), 1)
            seps = rng.poisson(employed * 0.08)
            htf = rng.binomial(planned, np.clip(_logistic(-1.5 + 0.9 * kappa[occ]), 0, 1))
            for j, o in enumerate(occ):
                rows.append((year, emp["employer_id"].iat[i], cat["kbji4"].iat[o], int(employed[j]),
                             int(planned[j]), int(seps[j]), int(htf[j]), round(float(weight[i]), 4)))
    return pd.DataFrame(rows, columns=["survey_year", "employer_id", "kbji4", "employed_now", "planned_hires_12m",
                                       "expected_separations_12m", "hard_to_fill_n", "survey_weight"])


def _training(rng, prog, ak1, cat):
    """Programmes, cohorts, applicants (incl. rejected), trainees with 6-month tracer outcomes."""
    cost = (prog["cost_juta"] * 1e6).round().astype(int)
    programs_out = pd.DataFrame({
        "program_id": prog["program_id"],
        "provider_id": prog["provider_type"].map({"BLKI-Prov UPTD": "PRV-BLKI", "LPK swasta": "PRV-LPK",
                                                  "CSR": "PRV-CSR", "Disnaker-APBD": "PRV-DISNAKER",
                                                  "BLK Komunitas": "PRV-BLKK", "online-Prakerja": "PRV-ONLINE"})
        + "-" + prog["program_id"].str[-2:],
        "provider_type": prog["provider_type"], "program_name": prog["program_name"],
        "skkni_scheme": np.where(prog["certificate"] != "", "SKEMA-" + prog["certificate"], "SKEMA-UNIT-"
                                 + prog["program_id"]),
        "target_kbji": prog["target_kbji"], "certificate": prog["certificate"],
        "duration_days": prog["duration_days"], "duration_hours": prog["duration_days"] * 6,
        "class_size": 16, "cost_per_trainee_idr": cost,
        "certification_body": np.where(prog["certificate"].str.startswith("BNSP"), "LSP P1 BLKI",
                                       np.where(prog["certificate"] != "", "LSP/PJK3", "LSP P3")),
        "funding_source": prog["funding_source"], "self_employment_oriented": prog["self_emp"],
    })
    # cohorts
    rows = []
    for p in prog.itertuples():
        for year in YEARS:
            n_c = max(1, p.cohorts_per_year + int(rng.integers(-1, 2)))
            starts = np.sort(rng.choice(np.arange(1, 11), n_c, replace=n_c > 10))
            for sm in starts:
                rows.append((p.program_id, year, int(sm)))
    coh = pd.DataFrame(rows, columns=["program_id", "year", "month"])
    coh["start_date"] = pd.to_datetime(dict(year=coh["year"], month=coh["month"], day=1)) + \
        pd.to_timedelta(rng.integers(0, 20, len(coh)), unit="D")
    coh = coh.merge(prog, on="program_id", how="left")
    coh["end_date"] = coh["start_date"] + pd.to_timedelta(np.ceil(coh["duration_days"] * 1.4).astype(int), unit="D")
    coh = coh.sort_values(["start_date", "program_id"], kind="mergesort").reset_index(drop=True)
    coh["cohort_id"] = "COH-" + coh["year"].astype(str) + "-" + (coh.groupby("year").cumcount() + 1).map("{:03d}".format)
    coh["seats"] = 16
    ratio = coh["oversub"].to_numpy() * rng.lognormal(0, 0.12, len(coh))
    not_over = rng.random(len(coh)) < 0.12
    ratio = np.where(not_over, rng.uniform(0.8, 1.0, len(coh)), ratio)
    coh["applicants_n"] = np.maximum(np.round(16 * ratio), 10).astype(int)
    coh["selection_rule"] = rng.choice(["first_come", "test", "lottery"], len(coh), p=[0.3, 0.5, 0.2])

    # applicants: AK/I holders valid at the cohort start; weights follow the programme profile
    reg = pd.to_datetime(ak1["registration_date"]).to_numpy()
    vu = pd.to_datetime(ak1["valid_until"]).to_numpy()
    female = (ak1["jenis_kelamin"] == "2").to_numpy()
    rank = ak1["pendidikan"].map(EDU_RANK).to_numpy()
    age_reg = (pd.to_datetime(ak1["registration_date"]).dt.year - ak1["birth_year"]).to_numpy()
    fem_share = {"7212": 0.03, "7215": 0.02, "7119": 0.02, "3257": 0.3, "7233": 0.02, "8342": 0.03, "8344": 0.05,
                 "7411": 0.05, "7412": 0.05, "3133": 0.15, "7127": 0.05, "7231": 0.03, "4120": 0.9, "4110": 0.7,
                 "7531": 0.9, "5141": 0.3, "5142": 0.97, "5120": 0.8, "6111": 0.4, "9112": 0.6, "5414": 0.08,
                 "6221": 0.5, "2431": 0.6, "4132": 0.6}
    app_rows = []
    for c in coh.itertuples():  # loop over ~280 cohorts (vector ops over seekers inside)
        first = c.target_kbji.split(":")[0]
        fs = fem_share.get(first, 0.3)
        valid = (reg <= np.datetime64(c.start_date)) & (vu >= np.datetime64(c.start_date))
        w = valid * np.where(female, fs, 1 - fs) * np.where(rank >= 3, 1.5, 1.0)
        w = w / w.sum()
        idx = rng.choice(len(ak1), c.applicants_n, replace=False, p=w)
        app_rows.append(pd.DataFrame({"cohort_id": c.cohort_id, "seeker_idx": idx}))
    app = pd.concat(app_rows, ignore_index=True).merge(coh[["cohort_id", "program_id", "start_date", "end_date", "seats",
                                                            "selection_rule", "true_att", "self_emp", "year"]],
                                                       on="cohort_id", how="left")
    s = ak1.iloc[app["seeker_idx"].to_numpy()].reset_index(drop=True)
    app["seeker_id"] = s["seeker_id"].to_numpy()
    app["jenis_kelamin"] = s["jenis_kelamin"].to_numpy()
    app["female"] = (app["jenis_kelamin"] == "2").astype(int)
    app["age"] = (app["start_date"].dt.year - s["birth_year"]).to_numpy()
    app["pendidikan"] = s["pendidikan"].to_numpy()
    app["edu_rank"] = app["pendidikan"].map(EDU_RANK)
    app["education_field"] = s["education_field"].to_numpy()
    app["ktp_bontang"] = s["ktp_bontang"].to_numpy()
    app["employed_before"] = (s["experience_years"].to_numpy() > 0).astype(int)
    app["unemployment_months"] = np.clip(np.round(
        (app["start_date"] - pd.to_datetime(s["registration_date"]).to_numpy()).dt.days / 30.4), 0, 72).astype(int)
    app["kode_kecamatan_bps"] = s["kode_kecamatan_bps"].to_numpy()
    n = len(app)
    app["application_date"] = app["start_date"] - pd.to_timedelta(rng.integers(10, 45, n), unit="D")
    # selection: test score depends on X (observables only: ignorable given X)
    score = np.where(app["selection_rule"] == "lottery", rng.random(n),
                     np.where(app["selection_rule"] == "test",
                              0.6 * (app["edu_rank"] - 3) - 0.04 * (app["age"] - 28) + 0.3 * app["employed_before"]
                              + 0.3 * app["ktp_bontang"] + rng.normal(0, 0.9, n),
                              rng.random(n)))  # first come ~ random arrival
    app["score"] = score
    app["rank"] = app.groupby("cohort_id")["score"].rank(ascending=False, method="first").astype(int)
    app["admitted"] = (app["rank"] <= app["seats"]).astype(int)
    app["lottery_number"] = np.where(app["selection_rule"] == "lottery", rng.integers(1, 1000, n), -1)

    # outcomes at 6 months (potential outcomes; effect heterogeneity by sex and long-term unemployment)
    t = app["year"].to_numpy()
    xb = (-0.55 + 0.25 * (app["edu_rank"] - 3) - 0.025 * (app["age"] - 28) + 0.45 * app["employed_before"]
          - 0.02 * np.minimum(app["unemployment_months"], 36) + 0.25 * app["ktp_bontang"]
          - 0.25 * app["female"] - 0.25 * (t == 2024) + 0.1 * (t == 2022)
          + rng.normal(0, 0.15, n)).to_numpy()
    p0 = _logistic(xb)
    tau = app["true_att"].to_numpy() * (0.85 + 0.35 * app["female"].to_numpy()
                                        + 0.15 * (app["unemployment_months"].to_numpy() >= 12))
    p1 = np.clip(p0 + tau, 0.0, 0.99)
    d = app["admitted"].to_numpy()
    y = rng.random(n) < np.where(d == 1, p1, p0)
    self_share = np.where(app["self_emp"].to_numpy() == 1, 0.55, 0.15)
    self_e = y & (rng.random(n) < self_share)
    nonemp = rng.choice(["unemployed", "unemployed", "unemployed", "not_in_LF", "further_training"], n)
    status = np.where(y, np.where(self_e, "self_employed", "wage_employed"), nonemp)
    due = (app["end_date"] + pd.Timedelta(days=183) <= EXTRACT).to_numpy()
    resp = rng.random(n) < _logistic(0.75 + 0.35 * (app["edu_rank"].to_numpy() - 3) + 0.35 * app["ktp_bontang"]
                                     - 0.02 * (app["age"].to_numpy() - 28) + 0.2 * app["employed_before"])
    resp = resp & due
    # completion and certification (admitted)
    completed = (rng.random(n) < 0.9) & (d == 1)
    certified = completed & (rng.random(n) < np.where(coh.set_index("cohort_id").loc[app["cohort_id"], "certificate"]
                                                      .to_numpy() != "", 0.8, 0.88))
    earn = np.where(y, np.round(np.exp(np.log(4.2e6) + 0.1 * (app["edu_rank"].to_numpy() - 3)
                                       + rng.normal(0, 0.35, n)) / 50_000) * 50_000, 0)
    target_codes = app["cohort_id"].map(coh.set_index("cohort_id")["target_kbji"]).str.split(":").str[0].to_numpy()
    related = y & (rng.random(n) < np.where(d == 1, 0.6, 0.35))
    other = cat["kbji4"].to_numpy()[rng.integers(0, len(cat), n)]
    kbji6 = np.where(y, np.where(related, target_codes, other), "")
    emp6 = np.where(y & (status == "wage_employed"), "EMP-" + pd.Series(rng.integers(1, 151, n)).map("{:04d}".format),
                    "")
    contract6 = np.where(status == "wage_employed", rng.choice(["PKWTT", "PKWT", "harian", "TA-turnaround"], n,
                                                               p=[0.25, 0.45, 0.2, 0.1]), "")
    app = app.sort_values(["cohort_id", "rank"], kind="mergesort")
    order = app.index.to_numpy()
    app = app.reset_index(drop=True)
    app["applicant_id"] = "APL-" + pd.Series(np.arange(1, len(app) + 1)).map("{:06d}".format)

    def take(a):
        return np.asarray(a)[order]

    y, d, status, resp, due = take(y), take(d), take(status), take(resp), take(due)
    completed, certified, earn, kbji6, emp6, contract6, p0, p1 = (take(completed), take(certified), take(earn),
                                                                  take(kbji6), take(emp6), take(contract6),
                                                                  take(p0), take(p1))
    show = resp
    applicants = pd.DataFrame({
        "applicant_id": app["applicant_id"], "seeker_id": app["seeker_id"], "cohort_id": app["cohort_id"],
        "application_date": app["application_date"].dt.strftime("%Y-%m-%d"),
        "jenis_kelamin": app["jenis_kelamin"], "age": app["age"], "pendidikan": app["pendidikan"],
        "education_field": app["education_field"], "ktp_bontang": app["ktp_bontang"],
        "employed_before": app["employed_before"], "unemployment_months": app["unemployment_months"],
        "kode_kecamatan_bps": app["kode_kecamatan_bps"], "admitted": d, "rank": app["rank"],
        "lottery_number": app["lottery_number"].astype("Int64").where(app["lottery_number"] >= 0),
        # wait-list follow-up of rejected applicants (phone tracer at the cohort's 6-month date)
        "followup_due_6m": np.where(d == 0, due.astype(int), pd.NA),
        "followup_responded_6m": np.where((d == 0) & due, resp.astype(int), pd.NA),
        "followup_status_6m": np.where((d == 0) & show, status, ""),
    })
    for c in ("followup_due_6m", "followup_responded_6m"):
        applicants[c] = applicants[c].astype("Int64")
    tr = app[d == 1].copy()
    m = d == 1
    tr_show = show[m]
    trainees = pd.DataFrame({
        "trainee_id": "TRN-" + pd.Series(np.arange(1, m.sum() + 1)).map("{:06d}".format),
        "applicant_id": tr["applicant_id"].to_numpy(), "seeker_id": tr["seeker_id"].to_numpy(),
        "cohort_id": tr["cohort_id"].to_numpy(), "age": tr["age"].to_numpy(),
        "jenis_kelamin": tr["jenis_kelamin"].to_numpy(), "pendidikan": tr["pendidikan"].to_numpy(),
        "education_field": tr["education_field"].to_numpy(), "employed_before": tr["employed_before"].to_numpy(),
        "unemployment_months_at_entry": tr["unemployment_months"].to_numpy(),
        "ktp_bontang": tr["ktp_bontang"].to_numpy(), "completed": completed[m].astype(int),
        "certified": certified[m].astype(int), "tracer_due_6m": due[m].astype(int),
        "tracer_responded_6m": pd.array(np.where(due[m], resp[m].astype(int), -1)).astype("Int64"),
        "status_6m": np.where(tr_show, status[m], ""),
        "kbji4_6m": np.where(tr_show, kbji6[m], ""),
        "employer_id_6m": np.where(tr_show, emp6[m], ""),
        "related_to_training": pd.array(np.where(tr_show & y[m], (kbji6[m] != "") &
                                                 (pd.Series(kbji6[m]).str[:3].to_numpy()
                                                  == pd.Series(tr["cohort_id"].map(coh.set_index("cohort_id")[
                                                      "target_kbji"]).str[:3]).to_numpy()), -1)).astype("Int64"),
        "monthly_earnings_6m_idr": pd.array(np.where(tr_show & y[m], earn[m], -1)).astype("Int64"),
        "contract_type_6m": np.where(tr_show, contract6[m], ""),
    })
    for c in ("tracer_responded_6m", "related_to_training", "monthly_earnings_6m_idr"):
        trainees[c] = trainees[c].where(trainees[c] >= 0)
    trainees.loc[trainees["related_to_training"].notna(), "related_to_training"] = \
        trainees["related_to_training"].astype("Int64")
    # cohort counts
    agg = pd.DataFrame({"cohort_id": app["cohort_id"], "adm": d, "comp": completed, "cert": certified})
    g = agg.groupby("cohort_id").agg(applicants_n=("adm", "size"), enrolled_n=("adm", "sum"),
                                     completed_n=("comp", "sum"), certified_n=("cert", "sum")).reset_index()
    cohorts = coh[["cohort_id", "program_id", "start_date", "end_date", "seats", "selection_rule"]].merge(
        g, on="cohort_id", how="left")
    cohorts["start_date"] = cohorts["start_date"].dt.strftime("%Y-%m-%d")
    cohorts["end_date"] = cohorts["end_date"].dt.strftime("%Y-%m-%d")
    cohorts = cohorts[["cohort_id", "program_id", "start_date", "end_date", "seats", "applicants_n", "enrolled_n",
                       "completed_n", "certified_n", "selection_rule"]].sort_values("cohort_id").reset_index(drop=True)
    # truth: ATT among admitted applicants of oversubscribed cohorts whose tracer is due
    ovs = app.groupby("cohort_id")["admitted"].transform(lambda s: (s == 0).any()).to_numpy()
    est_pop = (d == 1) & ovs & due
    att = pd.DataFrame({"program_id": app["program_id"], "gain": p1 - p0, "est": est_pop, "adm": d == 1})
    att_truth = (att[att["est"]].groupby("program_id")["gain"].agg(["mean", "size"])
                 .rename(columns={"mean": "att", "size": "n_treated"}).reset_index())
    att_all = att[att["adm"]].groupby("program_id")["gain"].mean().rename("att_all_trainees").reset_index()
    att_truth = att_truth.merge(att_all, on="program_id", how="outer")
    pooled = float(att.loc[att["est"], "gain"].mean())
    att_truth = pd.concat([att_truth, pd.DataFrame({"program_id": ["ALL"], "att": [pooled],
                                                     "n_treated": [int(att["est"].sum())],
                                                     "att_all_trainees": [float(att.loc[att["adm"], "gain"].mean())]})],
                          ignore_index=True)
    att_truth = att_truth.merge(prog[["program_id", "true_att"]], on="program_id", how="left")
    # true 6-month situation of every trainee (also the tracer non-respondents): the card link
    trainee_truth = pd.DataFrame({"seeker_id": tr["seeker_id"].to_numpy(), "status": status[m],
                                  "employer_id": emp6[m], "kbji4": kbji6[m], "due": due[m],
                                  "end_date": tr["end_date"].to_numpy()})
    return programs_out, cohorts, applicants, trainees, att_truth, trainee_truth


def _kbji_table(cat: pd.DataFrame) -> pd.DataFrame:
    skill = {"0": "", "1": "3-4", "2": "4", "3": "3", "4": "2", "5": "2", "6": "2", "7": "2", "8": "2", "9": "1"}
    rows = [(c, 1, "golongan_pokok", tid, ten, sl, "") for c, tid, ten, sl in MAJOR_GROUPS]
    rows += [(c, 2, "sub_golongan_pokok", t[0], t[1], skill[c[0]], c[0]) for c, t in SUB_MAJOR.items()]
    rows += [(c, 3, "golongan", t[0], t[1], skill[c[0]], c[:2]) for c, t in MINOR.items()]
    rows += [(r.kbji4, 4, "sub_golongan", r.title_id, r.title_en, skill[r.kbji4[0]], r.kbji4[:3])
             for r in cat.itertuples()]
    df = pd.DataFrame(rows, columns=["kode", "digits", "level", "judul_id", "title_en", "skill_level", "parent_kode"])
    return df.sort_values(["digits", "kode"], kind="mergesort").reset_index(drop=True)


def _synonyms(cat: pd.DataFrame) -> pd.DataFrame:
    """The local lexicon: term -> KBJI code, language, and whether the term is ambiguous."""
    rows = []
    for r in cat.itertuples():
        for v in r.variants.split(";"):
            lang = "en" if re.search(r"\b(welder|operator|officer|engineer|technician|mechanic|manager|worker|"
                                     r"guard|service|assistant|driver|clerk|inspector|erector|fitter|"
                                     r"rigger|scaffold\w*|crew|man|staff|admin|analyst)\b", v) else "id"
            rows.append((v, r.kbji4, lang, 0, "lexicon"))
    for term, codes in GENERIC.items():  # generic terms: listed with their first (most common) code
        rows.append((term, codes[0], "mixed", 1, "generic"))
    df = pd.DataFrame(rows, columns=["term", "kbji4", "language", "ambiguous", "source"])
    df = df.drop_duplicates(["term", "kbji4"]).sort_values(["kbji4", "term"], kind="mergesort").reset_index(drop=True)
    return df


def _coded_titles(rng, vac_truth, ak1_truth, cat):
    """Hand-coded titles by Disnaker's pengantar kerja (coders err ~7 %; 10 % double-coded)."""
    v = vac_truth[vac_truth["duplicate_of"] == ""]
    v = v[rng.random(len(v)) < 0.55]
    a = ak1_truth[(ak1_truth["desired_text"] != "")]
    a = a.iloc[np.sort(rng.choice(len(a), 1500, replace=False))]
    base = pd.concat([
        pd.DataFrame({"source": "vacancy", "record_id": v["vacancy_id"], "employer_id": v["employer_id"],
                      "title": v["title"], "true": v["kbji4"]}),
        pd.DataFrame({"source": "ak1", "record_id": "", "employer_id": "", "title": a["desired_text"],
                      "true": a["desired_kbji4"]}),
    ], ignore_index=True)
    n = len(base)
    codes = cat["kbji4"].to_numpy()

    def coder_label(true):
        err = rng.random(len(true)) < 0.07
        same3 = {c: codes[(pd.Series(codes).str[:3] == c[:3]).to_numpy() & (codes != c)] for c in np.unique(true)}
        alt = np.array([(lambda s: s[int(rng.integers(0, len(s)))] if len(s) else codes[int(rng.integers(0, len(codes)))])(
            same3[c]) for c in true])  # noqa: E501 (one draw per erroneous record)
        return np.where(err, alt, true)

    base["kbji4"] = coder_label(base["true"].to_numpy())
    base["coder"] = rng.choice(["pengantar_kerja_1", "pengantar_kerja_2", "pengantar_kerja_3"], n)
    dbl = base[(base["source"] == "vacancy") & (rng.random(n) < 0.10)].copy()
    dbl["kbji4"] = coder_label(dbl["true"].to_numpy())
    dbl["coder"] = np.where(dbl["coder"] == "pengantar_kerja_1", "pengantar_kerja_2", "pengantar_kerja_1")
    out = pd.concat([base, dbl], ignore_index=True)
    out = out.sort_values(["source", "record_id", "coder", "title"], kind="mergesort").reset_index(drop=True)
    out["coding_id"] = "KOD-" + pd.Series(np.arange(1, len(out) + 1)).map("{:05d}".format)
    return out[["coding_id", "source", "record_id", "employer_id", "title", "kbji4", "coder"]]


def _truth(cat, v_base, u_stock, att_truth, vac_truth, ak1_truth) -> pd.DataFrame:
    note = "DEMO ASSUMPTION (synthetic truth, not a fact about Bontang)"
    k = cat["kappa"].to_numpy()
    # built-in truths (|kappa| >= 1.5); the others carry a milder latent imbalance kappa (no label claim)
    label = np.where(k >= 1.5, "shortage", np.where(k <= -1.5, "surplus", "moderate"))
    occ = pd.DataFrame({"truth_type": "occupation_balance", "key": cat["kbji4"], "kbji4": cat["kbji4"],
                        "text": cat["title_en"], "label": label, "value": k,
                        "value2": np.round(v_base / np.maximum(u_stock, 1), 4), "note": note})
    att = pd.DataFrame({"truth_type": "programme_att", "key": att_truth["program_id"], "kbji4": "",
                        "text": "", "label": "", "value": att_truth["att"],
                        "value2": att_truth["att_all_trainees"], "note": note})
    vt = pd.DataFrame({"truth_type": "title_code", "key": "vacancy:" + vac_truth["vacancy_id"],
                       "kbji4": vac_truth["kbji4"], "text": vac_truth["title"],
                       "label": np.where(vac_truth["duplicate_of"] != "", "duplicate_of:" + vac_truth["duplicate_of"], ""),
                       "value": np.nan, "value2": np.nan, "note": "true code of a free-text title"})
    ad = ak1_truth[ak1_truth["desired_text"] != ""]
    at = pd.DataFrame({"truth_type": "title_code", "key": "ak1_desired:" + ad["seeker_id"], "kbji4": ad["desired_kbji4"],
                       "text": ad["desired_text"], "label": "", "value": np.nan, "value2": np.nan,
                       "note": "true code of a free-text title"})
    al = ak1_truth[ak1_truth["last_text"] != ""]
    lt = pd.DataFrame({"truth_type": "title_code", "key": "ak1_last:" + al["seeker_id"], "kbji4": al["last_kbji4"],
                       "text": al["last_text"], "label": "", "value": np.nan, "value2": np.nan,
                       "note": "true code of a free-text title"})
    return pd.concat([occ, att, vt, at, lt], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Deterministic writers
# ---------------------------------------------------------------------------------------------
def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = df.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(text.encode("utf-8"))
    tmp.replace(path)
    return path


TITLE_ROWS = [
    "DINAS KETENAGAKERJAAN KOTA BONTANG",
    "REKAPITULASI LOWONGAN KERJA YANG DILAPORKAN TAHUN 2022-2025",
    "Sumber: Karirhub/SIAPkerja, formulir wajib lapor Disnaker, portal mitra -- DATA SINTETIS (demo)",
]


def _write_xlsx(df: pd.DataFrame, path: Path) -> Path:
    """Vacancies as Disnaker tables come: title rows, a blank row, then the header.

    Byte-deterministic: fixed document properties and fixed zip entry timestamps.
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Lowongan"
    for t in TITLE_ROWS:
        ws.append([t])
    ws.append([])
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):  # openpyxl appends row by row
        ws.append([None if (v is pd.NA or (isinstance(v, float) and np.isnan(v))) or v == "" else
                   (int(v) if isinstance(v, (np.integer,)) else v) for v in row])
    wb.properties.creator = "Disnaker Kota Bontang (synthetic demo)"
    wb.properties.created = FIXED_XLSX_TIME
    wb.properties.modified = FIXED_XLSX_TIME
    wb.properties.lastModifiedBy = "synthetic generator"
    buf = io.BytesIO()
    wb.save(buf)
    data = _normalise_zip(buf.getvalue())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite an xlsx zip with fixed timestamps and fixed core-property dates."""
    stamp = FIXED_XLSX_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                                 lambda m: m.group(1) + stamp.encode() + m.group(3), content)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, content)
    return out.getvalue()
