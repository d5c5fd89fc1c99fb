import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from chalicelib.privacy import mask_nik, mask_phone, mask_text
from chalicelib.tickets.nik import normalize_nik

sixteen_digits = st.text(alphabet="0123456789", min_size=16, max_size=16)


def full_width(text: str) -> str:
    """What some phone keyboards send: full-width forms of ASCII letters, digits and dashes."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def digit_count(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


@pytest.mark.parametrize("nik", ["1404010101010001", "1404 0101 0101 0001", "1404.0101.0101.0001"])
def test_nik_keeps_first_four_and_last_four_digits(nik: str) -> None:
    assert mask_nik(nik) == "1404********0001"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("140401010101", "**********01"),
        ("14040101010100011", "***************11"),
        ("tidak tahu", "********hu"),
        ("1404", "****"),
        ("7", "*"),
    ],
)
def test_value_that_is_not_16_digits_keeps_at_most_its_last_two_characters(
    value: str, masked: str
) -> None:
    assert mask_nik(value) == masked


@pytest.mark.parametrize("empty", [None, ""])
def test_missing_nik_masks_to_empty_text(empty: str | None) -> None:
    assert mask_nik(empty) == ""


@given(sixteen_digits)
def test_masked_nik_never_reveals_more_than_eight_digits_nor_the_middle_eight(nik: str) -> None:
    masked = mask_nik(nik)

    assert digit_count(masked) <= 8
    assert nik[4:12] not in masked


@given(st.text(alphabet="0123456789 .-abc", max_size=40))
def test_masked_value_that_is_not_a_nik_reveals_at_most_two_digits(value: str) -> None:
    assume(len(normalize_nik(value)) != 16)

    assert digit_count(mask_nik(value)) <= 2


@pytest.mark.parametrize(
    "number",
    [
        "6281234565678",
        "+6281234565678",
        "+62 812-3456-5678",
        "+62 (812) 3456 5678",
        "081234565678",
        "0812-3456-5678",
        "0812 3456 5678",
        "006281234565678",
        " 081234565678 ",
    ],
)
def test_indonesian_number_in_any_common_form_is_masked_the_same_way(number: str) -> None:
    assert mask_phone(number) == "+62 812-****-5678"


def test_shorter_indonesian_mobile_number_keeps_the_same_shape() -> None:
    assert mask_phone("62811760080") == "+62 811-****-0080"


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("6591234567", "+65 ****-4567"),
        ("+60 12-345 6789", "+60 ****-6789"),
        ("14155552671", "+1 ****-2671"),
        ("6738123456", "+673 ****-3456"),
        ("+44 20 7946 0958", "+44 ****-0958"),
    ],
)
def test_foreign_number_keeps_country_code_and_last_four_digits(number: str, masked: str) -> None:
    assert mask_phone(number) == masked


@pytest.mark.parametrize(
    ("user_id", "masked"),
    [("ID.1234567890ABC", "ID.…0ABC"), ("US.13491208655302741918", "US.…1918"), ("ID.ABC", "ID.…")],
)
def test_business_scoped_user_id_keeps_prefix_and_last_four_characters(
    user_id: str, masked: str
) -> None:
    assert mask_phone(user_id) == masked


@pytest.mark.parametrize(("value", "masked"), [(None, ""), ("", ""), ("12", "**"), ("abc", "***")])
def test_missing_or_meaningless_phone_reveals_nothing_useful(
    value: str | None, masked: str
) -> None:
    assert mask_phone(value) == masked


@given(st.text())
def test_masking_a_phone_never_raises(value: str) -> None:
    assert isinstance(mask_phone(value), str)


@given(st.text(alphabet="0123456789", min_size=9, max_size=11))
def test_masked_indonesian_mobile_reveals_only_three_leading_and_four_trailing_digits(
    subscriber: str,
) -> None:
    masked = mask_phone("62" + subscriber)

    assert digit_count(masked) == 2 + 3 + 4
    assert masked.endswith(subscriber[-4:])


def test_nik_and_phone_numbers_inside_free_text_are_masked() -> None:
    text = "NIK saya 1404010101010001, HP 0812-3456-5678 atau wa +62 812 3456 5678."

    assert mask_text(text) == (
        "NIK saya 1404********0001, HP +62 812-****-5678 atau wa +62 812-****-5678."
    )


@pytest.mark.parametrize(
    "nik_in_text",
    [
        "nik:1404010101010001",
        "1404 0101 0101 0001 ya",
        "(1404.0101.0101.0001)",
        "nik1404010101010001",
    ],
)
def test_nik_written_any_way_inside_text_is_masked(nik_in_text: str) -> None:
    assert "1404********0001" in mask_text(nik_in_text)


def test_long_digit_runs_inside_text_are_masked() -> None:
    assert mask_text("rekening 12345678901234567890") == "rekening ******************90"


@pytest.mark.parametrize(
    "text",
    [
        "sejak 12-05-2024 belum makan",
        "tanggal 2024-05-12",
        "jam 08.00-16.00",
        "bantuan Rp 15.000.000 belum cair",
        "RT 002 RW 003, umur 45 tahun",
        "Tolong 🙏 ibu saya @pasar Tembilahan",
        "",
    ],
)
def test_text_without_identifiers_is_unchanged(text: str) -> None:
    assert mask_text(text) == text


@given(st.text(), sixteen_digits, st.text())
def test_nik_inside_any_text_never_leaks_its_middle_digits(
    before: str, nik: str, after: str
) -> None:
    assert nik[4:12] not in mask_text(f"{before} {nik} {after}")


@given(
    st.text(
        alphabet=st.sampled_from("0123456789 +-.\n\u2010\u0663aZ@" + full_width("0")), max_size=60
    )
)
def test_masked_text_never_keeps_eight_digits_in_a_row(text: str) -> None:
    assert not re.search(r"\d{8}", mask_text(text))


@pytest.mark.parametrize(
    "text",
    ["hp 0812.3456.5678", "hp 0812\u20103456\u20105678", "hp 0812 3456 5678", "hp ++6281234565678"],
)
def test_phone_written_with_dots_unicode_dashes_or_stray_plus_is_masked(text: str) -> None:
    assert "3456" not in mask_text(text)


def test_full_width_digits_inside_text_are_masked() -> None:
    assert mask_text("nik " + full_width("1404010101010001")) == "nik 1404********0001"
