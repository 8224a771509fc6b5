"""Cells as published tables write them: taxon groups and classes, authorities, HTML, inverted names.

Pure functions over one cell's text (no row, no report): :mod:`wildpress.data.cleaning`
calls them and records what they changed.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Broad groups (the schema's taxon.group) by what tables write: the group, its plural, or a class.
_GROUPS = {
    "mammal": "mammal mammals mammalia",
    "bird": "bird birds aves",
    "reptile": "reptile reptiles reptilia squamata testudines crocodylia",
    "amphibian": "amphibian amphibians amphibia",
    "fish": "fish fishes actinopterygii actinopteri chondrichthyes elasmobranchii sarcopterygii holocephali "
            "cephalaspidomorphi petromyzonti myxini teleostei",
    "insect": "insect insects insecta",
    "invertebrate": "invertebrate invertebrates arachnida malacostraca gastropoda bivalvia cephalopoda "
                    "anthozoa hydrozoa scyphozoa echinoidea asteroidea holothuroidea crinoidea clitellata "
                    "chilopoda diplopoda maxillopoda branchiopoda merostomata polychaeta demospongiae "
                    "mollusca arthropoda cnidaria echinodermata",
    "plant": "plant plants plantae magnoliopsida liliopsida pinopsida polypodiopsida cycadopsida gnetopsida "
             "ginkgoopsida lycopodiopsida bryopsida marchantiopsida",
    "fungus": "fungus fungi agaricomycetes lecanoromycetes sordariomycetes",
}
GROUP_WORDS = {word: group for group, words in _GROUPS.items() for word in words.split()}

_AUTHORITY = re.compile(r"^(?P<name>[A-Z][a-z]+(?: ×)?(?: [a-z][a-z-]+){0,3}?)\s+"
                        r"(?P<authority>\(?(?:[A-Z]|d'|de |van |von |da |du |le |la )[^\s].*?)$")
_RANKS = re.compile(r"\s+(?:subsp|ssp|var|f|forma|subvar)\.\s+")
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,2000}>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote"}


def group_of(text: str) -> str | None:
    """The broad group a cell names ('Mammal', 'MAMMALIA', 'birds', 'Chondrichthyes'), or None."""
    return GROUP_WORDS.get(re.sub(r"[^a-z]", "", text.lower()))


def rank_title(text: str) -> str:
    """IUCN exports write ranks in capitals (CARNIVORA, FELIDAE): 'Carnivora'; other spellings unchanged."""
    stripped = text.strip()
    return stripped.capitalize() if stripped.isupper() and len(stripped) > 3 else stripped


def split_authority(name: str) -> tuple[str, str | None]:
    """'Potos flavus (Schreber, 1774)' -> ('Potos flavus', '(Schreber, 1774)'); names without one unchanged.

    Rank words of trinomials ('subsp.', 'var.') are dropped: 'Panthera pardus subsp. orientalis'."""
    text = _RANKS.sub(" ", re.sub(r"\s+", " ", name.strip()))
    match = _AUTHORITY.match(text)
    if not match or not _looks_like_authority(match["authority"]):
        return text, None
    return match["name"], match["authority"].strip()


def _looks_like_authority(text: str) -> bool:
    """'(Schreber, 1774)', 'Linnaeus, 1758', 'L.', 'Gray', 'Smith & Jones': short, a year or a few names."""
    if len(text) > 120 or not re.search(r"[A-Za-z]", text):
        return False
    words = re.findall(r"[A-Za-z][\w'’.-]*", text)
    return bool(re.search(r"\b1[5-9]\d\d|\b20\d\d", text)) or len(words) <= 4


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


def html_to_text(text: str) -> str:
    """The text of an HTML fragment: tags dropped, entities decoded, block ends as paragraph breaks."""
    parser = _Text()
    parser.feed(text)
    parser.close()
    joined = html.unescape("".join(parser.parts))  # a stray '&amp;' outside markup too
    paragraphs = [re.sub(r"[ \t\r\f\v]+", " ", p).strip() for p in re.split(r"\n\s*\n|\n", joined)]
    return "\n\n".join(p for p in paragraphs if p)


def inverted(name: str) -> str | None:
    """'Tiger, Amur' -> 'Amur Tiger'; None when the name is not written head-first with one comma."""
    head, comma, rest = name.partition(",")
    if not comma or "," in rest or not head.strip() or not rest.strip():
        return None
    if len(head.split()) > 3 or len(rest.split()) > 4:
        return None
    return f"{rest.strip()} {head.strip()}"
