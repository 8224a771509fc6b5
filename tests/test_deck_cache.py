"""The card cache (issue 21): a deck's fitted chunks are kept by content, so an edit re-renders
only the chunk of the card it changed, the rest is imposed from the cache, and a cache shipped
in a project's output folder (untrusted) is never used."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from cardcheck import make_deck
from pdfcheck import reader, text
from wildpress import assemble, build
from wildpress.runner import deck_cache

CARDS = 30


@pytest.fixture
def deck(tmp_path, monkeypatch):
    """A 30-card deck project cut into small chunks (4-9 cards), so edits hit one chunk of several."""
    monkeypatch.setattr(deck_cache, "CARDS_PER_CHUNK", 6)
    monkeypatch.setattr(deck_cache, "MIN_CHUNK", 4)
    monkeypatch.setenv("WILDPRESS_CACHE", str(tmp_path / "proj" / "out" / ".wildpress-cache"))
    project = tmp_path / "proj"
    make_deck(project / "data" / "species", CARDS)
    return project


def build_deck(project, **run):
    request = assemble(root=project, layouts=["flashcards"], sizes=["a7"], jobs=1, **run)
    result = build(request)
    assert not result.failures, result.failures
    return result


def chunks_of(project) -> list:
    """The chunk PDFs in the card cache."""
    folder = project / "out" / ".wildpress-cache" / deck_cache.FOLDER
    return sorted(folder.glob("*.pdf"))


def test_an_edit_re_renders_only_the_chunk_of_the_edited_card(deck):
    first = build_deck(deck)
    assert first.outputs[0].cards_rendered == CARDS
    chunk_files = chunks_of(deck)
    assert len(chunk_files) >= 3  # several chunks were cached
    victim = sorted((deck / "data" / "species").glob("*.yaml"))[13]
    victim.write_text(victim.read_text().replace("facts:", "facts:\n- Edited to test the card cache.", 1)
                      if "facts:" in victim.read_text() else victim.read_text() + "\n# edited\n")
    second = build_deck(deck)
    rendered = second.outputs[0].cards_rendered
    # The edited card's chunk, and its neighbours when the edit moved a boundary between them
    # (chunks are cut by content): a few chunks of at most 1.5x the chunk size each, never the deck.
    assert 0 < rendered <= 3 * 9 and rendered < CARDS, rendered
    assert len(chunks_of(deck)) - len(chunk_files) in (1, 2, 3, 4)  # the new entries of those chunks
    # the deck imposed from the cache is the deck a fresh build makes
    fresh = build_deck(deck, out_dir=deck / "fresh", given={"force": True})
    assert fresh.outputs[0].cards_rendered == CARDS
    assert text(reader(second.outputs[0].path)) == text(reader(fresh.outputs[0].path))
    assert len(reader(second.outputs[0].path).pages) == len(reader(fresh.outputs[0].path).pages)
    assert sorted(map(str, second.warnings)) == sorted(map(str, fresh.warnings))  # the cache keeps the notes


def test_a_deck_whose_every_chunk_is_cached_renders_no_card(deck):
    first = build_deck(deck)
    (deck / "out" / first.outputs[0].path.name).unlink()  # the output is gone, its chunks are not
    again = build_deck(deck)
    assert again.outputs[0].cards_rendered == 0
    assert text(reader(again.outputs[0].path)) == text(reader(first.outputs[0].path))
    assert sorted(map(str, again.warnings)) == sorted(map(str, first.warnings))


def test_inserting_a_card_keeps_the_chunks_away_from_it():
    keys = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(300)]
    before = {deck_cache.chunk_key(keys, span) for span in deck_cache.chunk_ranges(keys, 2)}
    keys.insert(150, hashlib.sha256(b"new card").hexdigest())
    after = {deck_cache.chunk_key(keys, span) for span in deck_cache.chunk_ranges(keys, 2)}
    assert len(after - before) <= 2  # the chunk that took the card (and at most its neighbour)


def test_an_edit_changes_only_the_chunks_around_it_whatever_the_keys():
    """Where a chunk ends depends on the keys of the few cards before it, never on where the
    previous chunk began: an edit never reaches a chunk that ends a chunk's length before it,
    and changes about two."""
    import random
    import statistics

    shuffle = random.Random(7)
    changed_counts = []
    for trial in range(200):
        keys = [hashlib.sha256(f"{trial}/{n}".encode()).hexdigest() for n in range(shuffle.choice([30, 120, 400]))]
        spans = deck_cache.chunk_ranges(keys, 2)
        edited = shuffle.randrange(len(keys))
        keys_after = keys[:edited] + [hashlib.sha256(f"edit {trial}".encode()).hexdigest()] + keys[edited + 1:]
        spans_after = deck_cache.chunk_ranges(keys_after, 2)
        assert [n for span in spans_after for n in span] == list(range(len(keys)))
        before = {deck_cache.chunk_key(keys, span) for span in spans}
        changed = [span for span in spans_after if deck_cache.chunk_key(keys_after, span) not in before]
        longest = deck_cache.CARDS_PER_CHUNK * 3 // 2
        assert all(span.stop > edited - longest for span in changed), (trial, edited)
        changed_counts.append(len(changed))
    assert statistics.median(changed_counts) <= 2 and max(changed_counts) <= 4, changed_counts


def test_a_shipped_or_tampered_cache_is_never_used(deck):
    first = build_deck(deck)
    cards = deck / "out" / ".wildpress-cache" / deck_cache.FOLDER
    entries = sorted(cards.glob("*.json"))
    # a forged chunk: another chunk's PDF under this key, its record copied with a made-up seal
    victim = entries[0]
    other = entries[1].with_suffix(".pdf")
    shutil.copy(other, victim.with_suffix(".pdf"))
    record = victim.read_text()
    import json

    data = json.loads(record)
    data["sha256"] = hashlib.sha256(other.read_bytes()).hexdigest()
    victim.write_text(json.dumps(data))
    # a chunk whose PDF is a link to a file outside
    linked = entries[2].with_suffix(".pdf")
    linked.unlink()
    linked.symlink_to(first.outputs[0].path)
    (deck / "out" / first.outputs[0].path.name).unlink()
    again = build_deck(deck)
    assert again.outputs[0].cards_rendered > 0
    fresh = build_deck(deck, out_dir=deck / "fresh", given={"force": True})
    assert text(reader(again.outputs[0].path)) == text(reader(fresh.outputs[0].path))


def test_the_cache_without_a_key_is_not_trusted(deck, monkeypatch):
    from wildpress.runner import manifest_check

    build_deck(deck)
    monkeypatch.setattr(manifest_check, "mac_of", lambda text: None)  # no key can be made here
    key = sorted((deck / "out" / ".wildpress-cache" / deck_cache.FOLDER).glob("*.json"))[0].stem
    assert deck_cache.ChunkCache(deck / "out" / ".wildpress-cache").get(key) is None


def test_old_chunks_are_pruned_but_never_a_file_wildpress_did_not_make(tmp_path):
    import os
    import time

    cache = deck_cache.ChunkCache(tmp_path)
    old_key, new_key = "a" * 64, "b" * 64
    assert cache.put(old_key, b"%PDF old", []) and cache.put(new_key, b"%PDF new", [])
    theirs = cache.folder / ("c" * 64 + ".json")  # shipped, not sealed by us
    theirs.write_text("{}")
    (cache.folder / "notes.pdf").write_bytes(b"a user's file")
    past = time.time() - 40 * 86400
    for path in (cache.folder / f"{old_key}.json", cache.folder / f"{old_key}.pdf", theirs, cache.folder / "notes.pdf"):
        os.utime(path, (past, past))
    assert cache.prune() == 2
    assert not (cache.folder / f"{old_key}.pdf").exists() and (cache.folder / f"{new_key}.pdf").exists()
    assert theirs.exists() and (cache.folder / "notes.pdf").exists()


def test_a_shipped_cards_folder_that_links_outside_is_neither_written_nor_pruned(deck, tmp_path):
    import os
    import time

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.json").write_text("{}")
    past = time.time() - 40 * 86400
    os.utime(outside / "precious.json", (past, past))
    cache = deck / "out" / ".wildpress-cache"
    cache.mkdir(parents=True)
    (cache / deck_cache.FOLDER).symlink_to(outside)
    result = build_deck(deck)
    assert result.outputs[0].cards_rendered == CARDS
    assert sorted(p.name for p in outside.iterdir()) == ["precious.json"]  # nothing written, nothing removed
    again = build_deck(deck, given={"force": True})
    assert again.outputs[0].cards_rendered == CARDS


def test_the_command_line_says_how_much_of_a_deck_came_from_the_cache(deck, monkeypatch):
    import json

    from click.testing import CliRunner
    from wildpress.cli import main

    monkeypatch.chdir(deck)
    first = CliRunner().invoke(main, ["build", "-l", "flashcards", "-s", "a7", "-j", "1", "--json", "r1.json"])
    assert first.exit_code == 0, first.output
    assert "from the card cache" not in first.output
    assert json.loads((deck / "r1.json").read_text())["built"][0]["cards_rendered"] == CARDS
    victim = sorted((deck / "data" / "species").glob("*.yaml"))[3]
    victim.write_text(victim.read_text() + "\n# edited\n")
    again = CliRunner().invoke(main, ["build", "-l", "flashcards", "-s", "a7", "-j", "1", "--json", "r2.json"])
    assert again.exit_code == 0, again.output
    rendered = json.loads((deck / "r2.json").read_text())["built"][0]["cards_rendered"]
    assert 0 < rendered < CARDS
    assert f"{rendered} of {CARDS} cards rendered, the rest from the card cache" in again.output
