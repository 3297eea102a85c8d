"""Cells as people type them: phones, dates, ID-card numbers, volunteer numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from intake import identity, normalize, vocabulary
from intake.normalize import Bad
from tests.intake.sheets import id_number


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0086-13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits, as a Chinese IME types them
        ("\u3000138 0013 8000\u3000", "13800138000"),  # full-width spaces around
        (13800138000, "13800138000"),  # an Excel number
        (1.3800138e10, "13800138000"),  # ...stored as a float
        ("020-87654321", "020-87654321"),
        ("(020)87654321", "020-87654321"),
        ("0760 8888 1234", "0760-88881234"),
        ("010-1234567", "010-1234567"),
    ],
)
def test_phones_are_kept_in_one_form(typed: object, kept: str) -> None:
    assert normalize.phone(typed) == kept


@pytest.mark.parametrize("typed", ["1380013800", "23800138000", "999", "不详", "020-99"])
def test_a_number_that_is_no_phone_is_a_problem(typed: str) -> None:
    with pytest.raises(Bad) as bad:
        normalize.phone(typed)
    assert bad.value.code == "BAD_PHONE"
    assert typed not in bad.value.zh + bad.value.en  # messages never repeat the value


def test_a_phone_saved_in_scientific_notation_is_refused_not_guessed() -> None:
    with pytest.raises(Bad) as bad:
        normalize.phone("1.38001E+10")
    assert bad.value.code == "SCIENTIFIC_NOTATION"


@pytest.mark.parametrize(
    "typed",
    [
        "2024年3月5日",
        "2024 年 3 月 5 日",
        "2024/3/5",
        "2024-03-05",
        "2024.3.5",
        "20240305",
        "２０２４-０３-０５",
        45356,  # Excel's serial for 2024-03-05
        45356.0,
        "45356",  # ...when it reached a CSV as text
        dt.datetime(2024, 3, 5, 9, 30),
        "2024/3/5 9:30",
    ],
)
def test_dates_in_the_forms_stations_write_them(typed: object) -> None:
    assert normalize.date(typed) == dt.date(2024, 3, 5)


@pytest.mark.parametrize("typed", ["2024年2月30日", "三月五日", "5/3/2024", "0"])
def test_an_impossible_or_unreadable_date_is_a_problem(typed: str) -> None:
    with pytest.raises(Bad) as bad:
        normalize.date(typed)
    assert bad.value.code == "BAD_DATE"


def test_an_id_number_is_checked_and_kept_only_as_a_keyed_hash_and_last_four() -> None:
    number = id_number(birth="19450302", seq="124")
    card = identity.id_card(" " + number.lower().replace("x", "x") + " ")
    assert card.birth == dt.date(1945, 3, 2)
    assert card.gender == "FEMALE"  # 17th digit 4: even
    assert card.last4 == number[-4:]
    assert number not in repr(card)
    hashed = card.keyed_hash("k" * 32)
    assert len(hashed) == 64 and number not in hashed
    assert hashed != card.keyed_hash("j" * 32)  # without the key, the hash finds nothing
    assert identity.id_card(number.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"}))


def test_the_gb11643_example_number_passes() -> None:
    assert identity.id_card("11010519491231002X").birth == dt.date(1949, 12, 31)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("110105194912310021", "BAD_ID_CHECKSUM"),  # one check character off
        ("110105194912310000", "BAD_ID_CHECKSUM"),  # Excel kept 15 digits and padded with zeros
        ("11010519491231002", "BAD_ID_NUMBER"),
        ("1101051949123100XX", "BAD_ID_NUMBER"),
        ("110105491231002", "OLD_ID_NUMBER"),
        (id_number(birth="19451302"), "BAD_ID_BIRTH_DATE"),  # month 13
        (id_number(birth="20991231"), "BAD_ID_BIRTH_DATE"),  # born in the future
    ],
)
def test_a_bad_id_number_is_a_problem_naming_what_is_wrong(typed: str, code: str) -> None:
    with pytest.raises(Bad) as bad:
        identity.id_card(typed)
    assert bad.value.code == code
    assert typed not in bad.value.zh + bad.value.en


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("44200019900101", "44200019900101"),
        ("gd-2019-00123", "GD201900123"),
        (442000199001, "442000199001"),
    ],
)
def test_volunteer_numbers_are_letters_and_digits(typed: object, kept: str) -> None:
    assert identity.volunteer_no(typed) == kept


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("12345", "BAD_VOLUNTEER_NO"),
        ("张三", "BAD_VOLUNTEER_NO"),
        ("4.42E+17", "SCIENTIFIC_NOTATION"),
    ],
)
def test_a_bad_volunteer_number_is_a_problem(typed: str, code: str) -> None:
    with pytest.raises(Bad) as bad:
        identity.volunteer_no(typed)
    assert bad.value.code == code


def test_vocabularies_take_the_apis_codes_and_chinese_names() -> None:
    assert vocabulary.codes("WeeklySlot", "周二上午、星期六下午，SUN_EVE") == [
        "TUE_AM",
        "SAT_PM",
        "SUN_EVE",
    ]
    assert vocabulary.codes("VulnerabilityTag", "独居 低保对象 living_alone") == [
        "LIVING_ALONE",
        "LOW_INCOME",
    ]
    assert vocabulary.codes("Language", "粤语/普通话") == ["CANTONESE", "MANDARIN"]
    with pytest.raises(Bad):
        vocabulary.codes("Language", "火星语")


def test_a_unified_social_credit_code_is_checked() -> None:
    assert identity.credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert identity.credit_code(" 9135 0100-m000100y43 ") == "91350100M000100Y43"
    with pytest.raises(Bad) as bad:
        identity.credit_code("91350100M000100Y44")
    assert bad.value.code == "BAD_CREDIT_CODE_CHECKSUM"
    with pytest.raises(Bad) as bad:
        identity.credit_code("91350100M000100I43")  # I is not in the code's alphabet
    assert bad.value.code == "BAD_CREDIT_CODE"


@pytest.mark.parametrize(
    ("typed", "grade"), [("4A", 4), ("AAAA", 4), ("4A级", 4), ("五级", 5), (3, 3)]
)
def test_evaluation_grades_in_their_usual_spellings(typed: object, grade: int) -> None:
    assert normalize.rating(typed) == grade


def test_one_value_columns_take_one_and_registrations_take_station_words() -> None:
    assert vocabulary.code("Registration", "备案") == "FILED"
    assert vocabulary.code("OrganizationKind", "社工机构") == "SOCIAL_WORK_AGENCY"
    with pytest.raises(Bad):
        vocabulary.code("OrganizationKind", "社工机构、基金会")
