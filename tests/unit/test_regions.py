from pathlib import Path

import pytest

from chalicelib.catalogue.regions import (
    Kecamatan,
    Village,
    load_regions,
    match_kecamatan,
    match_village,
    normalize_name,
    paged,
)

REGIONS = load_regions()
RETEH = "14.04.01"
HEADER = "kode,nama,jenis,induk,kode_bps\n"


def names(regions: list[Kecamatan] | list[Village]) -> list[str]:
    return [region.name for region in regions]


def test_all_20_kecamatan_are_loaded_in_code_order() -> None:
    codes = [kec.code for kec in REGIONS.kecamatan]

    assert codes == [f"14.04.{n:02d}" for n in range(1, 21)]
    assert REGIONS.kecamatan[0].name == "Reteh"
    assert REGIONS.kecamatan[-1].name == "Sungai Batang"


def test_all_236_desa_and_kelurahan_are_loaded() -> None:
    villages = [village for kec in REGIONS.kecamatan for village in kec.villages]

    assert len(villages) == 236
    assert len({village.code for village in villages}) == 236
    assert sum(village.kind == "desa" for village in villages) == 197
    assert sum(village.kind == "kelurahan" for village in villages) == 39


def test_every_village_belongs_to_its_kecamatan_by_code() -> None:
    for kec in REGIONS.kecamatan:
        assert kec.villages
        for village in kec.villages:
            assert village.kecamatan_code == kec.code
            assert village.code.startswith(kec.code + ".")
            # Kemendagri numbers kelurahan 1xxx and desa 2xxx.
            assert village.code[-4] == ("1" if village.kind == "kelurahan" else "2")


def test_kecamatan_carry_their_bps_code() -> None:
    assert REGIONS.by_code("14.04.04") == REGIONS.kecamatan[3]
    assert REGIONS.kecamatan[3].bps_code == "1403060"
    assert all(kec.bps_code.startswith("1403") for kec in REGIONS.kecamatan)


def test_region_is_found_by_code_with_or_without_dots() -> None:
    kecamatan = REGIONS.by_code("14.04.13")
    village = REGIONS.by_code("1404131005")

    assert isinstance(kecamatan, Kecamatan)
    assert kecamatan.name == "Tembilahan Hulu"
    assert isinstance(village, Village)
    assert village.name == "Tembilahan Barat"
    assert village.kind == "kelurahan"


@pytest.mark.parametrize("code", ["14.04.99", "14.04", "", "x"])
def test_unknown_code_finds_nothing(code: str) -> None:
    assert REGIONS.by_code(code) is None
    assert REGIONS.villages_of(code) == ()


def test_villages_of_a_kecamatan_are_in_code_order() -> None:
    villages = REGIONS.villages_of(RETEH)

    assert len(villages) == 14
    assert villages[0].name == "Pulaukijang"
    assert [v.code for v in villages] == sorted(v.code for v in villages)


def test_regions_are_loaded_once_per_container() -> None:
    assert load_regions() is REGIONS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tembilahan Hulu", ["Tembilahan Hulu"]),
        ("tembilahan hulu", ["Tembilahan Hulu"]),
        ("Kec. Tembilahan Hulu", ["Tembilahan Hulu"]),
        ("kecamatan TEMBILAHAN-HULU", ["Tembilahan Hulu"]),
        ("tembilahanhulu", ["Tembilahan Hulu"]),
        ("Tembilahan", ["Tembilahan"]),
        ("tmbilahan", ["Tembilahan"]),
        ("tembilhan hulu", ["Tembilahan Hulu"]),
        ("kuala indragri", ["Kuala Indragiri"]),
        ("plau burung", ["Pulau Burung"]),
        ("pulauburung", ["Pulau Burung"]),
        ("sei batang", ["Sungai Batang"]),
        ("kritang", ["Keritang"]),
        ("koncong", ["Concong"]),
        ("retih", ["Reteh"]),
        ("tlk belengkong", ["Teluk Belengkong"]),
        ("batang", ["Batang Tuaka", "Sungai Batang"]),
        ("gaung anak", ["Gaung Anak Serka", "Gaung"]),
        ("saya tinggal di kempas", ["Kempas"]),
    ],
)
def test_kecamatan_is_matched_tolerantly(text: str, expected: list[str]) -> None:
    assert names(match_kecamatan(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "saya mau lapor",
        "bantuan pkh",
        "halo",
        "jakarta",
        "pekanbaru",
        "ok",
        "",
        "  ",
        "12345",
        "🙏",
    ],
)
def test_unrelated_text_matches_no_kecamatan(text: str) -> None:
    assert match_kecamatan(text) == []


