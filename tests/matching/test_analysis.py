"""matching.search_words: the one text analysis the app's search shares with the matcher."""
from __future__ import annotations

import matching


def test_short_units_so_a_word_finds_its_compounds():
    """Split mode A: 防災アプリ gives 防災 and アプリ, so a search for 防災 finds it."""
    assert matching.search_words("防災アプリ")[:2] == ["防災", "アプリ"]


def test_spelling_variants_meet_and_duplicates_go():
    assert matching.search_words("サーバ サーバー") == ["サーバー"]


def test_english_is_folded_as_the_matcher_folds_it():
    assert matching.search_words("Drones drones ＤＸ") == ["drone", "dx"]


def test_numbers_and_pronouns_are_not_search_words():
    assert matching.search_words("2026 これ") == []


def test_long_terms_are_cut_to_the_index_width():
    assert matching.search_words("a" + "b" * 200) == ["a" + "b" * 99]
