"""Typography and data: figures never break, significance is kept, trends and counts agree."""

from __future__ import annotations

import pytest

from wildpress.layout.formatting import (NBSP, WORD_JOINER, column_split, country_names, key_stats, number, quantity,
                                  trend_arrow, typeset, web_address)

WJ = WORD_JOINER


@pytest.mark.parametrize("value, expected", [
    (0.00014, "0.00014"), (1.10, "1.1"), (12345.678901, "12,345.678901"), (1e-7, "0.0000001"),
    (60.0, "60"), (2833600, "2,833,600"),
])
def test_numbers_keep_the_significance_their_author_wrote(value, expected):
    assert number(value) == expected


def test_a_tiny_measurement_is_never_zero():
    assert quantity({"value": 0.00014, "unit": "kg"}) == f"0.00014{NBSP}kg"
    assert quantity({"min": 0.139, "max": 0.24, "unit": "mm"}) == f"0.139{WJ}–{WJ}0.24{NBSP}mm"


@pytest.mark.parametrize("text, expected", [
    ("Weighs 40–80 kg", f"Weighs 40{WJ}–{WJ}80{NBSP}kg"),
    ("~10,000–25,000 remain", f"~10,000{WJ}–{WJ}25,000 remain"),
    ("20 - 300 µm long", f"20{NBSP}-{NBSP}300{NBSP}µm long"),
    ("about 10 000 animals", f"about 10{NBSP}000 animals"),
    ("covers 5,000 km² of forest", f"covers 5,000{NBSP}km² of forest"),
    ("No figures here", "No figures here"),
    ("In 1972 they", "In 1972 they"),
])
def test_free_text_figures_do_not_break(text, expected):
    assert typeset(text) == expected


def test_a_url_breaks_only_between_path_segments():
    html = str(web_address("https://www.example.org/species/amur-leopard?lang=en&x=1"))
    assert html.startswith('<a class="url" href="https://www.example.org/species/amur-leopard?lang=en&amp;x=1">')
    segments = [s.split("</span>", 1)[0] for s in html.split('<span class="nobr">')[1:]]
    assert segments == ["www.example.org/", "species/", "amur-leopard", "?lang=en", "&amp;x=1"]
    assert html.count("<wbr>") == 4


def test_trend_is_a_vector_arrow_and_a_word():
    html = str(trend_arrow("decreasing"))
    assert "<svg" in html and "Decreasing" in html and "rotate(45" in html
    assert str(trend_arrow(None)) == ""


def test_population_trend_rides_on_the_population_figure_or_stands_alone():
    with_figure = key_stats({"population": {"estimate": {"value": 60}, "trend": "stable"}})
    assert with_figure[0]["label"] == "Population" and with_figure[0]["trend"] == "stable"
    alone = key_stats({"population": {"trend": "decreasing"}})
    assert alone[0] == {"label": "Population trend", "value": "Decreasing", "trend": "decreasing",
                        "note": "", "trend_only": True}
    assert key_stats({"population": {"trend": "decreasing"}}, trend=False) == []


def test_country_count_matches_the_list():
    codes = ["RU", "CN", "RU", "KP"]
    stat = key_stats({"range": {"countries": codes}})[0]
    assert stat["value"] == f"3{NBSP}countries"
    assert country_names(codes) == ["China", "North Korea", "Russia"]


def test_columns_split_where_the_lengths_balance():
    short, long = "<p>" + "x" * 100 + "</p>", "<p>" + "x" * 1000 + "</p>"
    assert column_split([short, short, long]) == 2
    assert column_split([long, short, short]) == 1
    assert column_split([short] * 4) == 2


def test_a_title_with_an_apostrophe_is_escaped_once(tmp_path):
    """The poster's call to action is a translated (Markup) string holding the name: joining its
    last words must not make autoescape escape it again."""
    from markupsafe import Markup, escape

    from conftest import REPO
    from pdfcheck import reader, text
    from wildpress import build
    from wildpress.layout.formatting import no_widow

    joined = no_widow(Markup("Help protect the %s") % "Attenborough's long-beaked echidna")
    assert isinstance(joined, Markup) and str(escape(joined)).count("&#39;") == 1
    record = REPO / "tests" / "corpus" / "attenboroughs-long-beaked-echidna.yaml"
    result = build([record], ["poster"], ["letter"], tmp_path, project_dir=REPO)
    said = text(reader(result.outputs[0].path))
    assert "Help protect the Attenborough's" in said and "&#39;" not in said
