"""Shared small corpora for the matcher tests (no app, no database)."""

import pytest

from matching import ChallengeDoc, Matcher, StartupDoc


@pytest.fixture(scope="session")
def challenges() -> list[ChallengeDoc]:
    return [
        ChallengeDoc(
            "c1",
            "防災のDX",
            "避難所の混雑状況をリアルタイムに把握したい。",
            categories=("防災",),
            prefecture="兵庫県",
        ),
        ChallengeDoc(
            "c2",
            "保育園の申請",
            "保育園の入所申請をオンライン化して待機児童を減らしたい。",
            categories=("子育て", "行政手続オンライン化"),
            prefecture="北海道",
        ),
        ChallengeDoc(
            "c3",
            "Telework for staff",
            "We want remote work and paperless meetings.",
            categories=("働き方改革",),
        ),
        ChallengeDoc(
            "c4",
            "鳥獣被害対策",
            "野生鳥獣による農業被害をテクノロジーで減らしたい。",
            categories=("農林水産",),
            prefecture="長野県",
        ),
        ChallengeDoc("c5", "", ""),
    ]


@pytest.fixture(scope="session")
def startups() -> list[StartupDoc]:
    return [
        StartupDoc(
            "s1",
            "A社",
            "避難所の混雑をAIで可視化し、防災担当の判断を支援する。",
            categories=("防災",),
            regions=("近畿",),
        ),
        StartupDoc(
            "s2",
            "B社",
            "保育の入所申請をオンラインで完結するサービス。",
            categories=("子育て",),
            regions=("全国",),
        ),
        StartupDoc(
            "s3",
            "C Inc",
            "Remote work platform with paperless meeting minutes.",
            categories=("働き方改革",),
            regions=("東京都",),
        ),
        StartupDoc(
            "s4",
            "D社",
            "害獣を超音波で追い払う装置で農業被害を防ぐ。",
            categories=("農林水産",),
            regions=("中部",),
        ),
        StartupDoc("s5", "E社", "防災と子育ての両方のアプリを作っています。"),
        StartupDoc("s6", "F社", "!!! 😀"),
    ]


@pytest.fixture(scope="session")
def matcher(challenges, startups) -> Matcher:
    return Matcher().fit(challenges, startups, workers=1)
