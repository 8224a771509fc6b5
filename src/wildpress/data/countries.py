"""Country names as people write them -> ISO 3166-1 alpha-2 codes (pycountry, never a typed list).

Real tables say "Colombia", "UK", "Viet Nam", "Bolivia (Plurinational State of)"
or "Honduras?" (presence uncertain). :func:`lookup` turns any of those into a
code, says whether the presence was marked uncertain, and how sure the match
is, so the importer can substitute and report, and the validator can suggest
("'Colombia' is a country name: did you mean CO?").
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry

# Common names and abbreviations that are neither an ISO name nor a code of the country.
ALIASES = {
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "usa": "US", "us": "US", "america": "US", "united states of america": "US",
    "uae": "AE", "drc": "CD", "dr congo": "CD", "congo-kinshasa": "CD", "congo kinshasa": "CD",
    "democratic republic of congo": "CD", "congo-brazzaville": "CG", "congo brazzaville": "CG",
    "republic of congo": "CG", "ivory coast": "CI", "cote d'ivoire": "CI", "south korea": "KR",
    "north korea": "KP", "korea": "KR", "russia": "RU", "laos": "LA", "vietnam": "VN", "iran": "IR",
    "syria": "SY", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "burma": "MM",
    "czechia": "CZ", "czech republic": "CZ", "macedonia": "MK", "swaziland": "SZ", "east timor": "TL",
    "cape verde": "CV", "holland": "NL", "the netherlands": "NL", "vatican": "VA", "palestine": "PS",
    "taiwan": "TW", "brunei": "BN", "micronesia": "FM", "the gambia": "GM", "the bahamas": "BS",
    "turkey": "TR", "turkiye": "TR", "sao tome": "ST", "st lucia": "LC", "st. lucia": "LC",
    "chinese taipei": "TW", "taiwan, province of china": "TW", "hong kong sar": "HK", "macao sar": "MO",
    "brasil": "BR", "peru": "PE", "espana": "ES", "deutschland": "DE", "falklands": "FK", "falkland islands": "FK", "french guyana": "GF", "kosovo": "XK",
}


@dataclass(frozen=True)
class Match:
    """What :func:`lookup` made of one written country."""

    code: str | None  # ISO 3166-1 alpha-2, or None when nothing matched
    uncertain: bool  # written with a trailing '?' (or 'possibly', 'probably')
    how: str  # 'code', 'name', 'alias', 'close' (a near spelling: report it), 'none'
    written: str


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"\s*\((?:the\s+)?(?:plurinational state|bolivarian republic|islamic republic|republic)"
                  r"(?: of)?\)\s*", " ", text, flags=re.I)
    return re.sub(r"\s+", " ", text.replace("&", "and").strip(" .,;").lower())


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Folded name -> code for every name, official name and common name pycountry knows."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table.setdefault(_fold(value), country.alpha_2)
                if "," in value:  # "Korea, Republic of" -> "republic of korea" too
                    head, tail = (p.strip() for p in value.split(",", 1))
                    table.setdefault(_fold(f"{tail} {head}"), country.alpha_2)
    table.update({k: v for k, v in ALIASES.items() if pycountry.countries.get(alpha_2=v) or v == "XK"})
    return table


_UNCERTAIN = re.compile(r"^(?:possibly|probably|perhaps|maybe)\s+|\s*\?+\s*$|\s*\((?:\?|possibly|uncertain)\)\s*$",
                        re.I)


def lookup(written: str, close: bool = True) -> Match:
    """The ISO code of a country as written: a code ('co', 'GB'), a name, an alias or a near spelling."""
    text = str(written).strip()
    uncertain = bool(_UNCERTAIN.search(text))
    text = _UNCERTAIN.sub("", text).strip()
    if re.fullmatch(r"[A-Za-z]{2}", text):
        code = text.upper()
        if pycountry.countries.get(alpha_2=code) or code == "XK":
            return Match(code, uncertain, "code", written)
    if re.fullmatch(r"[A-Za-z]{3}", text):
        found = pycountry.countries.get(alpha_3=text.upper())
        if found:
            return Match(found.alpha_2, uncertain, "code", written)
    folded = _fold(text)
    table = _names()
    if folded in table:
        return Match(table[folded], uncertain, "alias" if folded in ALIASES else "name", written)
    near = difflib.get_close_matches(folded, list(table), n=1, cutoff=0.85) if close else []
    if near:
        return Match(table[near[0]], uncertain, "close", written)
    return Match(None, uncertain, "none", written)


def name(code: str) -> str:
    """The English short name of ``code`` (for messages)."""
    found = pycountry.countries.get(alpha_2=code)
    return getattr(found, "common_name", None) or (found.name if found else code)


_MORE = re.compile(r"^(?P<head>.*?)[\s,;]*(?:\band|\+)\s+(?P<n>\d+)\s+(?:more|others?)\b.*$|"
                   r"^(?P<head2>.*?)[\s,;]*(?:\betc\.?|…|\.\.\.)\s*$", re.I)


def cut_list(text: str) -> tuple[str, str | None]:
    """'France and 27 more' -> ('France', '27 more countries'); a list that is not cut short -> (text, None)."""
    cut = _MORE.match(text.strip())
    if not cut:
        return text, None
    kept = cut["head"] if cut["head"] is not None else cut["head2"]
    return kept, f"{cut['n']} more countries" if cut["n"] else "more countries"


def _known(text: str) -> bool:
    return lookup(text, close=False).how in ("code", "name", "alias")  # exact only: no near-spelling search


def join_commas(items: list[str]) -> list[str]:
    """Items split at commas where a comma parts two countries, kept whole where it is part of one's name
    ('Tanzania, United Republic of', 'Korea, Republic of'): the longest run of pieces naming one wins."""
    out: list[str] = []
    for written in items:
        pieces = [p.strip() for p in written.split(",") if p.strip()]
        start = 0
        while start < len(pieces):
            for end in range(min(len(pieces), start + 3), start, -1):
                joined = ", ".join(pieces[start:end])
                if end == start + 1 or _known(joined):
                    out.append(joined)
                    start = end
                    break
    return out


def is_country_list(text: str) -> bool:
    """True if every item of ``text`` (split at | ; and commas) names a country exactly (for column profiles)."""
    kept, _ = cut_list(text)
    items = join_commas([p for p in re.split(r"[|;]", kept) if p.strip()])
    return bool(items) and len(items) <= 300 and all(_known(i) for i in items)
