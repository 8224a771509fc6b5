"""The layout contract: every name a template may use, with what it holds and an example.

A layout is Jinja2 templates and CSS (see docs/walkthrough.md). This module is the one
list of what they can count on: the template context built by
:func:`wildpress.layout.context.template_context` (and the extra names of decks and
booklets), the filters of :func:`wildpress.layout.formatting.filters`, the globals,
the macros of ``layouts/base/macros.html.j2``, the blocks a child layout may
override, the ``data-*`` attributes the fitting passes read, and the ``layout.yaml``
keys a new layout sets. ``docs/gen_layouts.py`` writes it into docs/layouts.md
(MkDocs' theme guide is the model); ``tests/test_layout_contract.py`` checks that
every name the built-in templates use is here and that every name here exists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One documented name: what it holds, in one line, and a template line using it."""

    name: str
    summary: str
    example: str
    where: str = "all"  # the layouts that have it: all, document (poster, fact sheet), cards, booklet


def _e(name: str, summary: str, example: str, where: str = "all") -> Entry:
    return Entry(name, summary, example, where)


# Top-level names of the template context, then their parts (dotted).
VARIABLES = [
    _e("species", "The species record as validated (docs/species-format.md): names, status, figures, texts.",
       "{{ species.name.scientific }}"),
    _e("photo", "The record's main photo (src, credit, licence, alt, focal point), or none.",
       "{% if photo %}{{ photo.credit }}{% endif %}"),
    _e("gallery", "The record's further photos, a list (empty without any).", "{% for shot in gallery[:3] %}…{% endfor %}"),
    _e("photos", "Prepares photos for their boxes (see photos.slot).", "{{ photos.slot(photo, 80, 60).src }}"),
    _e("photos.slot", "A photo cut around its focal point for a box in mm: .src, .position, .focal_x, .focal_y "
       "(an optional tallest height in mm cuts once for every grow step).",
       "{% set slot = photos.slot(photo, 180, 62, 92) %}<img src=\"{{ slot.src }}\">"),
    _e("qr", "QR codes for the record's links.", "{% set codes = qr.links(species.links) %}"),
    _e("qr.links", "The record's links worth a QR code, donate first: a list of (kind, url).",
       "{% for kind, url in qr.links(species.links) %}…{% endfor %}"),
    _e("qr.size", "The side in mm a code for url needs: its design size, larger for a long url, at most the largest.",
       "{% set qr_mm = qr.size(url, 17, 26) %}"),
    _e("qr.svg", "The code, size_mm square, as an <img class=\"wp-picture\"> of an SVG drawn once per process "
       "(style it with img selectors).", "{{ qr.svg(url, qr_mm) }}"),
    _e("maps", "Locator maps of range countries (Natural Earth).", "{{ maps.svg(codes, 80, 40, accent, 'Range') }}"),
    _e("maps.svg", "A map of the countries, width × height mm, in the accent, as an <img class=\"wp-picture\"> of an "
       "SVG drawn once per process (style it with img selectors); '' when none is drawable.",
       "{% set map_svg = maps.svg(species.range.countries, 86, 44, accent, _('Range')) %}"),
    _e("maps.missing", "The countries too small to show at the map's scale.", "{{ maps.missing(codes) | countries }}"),
    _e("geometry", "Sizes computed in Python (wildpress.layout.geometry), so no size table lives in a template.",
       "{% set g = geometry.poster(page, fit, brand.given, title, species.name.scientific) %}"),
    _e("geometry.poster", "The poster's unit, columns, title sizes, figure tiles, map box and size-dependent stylesheet.",
       "<style>{{ g.stylesheet() }}</style>", "document"),
    _e("geometry.factsheet", "The fact sheet's photo band (main photo, stacked gallery) for a number of gallery photos.",
       "{% set band = geometry.factsheet(page, fit, 2) %}{{ band.hero_h }}", "document"),
    _e("geometry.factsheet_map", "The fact sheet's range map box in mm (width, height).",
       "{% set box = geometry.factsheet_map(page, fit) %}", "document"),
    _e("geometry.unit", "The poster's unit (1rem) in mm for a page.", "{{ geometry.unit(page) }}"),
    _e("page", "The page being laid out.", "{{ page.label }}"),
    _e("page.name", "The size's registry name.", "a4"),
    _e("page.label", "The size as printed.", "A4"),
    _e("page.width_mm", "Trimmed width in mm (as turned: landscape is wider).", "{{ page.width_mm - 30 }}"),
    _e("page.height_mm", "Trimmed height in mm.", "{{ page.height_mm }}"),
    _e("page.orientation", "portrait or landscape.", "<body class=\"page-{{ page.orientation }}\">"),
    _e("page.bleed_mm", "The bleed in mm (0 without one).", "margin: -{{ page.bleed_mm }}mm"),
    _e("options", "The layout's options as given (-O NAME=VALUE) or their defaults (docs above).",
       "{% if options.show_sources %}…{% endif %}"),
    _e("lang", "The language printed, a code.", "<html lang=\"{{ lang }}\">"),
    _e("dir", "Text direction of the language: ltr or rtl.", "<html dir=\"{{ dir }}\">"),
    _e("fit", "The ladder rung this pass lays out (layout.yaml `ladder` and `grow`).", "{{ fit.classes }}"),
    _e("fit.shows", "False once a ladder step dropped the part.", "{% if fit.shows('map') %}…{% endif %}"),
    _e("fit.adds", "True once a grow step added the part (shown only where there is room).",
       "{% if fit.adds('quick_facts') %}…{% endif %}"),
    _e("fit.limit", "How many items of a list to show (a ladder step's cap, else the default).",
       "species.threats[:fit.limit('threats')]"),
    _e("fit.room", "The free height in mm a grown part was brought back into (0.0 if not).", "{{ fit.room('map') }}"),
    _e("fit.height", "The height in mm the last pass gave the element marked data-measure=NAME.",
       "{{ fit.height('why') }}"),
    _e("fit.classes", "The steps' CSS classes, space-separated, for the body element.",
       "<body class=\"{{ fit.classes }}\">"),
    _e("fit.css_classes", "The steps' CSS classes as a tuple, to test one.", "{% if 'fit-tight' in fit.css_classes %}"),
    _e("fit.scale", "The ladder's type scale (1.0, down to 0.85).", "{{ 4.2 * fit.scale }}rem"),
    _e("filled", "data-fill name -> its height in mm after the fill pass ({} before it).",
       "filled.get('hero', 120)"),
    _e("measured", "data-measure name -> its height in mm on the previous pass ({} on the first).",
       "measured.get('title', 0)"),
    _e("accent", "The accent colour: -O accent, else the brand's, else the species', else forest green.",
       "--accent: {{ accent }}"),
    _e("scientific_only", "True when the record has no common name of its own: title it by the scientific name.",
       "{% if scientific_only %}{{ m.scientific(species.name.scientific) }}{% endif %}"),
    _e("brand", "The organisation printing (wildpress.yaml `brand:`); every key present, empty when not given.",
       "{% if brand.logo %}<img src=\"{{ brand.logo }}\">{% endif %}"),
    _e("brand.name", "The organisation's name.", "{{ brand.name }}"),
    _e("brand.logo", "The logo's file URI (SVG or PNG), or none.", "<img src=\"{{ brand.logo }}\">"),
    _e("brand.logo_svg", "True when the logo is an SVG.", "{% if brand.logo_svg %}…{% endif %}"),
    _e("brand.website", "The web address as given.", "<a href=\"{{ brand.website }}\">"),
    _e("brand.website_label", "The address as printed: no scheme, no www.", "{{ m.site(brand.website, brand.website_label) }}"),
    _e("brand.contact", "The contact line (parts between ' · ').", "{{ m.contact(brand.contact) }}"),
    _e("brand.footer", "The imprint line.", "{{ brand.footer }}"),
    _e("brand.accent", "The brand's accent colour, or none.", "{{ brand.accent }}"),
    _e("brand.secondary", "The brand's second colour, or none.", "--secondary: {{ brand.secondary }}"),
    _e("brand.given", "True when any part of the brand is given.", "{% if brand.given %}…{% endif %}"),
    _e("meta", "About the build.", "{{ meta.generator }}"),
    _e("meta.generator", "wildpress and its version.", "<meta name=\"generator\" content=\"{{ meta.generator }}\">"),
    _e("meta.organisation", "--organisation (or the brand's name), '' without.", "{{ meta.organisation }}"),
    _e("meta.created", "The build's creation time, ISO 8601.", "<meta name=\"dcterms.created\" content=\"{{ meta.created }}\">"),
    _e("meta.layout", "The layout's name.", "{{ meta.layout }}"),
    _e("sides", "A deck's card sides in print order, each a `card`.", "{% for card in sides %}…{% endfor %}", "cards"),
    _e("card", "One card side (wildpress.layout.cards.side_context): id, side (front/back), variant "
       "(name/photo/question), species, photo, slot, common, sci_only, facts, stats, fs (type sizes in pt), "
       "fit, accent, brand, question, trend, qr_url, qr_mm.",
       "<p style=\"font-size: {{ card.fs.title }}pt\">{{ card.common }}</p>", "cards"),
    _e("deck", "The deck: its name and species count.", "{{ deck.name }} ({{ deck.count }})", "cards"),
    _e("booklet", "The booklet part being laid out (wildpress.layout.booklet): part (front/credits/blank), "
       "title, entries, groups, tiles, art, legend, count, credits_page, blanks, accent, organisation.",
       "{% if booklet.part == 'front' %}…{% endif %}", "booklet"),
]

