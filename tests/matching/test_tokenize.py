"""Tokenisation: the words the matcher compares and shows."""

import pytest

from matching.normalize import MAX_FIELD_CHARS, clean_text
from matching.tokenize import WordTokenizer, fold_english


@pytest.fixture(scope="module")
def tok() -> WordTokenizer:
    return WordTokenizer()


def words(tok: WordTokenizer, text: str) -> list[str]:
    return tok.tokens(clean_text(text))


def test_katakana_spelling_variants_fold(tok):
    """表記ゆれ: サーバー and サーバ become the same term."""
    assert words(tok, "サーバ") == words(tok, "サーバー") == ["サーバー"]


def test_nfkc_folds_full_width_latin(tok):
    assert clean_text("ＤＸ推進") == "dx推進"
    assert words(tok, "ＤＸ") == words(tok, "DX") == ["dx"]


def test_nfkc_folds_half_width_kana(tok):
    assert clean_text("ｶﾅ") == "カナ"
    assert words(tok, "ｶﾅ") == words(tok, "カナ")


def test_particles_symbols_numbers_and_light_verbs_dropped(tok):
    assert words(tok, "2023年に防災をする。！？") == ["防災"]


def test_english_stop_words_and_plurals(tok):
    assert words(tok, "The Veterans and their Communities") == ["veteran", "community"]
    assert fold_english("services") == "service"
    assert fold_english("address") == "address"


def test_mixed_text_keeps_both_languages(tok):
    assert words(tok, "IoT機器でtelework推進") == ["iot", "機器", "telework", "推進"]


def test_html_and_urls_are_stripped_before_tokenising(tok):
    text = '<p>防災<script>alert("x")</script> <a href="https://e.jp/a">テレワーク</a></p>'
    assert words(tok, text) == ["防災", "テレワーク"]


def test_emoji_and_symbols_only_give_no_terms(tok):
    assert words(tok, "😀🎉 ！！ ---") == []


def test_huge_text_is_capped():
    assert len(clean_text("防災" * 600_000)) == MAX_FIELD_CHARS


def test_long_text_without_breaks_tokenises(tok):
    assert words(tok, "防災" * 5_000)[:2] == ["防災", "防災"]
