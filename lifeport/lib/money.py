"""Euro amounts the Dutch way (€ 1.234,56) and the English way (€1,234.56). Decimal only, never float."""

import re
from decimal import ROUND_HALF_UP, Decimal


def format_number(value: Decimal | int | None, language: str = "nl", places: int = 0) -> str:
    """A number with thousands separators: "1.234,5" in Dutch, "1,234.5" in English."""
    if value is None:
        return "–"
    q = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{abs(q):.{places}f}".partition(".")
    groups = [whole[max(i - 3, 0) : i] for i in range(len(whole), 0, -3)][::-1]
    thousands, decimal_mark = (",", ".") if language.startswith("en") else (".", ",")
    text = thousands.join(groups) + (decimal_mark + frac if frac else "")
    return f"-{text}" if q < 0 else text


def format_euro(amount: Decimal | int | None, language: str = "nl") -> str:
    if amount is None:
        return "–"
    text = format_number(amount, language, places=2)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    # Dutch: "€ -1.234,56" (non-breaking space, sign after the euro sign); English: "-€1,234.56".
    return f"{sign}€{digits}" if language.startswith("en") else f"€\u00a0{sign}{digits}"


class AmountRefused(ValueError):
    """A typed amount that is not a number in the page's language; `message` says how to write it."""

    def __init__(self, text: str, language: str) -> None:
        super().__init__(text)
        self.text = text
        self.message = amount_refusal(language)


def amount_refusal(language: str) -> str:
    """The one message for an amount the parser refuses, in the page's language."""
    from django.utils.translation import gettext as _

    english = language.startswith("en")
    message = _(
        "Write a number such as %(example)s: “%(decimal)s” before the decimals, “%(thousands)s” only between thousands."
    )
    return message % {
        "example": "1,234.56" if english else "1.234,56",
        "decimal": "." if english else ",",
        "thousands": "," if english else ".",
    }


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_EURO = re.compile(r"^(-?)(?:€|euro|eur)", re.IGNORECASE)


def parse_amount(text: str, language: str) -> Decimal:
    """A typed amount or number of hours, read by the page's language (the one parser of every form and the import).

    Dutch: "," is the decimal sign and "." only groups thousands (1.234,56; 1.000 is a thousand); English
    the reverse (1,234.56). "€", "EUR" and spaces are allowed. Anything else — a decimal sign of the other
    language (7.5 in Dutch), groups not of three digits, two decimal signs — raises AmountRefused: a number
    is never guessed. Trailing zeros after the decimal sign are dropped (1.000 in English is one).
    """
    english = language.startswith("en")
    thousands = "," if english else "."
    cleaned = _SPACES.sub("", text)
    cleaned = _EURO.sub(r"\1", cleaned)
    pattern = _AMOUNT_EN if english else _AMOUNT_NL
    match = pattern.fullmatch(cleaned)
    if not match:
        raise AmountRefused(text, language)
    sign, whole, fraction = match.group("sign") or "", match.group("whole"), match.group("fraction") or ""
    fraction = fraction.rstrip("0")
    number = sign + whole.replace(thousands, "") + ("." + fraction if fraction else "")
    return Decimal(number)


def _amount_pattern(decimal_mark: str, thousands: str) -> re.Pattern[str]:
    d, t = re.escape(decimal_mark), re.escape(thousands)
    return re.compile(rf"(?P<sign>-)?(?P<whole>\d{{1,3}}(?:{t}\d{{3}})+|\d{{1,15}})(?:{d}(?P<fraction>\d{{1,10}}))?")


_AMOUNT_NL = _amount_pattern(",", ".")
_AMOUNT_EN = _amount_pattern(".", ",")
