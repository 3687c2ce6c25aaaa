"""Matcher behaviour: directions, exclusions, explanations, single-document scoring."""

import json
import re

import pytest

from matching import ChallengeDoc, Matcher, StartupDoc, TokenCache, rebuild

READABLE = re.compile(r"^[\w\u3040-\u30ff\u4e00-\u9fff\u30fc・ー'\-]+$")


def test_startups_for_challenge_ranks_the_fitting_one_first(matcher):
    assert [m.startup_id for m in matcher.startups_for("c1", k=3)][0] == "s1"
    assert matcher.startups_for("c4", k=1)[0].startup_id == "s4"


def test_challenges_for_startup(matcher):
    assert matcher.challenges_for("s2", k=1)[0].challenge_id == "c2"
    assert matcher.challenges_for("s3", k=1)[0].challenge_id == "c3"


def test_scores_are_the_same_in_both_directions(matcher):
    forward = {m.startup_id: m for m in matcher.startups_for("c2", k=10)}
    backward = next(m for m in matcher.challenges_for("s2", k=10) if m.challenge_id == "c2")
    assert forward["s2"] == backward


def test_excluded_pairs_are_never_returned(matcher):
    exclude = {("c1", "s1")}
    assert "s1" not in [m.startup_id for m in matcher.startups_for("c1", exclude=exclude)]
    assert "c1" not in [m.challenge_id for m in matcher.challenges_for("s1", exclude=exclude)]


def test_only_documents_passed_to_fit_take_part(challenges, startups):
    m = Matcher().fit(challenges[:2], [startups[1], startups[4]], workers=1)
    ids = {x.startup_id for x in m.startups_for("c1", k=10)}
    assert ids <= {"s2", "s5"}
    with pytest.raises(KeyError):
        m.startups_for("c3")


def test_explanations_are_readable_words_with_weights(matcher):
    match = matcher.startups_for("c1", k=1)[0]
    terms = [t.term for t in match.terms]
    assert "防災" in terms and "混雑" in terms
    assert all(READABLE.match(t) and len(t) > 1 for t in terms), terms
    assert sum(t.weight for t in match.terms) <= match.text_score + 1e-3
    assert all(t.weight > 0 for t in match.terms)


def test_signals_explain_categories_and_region(matcher):
    match = matcher.startups_for("c1", k=1)[0]
    signals = {s.name: s for s in match.signals}
    assert signals["shared_categories"].value == ("防災",)
    assert signals["region_served"].value == "兵庫県（近畿）"
    nationwide = next(m for m in matcher.startups_for("c2", k=5) if m.startup_id == "s2")
    assert "region_served" in {s.name for s in nationwide.signals}
    total = match.text_score + sum(s.weight for s in match.signals)
    assert match.score == pytest.approx(total, abs=2e-3)


def test_match_to_dict_is_json(matcher):
    data = matcher.startups_for("c1", k=1)[0].to_dict()
    again = json.loads(json.dumps(data, ensure_ascii=False))
    assert again["terms"][0]["term"] and again["signals"][0]["value"] == ["防災"]


def test_empty_documents_get_nothing_and_a_reason(matcher):
    assert matcher.startups_for("c5") == [] and matcher.reason("c5") == "empty"
    assert matcher.challenges_for("s6") == [] and matcher.reason("s6") == "no_terms"
    assert matcher.reason("c1") == ""


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("の、を。!!", "no_terms"),
        ("😀😀", "no_terms"),
        ("the and of", "no_terms"),
        ("<p></p>", "empty"),
    ],
)
def test_bad_input_for_new_documents(matcher, body, reason):
    result = matcher.score_challenge(ChallengeDoc("new", "", body))
    assert result.matches == () and result.reason == reason


def test_bad_input_that_still_has_words_does_not_crash(matcher):
    odd = [
        "防災" * 500_000,  # 1 MB
        "<div><b>防災</b> &amp; <i>テレワーク</i></div> [link](https://x.jp) ＤＸ ｶﾅ 😀",
        "\x00\ufeff防災\u200b",
    ]
    for body in odd:
        assert matcher.score_startup(StartupDoc("new", "x", body)).reason == ""


def test_single_document_scoring_matches_the_index(matcher, challenges, startups):
    for doc in challenges[:4]:
        assert matcher.score_challenge(doc, k=5).matches == tuple(matcher.startups_for(doc.id, 5))
    for doc in startups[:5]:
        assert matcher.score_startup(doc, k=5).matches == tuple(matcher.challenges_for(doc.id, 5))


def test_new_document_needs_no_refit(matcher):
    doc = StartupDoc("new", "G社", "野生動物の被害を防ぐ装置", regions=("長野県",))
    assert matcher.score_startup(doc).matches[0].challenge_id == "c4"


def test_rebuild_from_cached_tokens_is_identical(challenges, startups):
    cache = TokenCache()
    seen: list[tuple[int, int]] = []
    first = rebuild(
        challenges,
        startups,
        k=3,
        workers=1,
        tokens_cache=cache,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert len(cache) == len(challenges) + len(startups)
    second = rebuild(challenges, startups, k=3, workers=1, tokens_cache=cache)
    assert first == second
    assert seen[-1][0] == seen[-1][1] and all(
        a <= b for (a, _), (b, _) in zip(seen, seen[1:], strict=False)
    )


def test_rebuild_excludes_and_reports_empty(challenges, startups):
    result = rebuild(challenges, startups, k=3, workers=1, exclude={("c4", "s4")})
    assert "s4" not in [m.startup_id for m in result.by_challenge["c4"]]
    assert "c4" not in [m.challenge_id for m in result.by_startup["s4"]]
    assert result.empty == {"c5": "empty", "s6": "no_terms"}
    assert result.by_challenge["c1"][0].startup_id == "s1"