@pytest.mark.parametrize(
    ("kecamatan_code", "text", "expected"),
    [
        (RETEH, "Pulau Kijang", ["Pulaukijang"]),
        (RETEH, "pulaukijang", ["Pulaukijang"]),
        (RETEH, "sungai terap", ["Sungaiterap"]),
        (RETEH, "Desa Sei Terap", ["Sungaiterap"]),
        (RETEH, "terap", ["Sungaiterap"]),
        (RETEH, "seberang pulau kijang", ["Seberang Pulau Kijang"]),
        (RETEH, "kijang", ["Pulaukijang", "Seberang Pulau Kijang"]),
        (RETEH, "mekarsari", ["Mekar Sari"]),
        ("14.04.04", "kel. sg perak", ["Sungaiperak"]),
        ("14.04.04", "Seberang Tembilahan Selatan", ["Seberang Tembilahan Selatan"]),
        ("14.04.11", "sungai piring", ["Sungaipiring"]),
        ("14.04.13", "tembilahan hulu", ["Tembilahan Hulu"]),
        ("14.04.19", "danau pulai", ["Danaupulai Indah"]),
        ("14.04.20", "pesanggrahan", ["Pasenggerahan"]),
        ("14.04.08", "tagaraja", ["Tegaraja"]),
        ("14.04.12", "belantara raya", ["Belantaraya"]),
    ],
)
def test_village_is_matched_tolerantly_within_its_kecamatan(
    kecamatan_code: str, text: str, expected: list[str]
) -> None:
    assert names(match_village(kecamatan_code, text)) == expected


def test_village_of_another_kecamatan_is_not_matched() -> None:
    assert match_village(RETEH, "Sapat") == []
    assert names(match_village("14.04.03", "Sapat")) == ["Sapat"]


@pytest.mark.parametrize("text", ["saya mau lapor", "tidak tahu", "ok", "jalan merdeka no 5"])
def test_unrelated_text_matches_no_village(text: str) -> None:
    assert match_village(RETEH, text) == []


def test_at_most_three_candidates_are_offered() -> None:
    matches = match_village("14.04.15", "jaya")

    assert len(matches) == 3
    assert all("Jaya" in village.name for village in matches)


def test_unknown_kecamatan_has_no_village_matches() -> None:
    assert match_village("14.04.99", "Pulaukijang") == []


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("Kec. Tembilahan Hulu", "tembilahan hulu"),
        ("Sungaiterap", "sungai terap"),
        ("Sei Terap", "sungai terap"),
        ("Tj. Harapan", "tanjung harapan"),
        ("Seberang Tembilahan Selatan", "seberang tembilahan selatan"),
        ("Kelurahan Pekan Arba'", "pekan arba"),
    ],
)
def test_names_are_normalized_word_by_word(text: str, normalized: str) -> None:
    assert normalize_name(text) == normalized


def test_another_kabupaten_can_ship_its_own_regions_file(tmp_path: Path) -> None:
    path = tmp_path / "wilayah.csv"
    path.write_text(
        HEADER
        + "14.05.02,Bunut,kecamatan,14.05,1404030\n"
        + "14.05.02.2002,Petani,desa,14.05.02,\n"
        + "14.05.02.1001,Pangkalan Bunut,kelurahan,14.05.02,\n"
        + "14.05.01,Langgam,kecamatan,14.05,1404010\n"
        + "14.05.01.1001,Langgam,kelurahan,14.05.01,\n",
        encoding="utf-8",
    )

    regions = load_regions(path)

    assert names(list(regions.kecamatan)) == ["Langgam", "Bunut"]
    assert names(list(regions.villages_of("14.05.02"))) == ["Pangkalan Bunut", "Petani"]
    assert names(match_kecamatan("bunut", regions)) == ["Bunut"]


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("14.05.01,Langgam,kabupaten,14.05,1404010\n", "unknown jenis"),
        ("14.05.01.1001,Langgam,kelurahan,14.05.01,\n", "unknown kecamatan"),
    ],
)
def test_malformed_regions_file_is_refused(tmp_path: Path, rows: str, problem: str) -> None:
    path = tmp_path / "wilayah.csv"
    path.write_text(HEADER + rows, encoding="utf-8")

    with pytest.raises(ValueError, match=problem):
        load_regions(path)


def test_twenty_kecamatan_fit_three_whatsapp_list_pages() -> None:
    kecamatan = REGIONS.kecamatan

    assert paged(kecamatan, 0) == (list(kecamatan[0:9]), False, True)
    assert paged(kecamatan, 1) == (list(kecamatan[9:18]), True, True)
    assert paged(kecamatan, 2) == (list(kecamatan[18:20]), True, False)


@pytest.mark.parametrize("count", [1, 8, 9, 10, 14, 17, 18, 19, 236])
def test_every_page_fits_a_whatsapp_list_with_a_more_row(count: int) -> None:
    items = list(range(count))
    seen: list[int] = []
    page = 0
    while True:
        rows, _, has_next = paged(items, page)
        assert 1 <= len(rows) + has_next <= 10
        seen.extend(rows)
        if not has_next:
            break
        page += 1

    assert seen == items


def test_empty_list_has_one_empty_page() -> None:
    assert paged([], 0) == ([], False, False)


@pytest.mark.parametrize(("page", "expected_first"), [(-1, 0), (99, 18)])
def test_page_out_of_range_is_clamped_to_the_nearest_page(page: int, expected_first: int) -> None:
    rows, _, _ = paged(list(range(20)), page)

    assert rows[0] == expected_first


def test_page_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        paged([1, 2, 3], 0, per_page=0)
