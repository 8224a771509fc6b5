"""Range maps and QR codes are parsed by WeasyPrint once, not on every fit pass (issue 19).

A fit ladder lays one document out several times; an inline ``<svg>`` would be tokenised,
cascaded and parsed again on each pass. The templates get an ``<img>`` of a
``wildpress-picture:`` URL instead, served from memory by the confined fetcher, and the
parsed image is kept across passes and documents.
"""

from __future__ import annotations

from collections import OrderedDict

import pytest

from conftest import SAMPLES
from wildpress.pictures import store


@pytest.fixture
def empty_store(monkeypatch):
    """A store holding nothing yet, so what one test parses is counted from zero."""
    monkeypatch.setattr(store, "_pictures", OrderedDict())
    monkeypatch.setattr(store, "_parsed", {})
    monkeypatch.setattr(store, "_held", [0])


@pytest.fixture
def counted(monkeypatch):
    """Counts of pictures (maps, codes) WeasyPrint parses as SVG, of layout passes (``Renderer.render`` calls) and of
    the times WeasyPrint asks its image cache for a picture (once per picture per pass)."""
    from weasyprint.images import SVGImage

    from wildpress.layout.render import Renderer

    counts = {"svg": 0, "passes": 0, "asked": 0}
    parse, render, holds = SVGImage.__init__, Renderer.render, store.SharedPictures.__contains__

    def counting_holds(self, key):
        counts["asked"] += store.is_picture(key)
        return holds(self, key)

    def counting_parse(self, tree, base_url, *args, **kwargs):
        counts["svg"] += store.is_picture(base_url)  # not the layout's own inline <svg> (icons, scales)
        parse(self, tree, base_url, *args, **kwargs)

    def counting_render(self, *args, **kwargs):
        counts["passes"] += 1
        return render(self, *args, **kwargs)

    monkeypatch.setattr(SVGImage, "__init__", counting_parse)
    monkeypatch.setattr(Renderer, "render", counting_render)
    monkeypatch.setattr(store.SharedPictures, "__contains__", counting_holds)
    return counts


def render_sheet(renderer, species_file, cache, layout="factsheet", size="a4"):
    """One document rendered in this process (photos cut into ``cache``): (PDF bytes, pages)."""
    from wildpress.data.species import load_species
    from wildpress.jobs import Job, Settings
    from wildpress.layout.document import render_document
    from wildpress.layout.layouts import load_layout
    from wildpress.printing.sizes import get_size
    from wildpress.safety.confine import Confinement

    (species,), problems = load_species([species_file])
    assert not [p for p in problems if p.severity == "error"]
    chosen = load_layout(layout)
    settings = Settings(cache_dir=str(cache))
    job = Job([species], chosen, get_size(size), chosen.resolve_options({}), species.id, settings=settings)
    confinement = Confinement.for_project(species.file.parent, [species.file.parent]).with_root(cache)
    with renderer.confined(confinement, 100):
        return render_document(renderer, job, settings)


def test_the_map_and_code_are_parsed_once_across_the_passes_of_a_sheet(empty_store, counted, tmp_path):
    from wildpress.layout.render import Renderer

    renderer = Renderer()
    data, pages = render_sheet(renderer, SAMPLES / "atlantic-puffin.yaml", tmp_path)
    assert data.startswith(b"%PDF") and pages >= 1
    kinds = [url[len(store.SCHEME):].split("-")[0] for url in store._pictures]
    assert sorted(set(kinds)) == ["map", "qr"]
    # Every pass asks for its pictures (a grow step may draw the map taller: a new picture);
    # each picture is parsed once however many passes place it.
    assert counted["passes"] >= 2 and counted["asked"] > len(kinds)
    assert counted["svg"] == len(kinds) == store.parsed_count()


def test_a_second_document_with_the_same_pictures_parses_none(empty_store, counted, tmp_path):
    from wildpress.layout.render import Renderer

    renderer = Renderer()
    first, _ = render_sheet(renderer, SAMPLES / "amur-leopard.yaml", tmp_path)
    parsed = counted["svg"]
    second, _ = render_sheet(renderer, SAMPLES / "amur-leopard.yaml", tmp_path)
    assert counted["svg"] == parsed
    assert len(first) == len(second)


def test_the_template_gets_an_image_of_the_held_picture_not_inline_svg(empty_store):
    from wildpress.pictures.qr import QRCodes, qr_svg
    from wildpress.pictures.rangemap import RangeMaps, range_map_svg

    markup = str(RangeMaps().svg(["RU", "CN"], 80, 40, "#1f5c3a", "Range: Russia & China"))
    assert markup.startswith('<img class="wp-picture" src="wildpress-picture:map-') and "<svg" not in markup
    assert 'alt="Range: Russia &amp; China"' in markup
    url = markup.split('src="', 1)[1].split('"', 1)[0]
    assert store.picture_bytes(url) == str(range_map_svg(["RU", "CN"], 80, 40, "#1f5c3a",
                                                          label="Range: Russia & China")).encode()
    code = str(QRCodes("here").svg("https://example.org/a", 20))
    qr_url = code.split('src="', 1)[1].split('"', 1)[0]
    assert store.picture_bytes(qr_url) == str(qr_svg("https://example.org/a", 20)).encode()
    assert RangeMaps().svg(["SG"], 80, 40) == ""  # nothing drawable: still no map at all


def test_the_fetcher_serves_only_held_pictures(empty_store, tmp_path):
    from wildpress.layout.fetcher import BlockedResource, ConfinedFetcher

    fetcher = ConfinedFetcher([tmp_path])
    url = store.picture_url('<svg xmlns="http://www.w3.org/2000/svg" width="1mm" height="1mm"/>', "qr")
    assert fetcher.fetch(url).content_type == "image/svg+xml"
    with pytest.raises(BlockedResource, match="not a picture drawn for this build"):
        fetcher.fetch("wildpress-picture:map-" + "0" * 64 + ".svg")


def test_only_pictures_outlive_one_render_in_the_image_cache(empty_store):
    url = store.picture_url('<svg xmlns="http://www.w3.org/2000/svg"/>', "map")
    first = store.SharedPictures()
    first[url], first["file:///project/photo.jpg"] = "parsed map", "parsed photo"
    second = store.SharedPictures()
    assert url in second and second[url] == "parsed map"
    assert "file:///project/photo.jpg" not in second  # a photo may change, or be refused to the next job


def test_the_store_stays_bounded_and_forgets_parsed_images_with_their_pictures(empty_store, monkeypatch):
    monkeypatch.setattr(store, "MAX_PICTURES", 3)
    urls = [store.picture_url(f'<svg xmlns="http://www.w3.org/2000/svg" id="p{n}"/>', "map") for n in range(5)]
    for url in urls:
        store.SharedPictures()[url] = f"parsed {url}"
    assert list(store._pictures) == urls[2:]
    store.picture_url('<svg xmlns="http://www.w3.org/2000/svg" id="p5"/>', "map")
    assert urls[2] not in store._parsed and urls[2] not in store.SharedPictures()
    assert store.picture_bytes(urls[0]) is None
