"""`wildpress new species NAME`: a commented species file to fill in, valid once filled."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import UsageError, WildpressError
from ..safety.outputs import write_atomically
from .schema import ID_PATTERN, UNITS

from .cleaning import slug


SPECIES_TEMPLATE = """\
# {common}: a species file for wildpress (format: docs/species-schema.md).
# Fill in the two REQUIRED values (name.scientific and one source), then run
#   wildpress validate {path}
# Until they are filled in, validate and build stop here: nothing in this
# template is a placeholder that could print. Every other field is optional:
# delete the '# ' in front of a line (and its children) to use it.
schema: 1
# taxon:
#   group: mammal              # mammal, bird, reptile, amphibian, fish, insect, invertebrate, plant, fungus
#   order: Carnivora
#   family: Felidae
name:
  common: {common}
  scientific: ""               # REQUIRED: 'Genus species' (or a genus alone, 'Genus sp.'), e.g. Panthera uncia
  # other: [Ounce]             # other common names
# status:                      # IUCN Red List; leave it out if not assessed (then no status prints)
#   category: VU               # EX EW CR EN VU NT LC DD NE
#   year: 2017
#   source: IUCN Red List
# population:
#   text: Fewer than 6,500 adults   # the estimate as the source words it
#   estimate: {{max: 6500, qualifier: fewer-than}}
#   trend: decreasing          # increasing, decreasing, stable, unknown
# measurements:                # any lower-case key; units: {units}
#   length: {{min: 0.75, max: 1.5, unit: m}}
#   weight: {{min: 22, max: 55, unit: kg}}
#   sleep: {{value: 12, unit: h}}
# range:
#   countries: [NP, IN, CN]    # ISO 3166-1 alpha-2 codes
#   uncertain_countries: [MM]  # presence uncertain: printed as 'possibly also in ...'
#   region: Mountains of Central and South Asia
# description: >-
#   What it looks like.
# habitat: Where it lives.
# ecology: Why it matters in its ecosystem.
# diet: [Blue sheep, Ibex]
# quick_facts:
#   - One short fact per line.
# threats:
#   - {{name: Poaching, detail: One line of detail.}}
# conservation:
#   text: What is being done.
# photo:
#   file: photos/{id}.jpg      # relative to this file
#   credit: Photographer name
#   licence: CC-BY-4.0
#   alt: What the photo shows, for screen readers
# links:
#   more_info: https://example.org/{id}
sources: []                    # REQUIRED: at least one, e.g. - {{title: IUCN Red List, url: https://www.iucnredlist.org}}
"""


def new_species(common: str, out_dir: Path | str = "data/species", force: bool = False) -> Path:
    """Write a commented template species file for ``common`` into ``out_dir``; returns its path."""
    species_id = slug(common)
    if not species_id or not re.match(ID_PATTERN, species_id):
        raise UsageError(f"cannot make a file name from {common!r}; give the common name in letters")
    path = Path(out_dir) / f"{species_id}.yaml"
    if (path.exists() or path.is_symlink()) and not force:
        raise WildpressError(f"{path} exists; not overwriting it (use --force)")
    quoted = yaml.safe_dump(common, default_style=None).strip().removesuffix("...").strip()
    text = SPECIES_TEMPLATE.format(common=quoted, path=path, id=species_id,
                                   units=", ".join(sorted(UNITS)))
    write_atomically(path, text.encode(), force=True)
    return path