# Globals: callables every template has besides the context (Jinja's own range, namespace... too).
GLOBALS = [
    _e("_", "Translate a phrase of the layout (the build's catalogue); %(name)s placeholders, escaped.",
       "{{ _('Help protect the %(name)s', name=common) }}"),
    _e("gettext", "The same as _.", "{{ gettext('Threats') }}"),
    _e("ngettext", "Translate with a count: singular, plural, n (and %(num)d).",
       "{{ ngettext('%(num)d more threat', '%(num)d more threats', n) }}"),
]

# Filters wildpress adds to Jinja's own (length, join, format ... are Jinja's).
FILTERS = [
    _e("t", "A text of the record in the build's language (a {lang: text} mapping or a string), typeset.",
       "{{ species.habitat | t }}"),
    _e("number", "A number in the language's digits and separators.", "{{ 12500 | number }}"),
    _e("quantity", "A figure with its unit (and range, approximation), converted as --units asks.",
       "{{ species.measurements.length | quantity }}"),
    _e("figure", "A quantity that never breaks across lines.", "{{ rng.area | figure }}"),
    _e("key_stats", "The record's headline figures (value, label, note, trend, words) for tiles, at most limit.",
       "{% set stats = species | key_stats(4, trend=false) %}"),
    _e("measurement_label", "The label of a measurement key ('Length', 'Weight').",
       "{{ key | measurement_label(value) }}"),
    _e("country", "An ISO country code's name in the language.", "{{ 'RU' | country }}"),
    _e("countries", "Country codes as a phrase: 'Russia and China'.", "{{ species.range.countries | countries }}"),
    _e("country_names", "Country codes as a list of names, sorted.", "{% for name in codes | country_names %}"),
    _e("nobr", "Text that never breaks across lines.", "{{ '12 kg' | nobr }}"),
    _e("url", "A web address, clickable, breaking only between path segments.", "{{ species.links.donate | url }}"),
    _e("trend", "A population trend as an arrow and word.", "{{ species.population.trend | trend }}"),
    _e("column_split", "Where to split rendered sections between two columns of even length.",
       "{% set split = sections | column_split %}"),
    _e("no_widow", "Joins a title's last two words so none stands alone.", "{{ common | no_widow }}"),
    _e("licence", "A photo licence's short name.", "{{ photo.licence | licence }}"),
    _e("status_name", "An IUCN category's name in the language.", "{{ species.status.category | status_name }}"),
    _e("initials", "A name's initials.", "{{ card.common | initials }}"),
    _e("join_list", "Items joined the language's way: 'a, b and c'.", "{{ names | join_list }}"),
]

