"""Where things go on a flashcard side: the safe area, the back's credit (and QR) zone, the brand line.

Every back of a deck gets the same zones, sized for the deck's longest credit
and its QR code, so the backs still line up after duplex printing.
"""

from __future__ import annotations

from .fit import PX
from ..printing.sizes import MM, PaperSize

SAFE_MM = 3.5  # text stays this far inside the trim: trimmers wander by 1-2 mm
FOOTER_PT = 7.0  # the credit line
# The brand on a card back: a small logo two footer lines tall (at most this wide) and the web
# address, or the name and web address without a logo; a long address prints as its host alone.
BRAND_LOGO_LINES, BRAND_LOGO_MM, BRAND_SITE_MAX = 2, 18.0, 40


def footer_pt(qr_mm: float = 0.0, credit_lines: int = 2) -> float:
    """Height of a back's footer zone: the credit's lines (two at least), or the QR code if taller."""
    return max(FOOTER_PT * 1.25 * max(2, credit_lines), (qr_mm + 1.0) * MM if qr_mm else 0.0)


def credit_lines(job, qr_mm: float = 0.0, brand=None) -> int:
    """Lines the back's footer needs at 7 pt beside the QR code: the longest photo credit of the
    deck (1 to 4), then the brand's line if there is one (its logo stands two lines tall).

    Every back of the deck gets the same footer, so the cards line up after duplex printing.
    """
    width_mm = job.size.width_mm - 2 * SAFE_MM - (qr_mm + 2 if qr_mm else 0)
    per_line = max(10, int(width_mm / (FOOTER_PT * 0.53 / MM)))  # an average 7 pt character is ~1.3 mm
    longest = max((len(sp.data["photo"]["credit"]) + 24 for sp in job.species_list if sp.data.get("photo")),
                  default=0)
    lines = min(4, -(-longest // per_line))
    line = brand_line(brand)
    if line:
        # Beside a QR code the logo stands above the address (the column is narrow); else beside it.
        beside = bool(line["logo"]) and not qr_mm
        text_lines = brand_text_lines(line["text"], width_mm - (BRAND_LOGO_MM + 1.5 if beside else 0))
        logo_lines = BRAND_LOGO_LINES if line["logo"] else 0
        lines += max(logo_lines, text_lines) if beside else logo_lines + text_lines
    return lines


def brand_line(brand, card_width_mm: float | None = None) -> dict | None:
    """What a card back prints of the brand (``settings.brand``): the logo and the web address,
    or without a logo the name and the web address; None when it gives none of them.

    ``centred``: the text takes one line beside the logo (on a card ``card_width_mm`` wide without a
    QR code), so it is set on the logo's middle.
    """
    if not brand:
        return None
    site = brand.context()["website_label"]
    if len(site) > BRAND_SITE_MAX:  # a card has room for the host, not a campaign path
        site = site.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    logo = brand.logo.as_uri() if brand.logo else None
    name = "" if logo else brand.name
    if not (logo or name or site):
        return None
    text = " · ".join(t for t in (name, site) if t)
    beside_mm = (card_width_mm or 0) - 2 * SAFE_MM - BRAND_LOGO_MM - 1.5
    return {"logo": logo, "name": name, "site": site, "website": brand.website, "text": text,
            "centred": bool(logo and text and card_width_mm and brand_text_lines(text, beside_mm) == 1),
            "logo_pt": round(FOOTER_PT * 1.25 * BRAND_LOGO_LINES - 1.5, 2), "logo_mm": BRAND_LOGO_MM}


def brand_text_lines(text: str, width_mm: float) -> int:
    """Lines the brand's text takes at 7 pt bold in ``width_mm``, with room for breaking only after a '/'."""
    if not text:
        return 0
    per_line = max(8, int(width_mm / (FOOTER_PT * 0.6 / MM)))
    return -(-(len(text) + 6) // per_line)


def page_css(size: PaperSize, bleed_mm: float, qr_mm: float = 0.0, lines: int = 2) -> str:
    """Page = trim + bleed on every side; the side box is padded to the safe area."""
    b, s = bleed_mm * MM, SAFE_MM * MM
    w, h = size.width + 2 * b, size.height + 2 * b
    footer = footer_pt(qr_mm, lines)
    return (f"@page {{ size: {w:.4f}pt {h:.4f}pt; margin: 0; bleed: 0; }}\n"
            f".side {{ width: {w:.4f}pt; height: {h:.4f}pt; padding: {b + s:.4f}pt; }}\n"
            f".side.back {{ padding-bottom: {b + s + footer:.4f}pt; }}\n"
            f".inset {{ left: {b + s:.4f}pt; right: {b + s:.4f}pt; }} .inset-right {{ right: {b + s:.4f}pt; }}\n"
            f".inset-bottom {{ bottom: {b + s:.4f}pt; }} .inset-top {{ top: {b + s:.4f}pt; }}\n"
            f".pad {{ padding-left: {b + s:.4f}pt; padding-right: {b + s:.4f}pt; }}\n"
            f".pad-bottom {{ padding-bottom: {b + s:.4f}pt; }} .pad-top {{ padding-top: {b + s:.4f}pt; }}\n")


def zones(size: PaperSize, bleed_mm: float, qr_mm: float = 0.0, lines: int = 2) -> dict:
    """Where text may go, in CSS px: the safe area; back text above the credit (and QR) zone."""
    b, s = bleed_mm * MM / PX, SAFE_MM * MM / PX
    w, h = size.width / PX + 2 * b, size.height / PX + 2 * b
    footer = footer_pt(qr_mm, lines) / PX
    safe = (b + s, b + s, w - b - s, h - b - s)
    return {"safe": safe, "flow": (safe[0], safe[1], safe[2], safe[3] - footer),
            "footer": (safe[0], safe[3] - footer, safe[2], safe[3])}
