"""Both catalogues are complete, and every page honours ?lang=."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "govtech" / "translations"


def _catalog(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _template_ids() -> set[str]:
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_catalogue_is_complete(lang):
    """Every extracted message has a translation, none fuzzy."""
    catalog = _catalog(lang)
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []
    assert _template_ids() <= {m.id for m in catalog if m.id}


def test_template_is_up_to_date(tmp_path):
    """Extracting again finds no message missing from the catalogues (run tools/i18n.py update)."""
    from babel.messages.frontend import CommandLineInterface

    out = tmp_path / "fresh.pot"
    root = Path(__file__).resolve().parent.parent
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(root / "babel.cfg"),
                                "-k", "_l", "--no-location", "-o", str(out), str(root / "govtech"),
                                str(root / "templates")])
    with out.open("rb") as handle:
        fresh = {m.id for m in read_po(handle) if m.id}
    assert fresh - _template_ids() == set()


def test_japanese_is_the_default(client):
    page = client.get("/").get_data(as_text=True)
    assert "プログラムに参加する" in page and 'lang="ja"' in page


def test_browser_language_is_honoured(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Join the programme" in page


def test_lang_parameter_switches_the_page_and_stores_nothing(client):
    """A GET never changes stored data: ?lang= is for this page only."""
    assert "Join the programme" in client.get("/?lang=en").get_data(as_text=True)
    assert "プログラムに参加する" in client.get("/").get_data(as_text=True)


def test_language_switch_posts_and_is_remembered(client):
    response = client.post("/language", data={"lang": "en", "next": "/challenges/?q=x"})
    assert response.status_code == 302 and response.headers["Location"] == "/challenges/?q=x"
    assert "Join the programme" in client.get("/").get_data(as_text=True)
    assert "プログラムに参加する" in client.get("/?lang=ja").get_data(as_text=True)


def test_language_switch_goes_back_only_to_this_site(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/language", data={"lang": "en", "next": target})
        assert response.headers["Location"] == "/", target


def test_unknown_language_is_a_clear_400(client):
    response = client.get("/?lang=fr")
    assert response.status_code == 400
    assert "jaまたはen" in response.get_data(as_text=True)


def test_choice_is_saved_per_user(app, client, login_as):
    user = login_as("startup")
    client.get("/home?lang=en")
    assert "ようこそ" in client.get("/home").get_data(as_text=True)  # the GET stored nothing
    client.post("/language", data={"lang": "en", "next": "/home"})
    other = app.test_client()
    from tests.factories import login

    login(other, user)
    assert "Welcome" in other.get("/home").get_data(as_text=True)


# --- Japanese as a Japanese office writes it --------------------------------------------------

PLACEHOLDER = r"%\([a-z_]+\)[sd]"
JAPANESE = r"[ぁ-んァ-ヶー一-龯々（）「」、。：]"
PARTICLES = r"(?:が|を|に|で|と|は|の|へ|から|まで|より)"
# 「%(org)s が」, 「Markdown が」, 「2015 年」: a space before a particle or around a placeholder
SPACE_BEFORE_PARTICLE = re.compile(rf"(?:{PLACEHOLDER}|[A-Za-z0-9]) +{PARTICLES}")
SPACE_AROUND_PLACEHOLDER = re.compile(rf"{PLACEHOLDER} +{JAPANESE}|{JAPANESE} +{PLACEHOLDER}")


def _japanese_strings():
    for message in _catalog("ja"):
        if message.id and message.string:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for string in strings:
                yield message.id, string


def test_no_space_before_a_particle():
    """「%(org)sが」, not 「%(org)s が」: Japanese puts no space between a word and its particle."""
    bad = [(i, s) for i, s in _japanese_strings() if SPACE_BEFORE_PARTICLE.search(s)]
    assert bad == []


def test_no_space_between_a_placeholder_and_japanese():
    """「%(n)d件」「%(date)s公開」, not 「%(n)d 件」「%(date)s 公開」."""
    bad = [(i, s) for i, s in _japanese_strings() if SPACE_AROUND_PLACEHOLDER.search(s)]
    assert bad == []


def test_people_are_addressed_with_sama():
    """A person (or an organisation's contact) is 様 in what the office writes, never さん."""
    bad = [(i, s) for i, s in _japanese_strings() if re.search(rf"{PLACEHOLDER}\s*さん", s)]
    assert bad == []
    assert dict(_japanese_strings())["Dear %(name)s,"] == "%(name)s様"


def test_the_space_checks_catch_what_they_should():
    assert SPACE_BEFORE_PARTICLE.search("%(org)s が参加を申請")
    assert SPACE_BEFORE_PARTICLE.search("Markdown が使えます")
    assert not SPACE_BEFORE_PARTICLE.search("%(org)sが参加を申請")
    assert SPACE_AROUND_PLACEHOLDER.search("未読 %(n)d 件")
    assert not SPACE_AROUND_PLACEHOLDER.search("「%(challenge)s」× %(startup)sが")
