"""PNG output (--format png --ppi N) and CMYK print PDFs (--colour cmyk), read back from the files."""

from __future__ import annotations

import io
import json
import shutil

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import REPO, SAMPLES
from wildpress.cli import main

LEOPARD = str(SAMPLES / "amur-leopard.yaml")


def _build(*args):
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 0, result.output
    return result


def _png(path):
    with Image.open(path) as image:
        image.load()
        return image.size, image.info


@pytest.fixture(scope="module")
def poster_pngs(tmp_path_factory):
    out = tmp_path_factory.mktemp("png")
    _build(LEOPARD, "-l", "poster", "-s", "a4", "-s", "instagram-post", "--format", "png", "--ppi", "96", "-o",
           str(out))
    _build(LEOPARD, "-l", "poster", "-s", "instagram-story", "--format", "png", "-o", str(out))
    return out


def test_png_pixels_are_the_trim_size_at_the_requested_ppi(poster_pngs):
    size, info = _png(poster_pngs / "amur-leopard-poster-a4.png")
    assert size == (round(210 / 25.4 * 96), round(297 / 25.4 * 96)) == (794, 1123)
    assert [round(v) for v in info["dpi"]] == [96, 96]  # the pHYs chunk
    assert info.get("icc_profile"), "the PNG says its colours are sRGB"
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(io.BytesIO(info["icc_profile"]))
    assert "sRGB" in ImageCms.getProfileDescription(profile)


def test_a_screen_size_at_its_own_ppi_is_its_pixel_size(poster_pngs):
    assert _png(poster_pngs / "amur-leopard-poster-instagram-story.png")[0] == (1080, 1920)
    # --ppi wins over the size's own: 10 in at 96 ppi
    assert _png(poster_pngs / "amur-leopard-poster-instagram-post.png")[0] == (960, 960)


def test_every_screen_size_comes_out_exact():
    from wildpress.printing.raster import pixel_size
    from wildpress.printing.sizes import get_size

    expected = {"instagram-post": (1080, 1080), "instagram-4x5": (1080, 1350), "instagram-story": (1080, 1920),
                "facebook-post": (1200, 630), "linkedin-post": (1200, 627), "x-post": (1600, 900),
                "slide-16x9": (1920, 1080)}
    for name, pixels in expected.items():
        size = get_size(name)
        assert pixel_size(size.width, size.height, size.ppi) == pixels, name
        assert get_size(name, "landscape" if pixels[0] < pixels[1] else "portrait").ppi == size.ppi


def test_pngs_are_in_the_manifest_and_a_rebuild_keeps_them(poster_pngs):
    manifest = json.loads((poster_pngs / ".wildpress-manifest.json").read_text())["outputs"]
    assert manifest["amur-leopard-poster-a4.png"]["of"] == "amur-leopard-poster-a4.pdf"
    before = (poster_pngs / "amur-leopard-poster-a4.png").stat().st_mtime_ns
    result = _build(LEOPARD, "-l", "poster", "-s", "a4", "-s", "instagram-post", "--format", "png", "--ppi", "96",
                    "-o", str(poster_pngs))
    assert "0 built, 2 up to date" in result.output
    assert (poster_pngs / "amur-leopard-poster-a4.png").stat().st_mtime_ns == before
    (poster_pngs / "amur-leopard-poster-a4.png").unlink()  # a PNG gone: its PDF is rebuilt with it
    result = _build(LEOPARD, "-l", "poster", "-s", "a4", "--format", "png", "--ppi", "96", "-o", str(poster_pngs))
    assert (poster_pngs / "amur-leopard-poster-a4.png").is_file()


