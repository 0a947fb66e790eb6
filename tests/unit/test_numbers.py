"""``app.numbers``: the one reader of numbers people type, fed anything at all.

Property-based (Hypothesis): whatever the text, decimal or integer, the parser either
returns a finite Decimal inside the caller's range and decimals, or raises
``NumberProblem``; nothing else escapes, and what it accepts is plain ASCII. No app and no
database: the examples run in a fraction of a second each, with no fixture to reset.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.numbers import BIGINT_MAX, MAX_LENGTH, NumberProblem, parse_decimal, parse_whole

# Bounded so the module runs in seconds; no example database written into the tree.
BOUNDED = settings(max_examples=300, deadline=None, database=None)

# What an accepted text may look like: ASCII digits, commas only between groups of three,
# one point, an optional leading minus.
ACCEPTED_SHAPE = re.compile(r"-?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?")

# Texts near the rule's edges, mixed with arbitrary ones.
NUMBERISH = st.text(alphabet="0123456789,.-+eE ", max_size=24)
FOREIGN_DIGITS = st.characters(
    categories=["Nd"], exclude_characters="0123456789"
)  # Arabic-Indic, Devanagari, full-width ...
LIMITS = st.tuples(
    st.integers(min_value=0, max_value=6),  # places
    st.one_of(st.none(), st.integers(min_value=-(10**6), max_value=10**6)),  # minimum
    st.one_of(st.none(), st.integers(min_value=0, max_value=10**15)),  # maximum
)


def places_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(-exponent, 0)


def assert_within(value: object, places: int, minimum: int | None, maximum: int | None) -> None:
    assert isinstance(value, Decimal) and value.is_finite()
    assert places_of(value) <= places
    assert minimum is None or value >= minimum
    assert maximum is None or value <= maximum


def read(raw: object, limits: tuple[int, int | None, int | None]) -> Decimal | None:
    """The parser's answer, or None for a NumberProblem (any other exception fails)."""
    places, minimum, maximum = limits
    try:
        value = parse_decimal(raw, places=places, minimum=minimum, maximum=maximum)
    except NumberProblem as problem:
        assert str(problem), "a refusal always says why"
        return None
    assert_within(value, places, minimum, maximum)
    return value


@BOUNDED
@given(text=st.one_of(st.text(), NUMBERISH), limits=LIMITS)
@example(text="NaN", limits=(2, 0, None))
@example(text="sNaN", limits=(2, 0, None))
@example(text="-Infinity", limits=(2, None, None))
@example(text="1e308", limits=(3, 0, 10**7))
@example(text="١٢٣", limits=(2, 0, None))
@example(text="１２", limits=(0, 0, None))
@example(text="+3", limits=(0, 0, None))
@example(text="1,5", limits=(2, 0, None))
@example(text="9" * 10_000, limits=(0, 0, None))
def test_any_text_is_a_number_in_range_or_a_number_problem(
    text: str, limits: tuple[int, int | None, int | None]
) -> None:
    value = read(text, limits)
    if value is not None:
        stripped = text.strip()
        assert ACCEPTED_SHAPE.fullmatch(stripped), stripped
        assert stripped.isascii() and stripped.count(".") <= 1
        assert len(stripped) <= MAX_LENGTH


@BOUNDED
@given(
    before=st.text(alphabet="0123456789", max_size=5),
    digit=FOREIGN_DIGITS,
    after=st.text(alphabet="0123456789.", max_size=5),
)
def test_other_scripts_digits_are_refused_never_converted(
    before: str, digit: str, after: str
) -> None:
    assert unicodedata.category(digit) == "Nd"
    with pytest.raises(NumberProblem, match="digits 0 to 9"):
        parse_decimal(before + digit + after, places=6)


@BOUNDED
@given(
    value=st.decimals(allow_nan=True, allow_infinity=True),
    limits=LIMITS,
)
@example(value=Decimal("sNaN"), limits=(2, 0, None))
@example(value=Decimal("1E+3"), limits=(0, 0, None))
@example(value=Decimal("1E+999999999"), limits=(0, None, None))
@example(value=Decimal("-0.00"), limits=(2, 0, None))
def test_any_decimal_is_itself_in_range_or_a_number_problem(
    value: Decimal, limits: tuple[int, int | None, int | None]
) -> None:
    result = read(value, limits)
    places, minimum, maximum = limits
    if value.is_finite() and result is not None:
        assert result == value
    fits = (
        value.is_finite()
        and places_of(value) <= places
        and (minimum is None or value >= minimum)
        and (maximum is None or value <= maximum)
        and value.adjusted() < MAX_LENGTH  # before writing out 1E+999999 in full
        and len(format(value, "f")) <= MAX_LENGTH
    )
    if fits:
        assert result == value, "a finite value within the rule is accepted as it is"


@BOUNDED
@given(value=st.integers(), minimum=st.one_of(st.none(), st.integers(-100, 100)))
@example(value=10**5000, minimum=None)
@example(value=-(10**5000), minimum=None)
@example(value=BIGINT_MAX + 1, minimum=0)
def test_any_integer_is_itself_or_a_number_problem(value: int, minimum: int | None) -> None:
    try:
        whole = parse_whole(value, minimum=minimum)
    except NumberProblem:
        too_long = abs(value) >= 10**MAX_LENGTH or len(str(value)) > MAX_LENGTH
        assert (minimum is not None and value < minimum) or value > BIGINT_MAX or too_long
        return
    assert whole == value and isinstance(whole, int)
    assert (minimum is None or whole >= minimum) and whole <= BIGINT_MAX


@st.composite
def valid_numbers(draw: st.DrawFn) -> tuple[Decimal, int]:
    places = draw(st.integers(min_value=0, max_value=4))
    units = draw(st.integers(min_value=-(10**15), max_value=10**15))
    return Decimal(units).scaleb(-places), places


@BOUNDED
@given(number=valid_numbers(), grouped=st.booleans(), padded=st.booleans())
def test_a_formatted_valid_number_reads_back_exactly(
    number: tuple[Decimal, int], grouped: bool, padded: bool
) -> None:
    value, places = number
    text = format(value, ",f" if grouped else "f")
    if padded:
        text = f"  {text}\t"
    read_back = parse_decimal(text, places=places, minimum=None)
    assert read_back == value
    assert format(read_back, "f").lstrip("-") == format(value, "f").lstrip("-")


@pytest.mark.parametrize("raw", [1.5, float("nan"), True])
def test_floats_and_booleans_are_a_programming_error_not_input(raw: object) -> None:
    with pytest.raises(TypeError):
        parse_decimal(raw, places=2)


@pytest.mark.parametrize(
    ("raw", "places", "message"),
    [
        ("", 2, "Enter a number."),
        ("12.345", 2, "Use at most 2 decimals."),
        ("1.5", 0, "Enter a whole number."),
        ("-1", 2, "The number cannot be negative."),
        ("1e3", 2, "no letters, exponents or plus signs"),
        ("٣", 0, "digits 0 to 9"),
        ("1" * 41, 0, "too long"),
    ],
)
def test_each_refusal_says_what_to_write(raw: str, places: int, message: str) -> None:
    with pytest.raises(NumberProblem, match=message):
        parse_decimal(raw, places=places)