# Macros of layouts/base/macros.html.j2 ({% import "macros.html.j2" as m %}).
MACROS = [
    _e("scientific", "A Latin name in italics, left to right inside right-to-left text.", "{{ m.scientific(species.name.scientific) }}"),
    _e("scientific_full", "The scientific name with its authority.", "{{ m.scientific_full(species.name) }}"),
    _e("taxonomy", "Class · order · family where the record gives them.", "{{ m.taxonomy(species.taxon) }}"),
    _e("site", "The brand's web address as printed, a link, breaking after a '/'.",
       "{{ m.site(brand.website, brand.website_label) }}"),
    _e("contact", "A contact line, each short part kept on one line.", "{{ m.contact(brand.contact) }}"),
    _e("link", "A web address, clickable, left to right.", "{{ m.link(species.links.more_info) }}"),
    _e("status_note", "What the assessment covers: region, scope, criteria, year.", "{{ m.status_note(species.status) }}"),
    _e("status_chip", "The IUCN category as a coloured chip.", "{{ m.status_chip(species.status) }}"),
    _e("status_scale", "All IUCN categories, the species' own raised; with the trend when given.",
       "{{ m.status_scale(species.status, pop.get('trend')) }}"),
    _e("panel", "The designed panel drawn where a species has no photo.", "{{ m.panel(species, ranks=true) }}"),
    _e("rank_block", "Class, order and family as a labelled block.", "{{ m.rank_block(species.taxon) }}"),
    _e("credits", "Photo credits in one line.", "{{ m.credits([photo] + gallery) }}"),
    _e("picture", "An <img> for a prepared photo slot, cut around its focal point.",
       "{{ m.picture(photo, photos.slot(photo, 80, 60)) }}"),
    _e("stat_tiles", "Headline figures as tiles, long values set smaller.", "{{ m.stat_tiles(species | key_stats(5)) }}"),
    _e("range_countries", "Range countries: a sentence when few, a run-in list with its count when many.",
       "{{ m.range_countries(species.range.countries) }}"),
]

