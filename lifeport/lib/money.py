"""Euro amounts the Dutch way (€ 1.234,56) and the English way (€1,234.56). Decimal only, never float."""

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
