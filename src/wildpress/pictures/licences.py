"""Photo licences: SPDX identifiers or the common short names, checked and printed short.

A species file may write a photo's licence the way photographers and Wikimedia
Commons do: an SPDX identifier in any case (``CC-BY-4.0``, ``cc0-1.0``), the same
with spaces (``CC BY-SA 3.0``, ``cc by 2.5``, ``CC BY-SA 3.0 Unported``),
``public domain`` / ``PD`` / ``Public domain (work of the US federal government)``,
``all rights reserved with permission``, or Wikimedia's ``Attribution``.
:func:`normalise` turns any of these into a :class:`Licence` with the SPDX id,
the printed short form and the deed URL; anything else is a ``ValueError`` whose
message suggests the nearest known name.

SPDX ids are checked against the SPDX list shipped with ``license-expression``
(no network). Non-commercial and no-derivatives licences are accepted, and
:attr:`Licence.restrictions` names those limits so a layout can warn.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

PUBLIC_DOMAIN = "LicenseRef-PublicDomain"
ALL_RIGHTS_RESERVED = "LicenseRef-AllRightsReserved-Permission"
ATTRIBUTION = "LicenseRef-Attribution"

#: Licence ids a suggestion prefers (what photos are actually published under).
COMMON = ("CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-3.0", "CC-BY-SA-3.0", "CC-BY-2.5", "CC-BY-SA-2.5",
          "CC-BY-2.0", "CC-BY-SA-2.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0", "CC-BY-NC-ND-4.0",
          "CC-PDDC", "CC-PDM-1.0")

HINT = "use an SPDX identifier such as CC-BY-4.0 or CC0-1.0, or 'public domain'"

_CC_PARTS = {"by": "BY", "sa": "SA", "nc": "NC", "nd": "ND"}
_RESTRICTIONS = {"NC": "non-commercial use only", "ND": "no derivatives (no cropping or editing)"}
# Words that name a CC licence's edition but are not part of its SPDX id.
_FILLER = re.compile(r"[\s-]+(international|unported|generic|licen[cs]e)\b", re.I)


@dataclass(frozen=True)
class Licence:
    """A photo licence as wildpress prints it."""

    spdx: str  #: SPDX id, or a LicenseRef-… id for public domain, permission and Attribution
    short: str  #: the printed form, e.g. "CC BY 4.0", "Public domain"
    url: str | None = None  #: the licence's deed or canonical text, when there is one
    restrictions: tuple[str, ...] = ()  #: limits a layout may warn about (NC, ND)

    def __str__(self) -> str:
        return self.short


_SPECIAL = {
    PUBLIC_DOMAIN: Licence(PUBLIC_DOMAIN, "Public domain"),
    ALL_RIGHTS_RESERVED: Licence(ALL_RIGHTS_RESERVED, "All rights reserved, used with permission"),
    ATTRIBUTION: Licence(ATTRIBUTION, "Attribution", "https://commons.wikimedia.org/wiki/Template:Attribution"),
}

# Short names (already folded by _key) -> licence id.
_ALIASES = {
    "public-domain": PUBLIC_DOMAIN, "pd": PUBLIC_DOMAIN,
    "all-rights-reserved-with-permission": ALL_RIGHTS_RESERVED,
    "all-rights-reserved-used-with-permission": ALL_RIGHTS_RESERVED,
    "used-with-permission": ALL_RIGHTS_RESERVED,
    "with-permission": ALL_RIGHTS_RESERVED,
    "attribution": ATTRIBUTION,
    "cc0": "CC0-1.0", "cc-zero": "CC0-1.0", "cc-0": "CC0-1.0", "cc0-1": "CC0-1.0",
    "cc-pdm": "CC-PDM-1.0", "public-domain-mark": "CC-PDM-1.0",
}
# Printed names for the suggestion list ("did you mean …?"), by folded key.
_ALIAS_NAMES = {"public-domain": "public domain", "all-rights-reserved-with-permission":
                "all rights reserved with permission", "attribution": "Attribution", "cc0": "CC0"}


def _key(text: str) -> str:
    """Fold a licence name for lookup: lower case, filler words dropped, spaces and commas to hyphens."""
    text = _FILLER.sub("", text.strip())
    text = re.sub(r"[\s,;_/]+", "-", text.lower())
    return re.sub(r"-{2,}", "-", text).strip("-")


@functools.lru_cache(maxsize=1)
def _spdx_ids() -> dict[str, str]:
    """Folded SPDX licence id -> SPDX id, from the list shipped with license-expression."""
    from license_expression import get_spdx_licensing

    symbols = get_spdx_licensing().known_symbols
    return {key.lower(): key for key, symbol in symbols.items()
            if not key.startswith("LicenseRef-") and not symbol.is_exception}


def _from_spdx(spdx: str) -> Licence:
    if spdx in _SPECIAL:
        return _SPECIAL[spdx]
    cc = re.fullmatch(r"CC-((?:BY|SA|NC|ND)(?:-(?:BY|SA|NC|ND))*)-(\d\.\d)(?:-([A-Z]+))?", spdx)
    if cc:
        parts, version, port = cc.groups()
        elements = parts.split("-")
        path = f"{parts.lower()}/{version}/" + (f"{port.lower()}/" if port else "")  # ports: .../3.0/us/
        short = f"CC {parts} {version}" + (f" {port}" if port else "")
        restrictions = tuple(_RESTRICTIONS[e] for e in elements if e in _RESTRICTIONS)
        return Licence(spdx, short, f"https://creativecommons.org/licenses/{path}", restrictions)
    if spdx == "CC0-1.0":
        return Licence(spdx, "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/")
    if spdx == "CC-PDDC":
        return Licence(spdx, "CC PDDC", "https://creativecommons.org/licenses/publicdomain/")
    if spdx == "CC-PDM-1.0":
        return Licence(spdx, "Public Domain Mark 1.0", "https://creativecommons.org/publicdomain/mark/1.0/")
    return Licence(spdx, spdx, f"https://spdx.org/licenses/{spdx}.html")


def _suggestion(key: str) -> str | None:
    """The accepted name nearest to ``key``, preferring common photo licences."""
    spdx = _spdx_ids()
    pools = [{c.lower(): c for c in COMMON} | {k: _ALIAS_NAMES[k] for k in _ALIAS_NAMES},
             spdx | {k: _ALIAS_NAMES.get(k, k) for k in _ALIASES}]
    for pool, cutoff in zip(pools, (0.6, 0.75)):
        hit = difflib.get_close_matches(key, list(pool), n=1, cutoff=cutoff)
        if hit:
            return pool[hit[0]]
    return None


def normalise(text: str) -> Licence:
    """The licence ``text`` names; ``ValueError`` (with a suggestion) when it names none we know."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a photo needs a licence; {HINT}")
    key = _key(text)
    if key in _ALIASES:
        return _from_spdx(_ALIASES[key])
    if key.startswith(("public-domain", "pd-")):  # "Public domain (work of the US federal government)", PD-USGov
        return _SPECIAL[PUBLIC_DOMAIN]
    spdx = _spdx_ids()
    if key in spdx:
        return _from_spdx(spdx[key])
    # "CC BY 4" / "CC-BY-SA 3" -> the x.0 edition.
    if re.fullmatch(r"cc-[a-z-]+-\d", key) and key + ".0" in spdx:
        return _from_spdx(spdx[key + ".0"])
    if key in ("all-rights-reserved", "arr", "copyright"):
        raise ValueError(f"{text!r}: a photo with all rights reserved may be printed only with the owner's "
                         "permission; once you have it, write 'all rights reserved with permission'")
    hint = _suggestion(key)
    mean = f" (did you mean {hint}?)" if hint else ""
    raise ValueError(f"{text!r} is not a licence wildpress knows{mean}; {HINT}")


def accepted_names() -> list[str]:
    """Every name :func:`normalise` accepts as written in SPDX form, plus the short names (for docs)."""
    return sorted(set(_spdx_ids().values())) + sorted(_ALIAS_NAMES.values())
