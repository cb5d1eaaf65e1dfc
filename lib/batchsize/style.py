"""The house style for numbers: `number` writes every number a table of the book shows (`book.styled`) and every
number the findings put in words (`overview`), with the decimals its quantity calls for; `quantity_of` tells the
quantity from a table's column name.

- accuracies, gaps and their differences (percent, percentage points), ratios, correlations, slopes: 2 decimals;
- R²: 3 decimals; a p-value: 2 significant digits;
- measurements that span orders of magnitude (losses, sharpness, eigenvalues, variances, noise scales, seconds):
  3 significant digits;
- learning rates: 3 significant digits, no trailing zeros (0.001, 0.00283 for √-scaled 0.00282843, 0.0078);
- counts and sizes: whole numbers with thousands separated (5,000, 60,000); a batch size never (B = 1024, as the
  paper writes it);
- a minus sign is a minus (−), a sign only where `sign` asks for it and never on a zero (no "+0.00").
"""

from __future__ import annotations

import math
import re

DECIMALS = {"percent": 2, "pp": 2, "ratio": 2, "r": 2, "slope": 2, "r2": 3}
SIGNIFICANT = {"p": 2, "measure": 3, "seconds": 3}
MISSING = "—"

# Column names (lower case) -> quantity, first match wins; a column of whole numbers is a count (`count`) or, by
# name, a batch size (`batch`).
_COLUMNS = [
    (r"\((pp|%)\)", "pp"),  # a unit in the name decides: "loss vs best (pp)" is percentage points, not a loss
    (r"ratio|×|÷| / |speed|factor", "ratio"),  # "B_noise / B*" is a ratio, not a batch size
    (r"\b(updates|steps)\b", "count"),  # before the batch size: "B = 32 updates" counts updates
    (r"(^|[\s(])(b|b\*|batch[\s_]size|trained b|b small|b large|optimal[\s_]b|critical[\s_]b)($|[\s)])", "batch"),
    (r"r²|r2\b", "r2"),
    (r"^p$|p[\s_-]?value", "p"),
    (r"loss|sharp|eigen|trace|varian|σ|noise|fpc|norm", "measure"),
    (r"time|second|\(s\)", "seconds"),
    (r"(^|\s)(lr|η)($|\s)|learning rate", "lr"),
    (r"acc|gap|Δ|\bpp\b|differ|drop|gain", "pp"),
    (r"(^|\s)(r|ρ|a)($|\s)|pearson|spearman|kendall|slope|exponent", "r"),
]


def quantity_of(column: str) -> str:
    """The quantity a column holds, from its name (`number`'s keys; `value` when the name says nothing)."""
    name = str(column).lower()
    return next((quantity for pattern, quantity in _COLUMNS if re.search(pattern, name)), "value")


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 seed', '3 seeds', '1,000 runs': a count with its noun in the right number (never "1 runs" or "seed(s)")."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def joined(words: list[str], conjunction: str = "and") -> str:
    """'A', 'A and B', 'A, B and C' (or 'A, B or C'): a list in prose (no serial comma, as the book writes
    elsewhere)."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def side_of_one(value: float, places: int, most: int = 6) -> int:
    """`places`, or as many more (up to `most`) as a ratio needs to show its side of 1: 1.003 and 0.998, never a
    "1.00" that is above or below 1 (a bound at 1.003 printed 1.00 beside a verdict that it lies above 1)."""
    while not math.isclose(value, 1, rel_tol=1e-9) and places < most and float(f"{value:.{places}f}") == 1:
        places += 1
    return places


def number(value: object, quantity: str = "value", sign: bool = False, decimals: int = 2) -> str:
    """`value` in the house style for its `quantity` (see the module); `decimals` for a plain `value`."""
    if value is None or isinstance(value, str):
        return MISSING if value is None else value
    value = float(value)
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if quantity in ("batch", "count") or (quantity == "value" and value.is_integer() and decimals == 0):
        text = f"{value:.0f}" if quantity == "batch" else f"{value:,.0f}"
    elif quantity == "lr":  # never Python's 3.12e-05, never a padded 0.00100
        text = _significant(value, SIGNIFICANT["measure"])
        text = text.rstrip("0").rstrip(".") if "." in text else text
    elif quantity == "p":
        text = _p_value(value)
    elif quantity in SIGNIFICANT:
        text = _significant(value, SIGNIFICANT[quantity])
    elif quantity == "ratio" and abs(value) >= 100:  # a ratio of 14,126, not 14,125.78 (as `Estimate.text`)
        text = f"{value:,.0f}"
    elif quantity == "ratio":  # its side of 1 visible (`side_of_one`)
        text = f"{value:,.{side_of_one(value, DECIMALS['ratio'])}f}"
    else:
        text = f"{value:,.{DECIMALS.get(quantity, decimals)}f}"
    if re.fullmatch(r"-?[0.,]+", text):  # rounds to zero: no sign, and no minus
        return text.lstrip("-")
    return ("+" if sign and value > 0 else "") + text.replace("-", "−")


def _significant(value: float, digits: int) -> str:
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


def _p_value(p: float) -> str:
    """2 significant digits; below 0.001 as a power of ten (3.2 × 10⁻⁵), never Python's 3.2e-05."""
    if p >= 0.001 or p == 0:
        return _significant(p, 2)
    mantissa, exponent = f"{p:.1e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(str.maketrans('-0123456789', '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'))}"


def cpu_label(name: str) -> str:
    """A device's name as a reader knows it: 'Intel Xeon', not 'Intel(R) Xeon(R) Processor @ 2.80GHz' beside
    'Intel(R) Xeon(R) Processor' (one kind of CPU, named twice)."""
    return re.sub(r"\s+", " ", re.sub(r"\((R|TM)\)|\s*@.*$|\bProcessor\b|\bCPU\b", "", name)).strip() or name