def test_a_multi_page_document_gives_one_png_per_page_and_clean_keeps_them(tmp_path):
    _build(LEOPARD, "-l", "factsheet", "-s", "a4", "--format", "png", "--ppi", "30", "-o", str(tmp_path))
    pages = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pages == ["amur-leopard-factsheet-a4-p1.png", "amur-leopard-factsheet-a4-p2.png"]
    result = _build(LEOPARD, "-l", "factsheet", "-s", "a4", "--format", "png", "--ppi", "30", "--clean", "-o",
                    str(tmp_path))
    assert sorted(p.name for p in tmp_path.glob("*.png")) == pages, result.output


def test_a_deck_gives_one_png_per_card_side_without_its_bleed(tmp_path):
    species = [str(SAMPLES / name) for name in ("amur-leopard.yaml", "snow-leopard.yaml")]
    _build(*species, "-l", "flashcards", "-s", "a7", "--format", "png", "--ppi", "100", "-o", str(tmp_path))
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == [f"deck-flashcards-a7-00{n}-{side}.png" for n in (1, 2) for side in ("back", "front")]
    assert _png(tmp_path / names[0])[0] == (round(74 / 25.4 * 100), round(105 / 25.4 * 100))


def test_too_many_pixels_are_refused_before_any_page_is_drawn(tmp_path):
    result = CliRunner().invoke(main, ["build", LEOPARD, "-l", "poster", "-s", "a0", "--format", "png", "--ppi",
                                       "1000", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "megapixels, more than the 150 allowed per document; give a lower --ppi" in result.output
    assert not list(tmp_path.glob("*.png"))


def test_a_bad_ppi_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["build", LEOPARD, "--format", "png", "--ppi", "5000", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "between 10 and 1200 ppi" in result.output


needs_gs = pytest.mark.skipif(shutil.which("gs") is None,
                              reason="Ghostscript (gs) is not installed: apt-get install ghostscript")


def _colour_spaces(pdf) -> set[str]:
    """Every colour space named anywhere in the file (images, resources, groups, content operators)."""
    found = set()
    for obj in pdf.objects:
        holder = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
        if not isinstance(holder, pikepdf.Dictionary):
            continue
        for key in ("/ColorSpace", "/CS"):
            value = holder.get(key)
            if isinstance(value, pikepdf.Name):
                found.add(str(value))
            elif isinstance(value, pikepdf.Array) and len(value) and isinstance(value[0], pikepdf.Name):
                found.add(str(value[0]) + (f"-N{value[1].N}" if str(value[0]) == "/ICCBased" else ""))
            elif isinstance(value, pikepdf.Dictionary):
                found.update(str(v if isinstance(v, pikepdf.Name) else v[0]) for v in value.values())
    for page in pdf.pages:
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) in ("rg", "RG"):
                found.add("rg operator")
    return found


@needs_gs
def test_a_cmyk_pdf_reads_back_its_output_intent_and_only_cmyk_colours(tmp_path):
    _build(LEOPARD, "-l", "factsheet", "-s", "a4", "--colour", "cmyk", "--bleed", "3mm", "-o", str(tmp_path))
    with pikepdf.open(tmp_path / "amur-leopard-factsheet-a4.pdf") as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and "default_cmyk.icc" in str(intent.OutputCondition)
        assert intent.DestOutputProfile.N == 4
        profile = intent.DestOutputProfile.read_bytes()
        assert profile[36:40] == b"acsp" and profile[16:20] == b"CMYK"  # an ICC profile of CMYK data
        spaces = _colour_spaces(pdf)
        assert "/DeviceCMYK" in spaces
        assert not {"/DeviceRGB", "/ICCBased-N3", "rg operator"} & spaces, spaces
        assert str(pdf.docinfo.Creator).startswith("wildpress")  # still ours to replace on rebuild
        page = pdf.pages[0].obj
        assert [round(float(v), 1) for v in page.TrimBox] == [8.5, 8.5, 603.8, 850.4]  # the bleed kept
    result = _build(LEOPARD, "-l", "factsheet", "-s", "a4", "--colour", "cmyk", "--bleed", "3mm", "-o",
                    str(tmp_path))
    assert "0 built, 1 up to date" in result.output


def test_cmyk_without_ghostscript_says_how_to_install_it(tmp_path, monkeypatch):
    from wildpress import oscompat

    monkeypatch.setattr(oscompat, "ghostscript_command", lambda: None)
    result = CliRunner().invoke(main, ["build", LEOPARD, "-l", "factsheet", "-s", "a4", "--colour", "cmyk", "-j",
                                       "1", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "--colour cmyk needs Ghostscript, which is not installed" in result.output
    assert "apt-get install ghostscript" in result.output
    assert not list(tmp_path.glob("*.pdf"))


@pytest.mark.parametrize("asked, named", [(["--tagged"], "--tagged"),
                                          (["--pdf-variant", "pdf/x-4"], "--pdf-variant pdf/x-4"),
                                          (["--pdf-variant", "pdf/a-2b"], "--pdf-variant pdf/a-2b")])
def test_cmyk_refuses_what_the_conversion_would_silently_drop(tmp_path, asked, named):
    """Ghostscript drops the structure tree and the XMP: a tagged or standard CMYK file would lie."""
    result = CliRunner().invoke(main, ["build", LEOPARD, "-l", "factsheet", "-s", "a4", "--colour", "cmyk", *asked,
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert f"--colour cmyk cannot be combined with {named}" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.slow
def test_records_nobody_designed_for_fit_the_extreme_screen_shapes(tmp_path):
    """The tallest and the widest screen sizes with a long record, a long name without a photo,
    a sparse record and 60-odd range countries: every poster fits its one page."""
    corpus = REPO / "tests" / "corpus"
    records = [str(corpus / f"{name}.yaml") for name in ("humpback-whale", "dicopomorpha-echmepterygis",
                                                         "pygmy-hippopotamus", "arctic-tern")]
    result = CliRunner().invoke(main, ["build", *records, "-l", "poster", "-s", "instagram-story", "-s",
                                       "facebook-post", "-s", "slide-16x9", "--format", "png", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    sizes = {_png(path)[0] for path in tmp_path.glob("*.png")}
    assert sizes == {(1080, 1920), (1200, 630), (1920, 1080)}
    assert len(list(tmp_path.glob("*.png"))) == 12


def test_a_shipped_manifest_never_gets_a_users_png_removed(tmp_path):
    """An output folder shipped with a manifest naming the user's own PNG as a page of a planned
    PDF: the PNG is not the file wildpress wrote (its hash differs), so it stays."""
    _build(LEOPARD, "-l", "poster", "-s", "a4", "--format", "png", "--ppi", "20", "-o", str(tmp_path))
    manifest_path = tmp_path / ".wildpress-manifest.json"
    doc = json.loads(manifest_path.read_text())
    entry = dict(doc["outputs"]["amur-leopard-poster-a4.png"])
    doc["outputs"]["amur-leopard-poster-a4-p9.png"] = entry  # a page the PDF does not have
    manifest_path.write_text(json.dumps(doc))
    mine = tmp_path / "amur-leopard-poster-a4-p9.png"
    mine.write_bytes(b"the user's own picture")
    _build(LEOPARD, "-l", "poster", "-s", "a4", "--format", "png", "--ppi", "20", "--force", "-o", str(tmp_path))
    assert mine.read_bytes() == b"the user's own picture"
    assert "amur-leopard-poster-a4-p9.png" not in json.loads(manifest_path.read_text())["outputs"]


def test_ghostscripts_folder_left_by_a_killed_build_is_removed_by_the_next(tmp_path):
    left = tmp_path / ".cmyk.0123456789ab.part"
    left.mkdir(parents=True)
    (left / "rgb.pdf").write_bytes(b"%PDF-1.7 half")
    _build(LEOPARD, "-l", "poster", "-s", "a4", "-o", str(tmp_path))
    assert not left.exists()