# Attributes the fitting passes and checks read from the HTML.
ATTRIBUTES = [
    _e("data-field", "The record field an element shows: a misfit names it, the text-fit check measures it.",
       "<section data-field=\"threats\">"),
    _e("data-fill", "An element that grows to take the page's spare height (the fill pass); its height in `filled`.",
       "<div class=\"hero-box\" data-fill=\"hero\">"),
    _e("data-measure", "An element whose height the next pass reads (`measured`, `fit.height`).",
       "<div class=\"why\" data-measure=\"why\">"),
    _e("data-zone", "Cards: where an element must stay: flow (above the footer), footer, bleed (may run off).",
       "<ul class=\"facts\" data-zone=\"flow\">", "cards"),
    _e("data-column", "Fact sheet: a column of the two-column split (left, right).", "<div data-column=\"left\">",
       "document"),
]

# layout.yaml keys a new layout sets beyond name, description and kind (docs/walkthrough.md).
MANIFEST = [
    _e("extends", "The parent layout: its templates, CSS, options and fonts, overridden by the child's.",
       "extends: poster"),
    _e("template", "The entry template; a child's may {% extends \"poster.html.j2\" %} and override blocks.",
       "template: leaflet.html.j2"),
    _e("styles", "The layout's stylesheets, after its parents'.", "styles: [leaflet.css]"),
    _e("fonts", "Font chains per role, used in CSS as var(--font-ROLE): the project's fonts/ first, then these "
       "families; `fallback` is tried after each role's own. A child's roles replace its parent's.",
       "fonts: {sans: [Wildpress Sans], display: [Wildpress Display], fallback: [Wildpress Sans Arabic]}"),
]

# Blocks a child layout overrides alone ({% block hero %}…{% endblock %}); see tests/test_layout_blocks.py.
BLOCKS = {
    "base": ["head", "title", "doc_kind", "description", "subject", "keywords", "style", "body_class", "body"],
    "poster": ["header", "hero", "photo_credit", "status", "key_figures", "gallery", "map", "about",
               "why_it_matters", "habitat", "threats", "quick_facts", "call_to_action", "qr", "how_to_help",
               "brand", "sources", "imprint"],
    "factsheet": ["header", "hero", "photo_credit", "key_figures", "status", "about", "population", "habitat", "map",
                  "measurements", "why_it_matters", "diet", "quick_facts", "threats", "conservation", "links",
                  "footer", "qr", "sources", "status_source", "brand"],
    "flashcards": ["card_front", "front_question", "front_photo", "name_band", "front_clue", "front_name",
                   "card_back", "back_header", "status", "key_figures", "facts", "footer", "qr", "photo_credit",
                   "brand"],
    "booklet": ["cover", "cover_art", "cover_text", "cover_foot", "contents", "credits", "blanks"],
}


def _table(entries: list[Entry], prefix: str = "") -> str:
    rows = ["| name | what it holds | example |", "|---|---|---|"]
    for entry in entries:
        where = "" if entry.where == "all" else f" ({entry.where} only)"
        example = entry.example.replace("|", "\\|")
        rows.append(f"| `{prefix}{entry.name}` | {entry.summary.replace('|', '/')}{where} | `{example}` |")
    return "\n".join(rows) + "\n"


def markdown() -> str:
    """The contract as a docs/layouts.md section."""
    blocks = "\n".join(f"- **{layout}**: " + ", ".join(f"`{name}`" for name in names)
                       for layout, names in BLOCKS.items())
    return "\n".join([
        "## Template contract\n",
        "What a layout's templates can use (generated from `src/wildpress/layout/contract.py`; "
        "`tests/test_layout_contract.py` checks every built-in template against it). Templates are Jinja2 "
        "with autoescaping and StrictUndefined: a name not listed here is an error.\n",
        "### Template context\n", _table(VARIABLES),
        "### Globals\n", _table(GLOBALS),
        "### Filters\n", "Besides Jinja's own (`length`, `join`, `format`, `round` …):\n", _table(FILTERS),
        "### Macros\n", "In `base/macros.html.j2`: `{% import \"macros.html.j2\" as m %}`.\n", _table(MACROS, "m."),
        "### Blocks\n", "A child layout (`extends:` in its `layout.yaml`, a template that "
        "`{% extends \"poster.html.j2\" %}`) overrides one part by its block; `{{ super() }}` keeps the "
        "original. Blocks are scoped: they see the names the template set before them.\n", blocks + "\n",
        "### Attributes\n", _table(ATTRIBUTES),
        "### layout.yaml keys\n", "Besides `name`, `description`, `kind`, sizes, options, `ladder` and `grow`:\n",
        _table(MANIFEST),
    ])
