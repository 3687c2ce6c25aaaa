"""Deterministic synthetic challenges and startups for the benchmark.

Texts are stitched from real DX vocabulary of every taxonomy category, in Japanese sentence
templates (about one document in six in English), 300–600 characters each, so that
tokenising, vocabulary size and sparsity resemble the real thing at any scale.
"""

from __future__ import annotations

import random

from matching.regions import PREFECTURES, REGIONS
from matching.types import ChallengeDoc, StartupDoc

VOCAB: dict[str, str] = {
    "防災": "防災 避難所 ハザードマップ 災害情報 避難誘導 安否確認 河川水位 土砂災害 備蓄 "
    "被災者支援 防災無線 地震 津波 洪水 ドローン 気象 センサー 早期警報 要配慮者 消防",
    "子育て": "子育て 保育園 待機児童 母子手帳 妊婦 乳幼児健診 児童館 放課後 学童保育 育児相談 "
    "予防接種 ベビーシッター 家事支援 ひとり親 子ども食堂 発達支援",
    "医療・健康": "医療 健康 オンライン診療 電子カルテ 健診 特定保健指導 フレイル 服薬 救急 "
    "病院 診療所 ヘルスケア 生活習慣病 歩数 健康ポイント 看護",
    "交通・MaaS": "交通 MaaS デマンド交通 オンデマンドバス 乗合タクシー 自動運転 公共交通 "
    "時刻表 経路検索 シェアサイクル 駐車場 渋滞 路線バス 免許返納 移動支援",
    "行政手続オンライン化": "行政手続 オンライン申請 電子申請 マイナンバーカード 窓口 書かない窓口 "
    "電子決済 キャッシュレス 証明書 住民票 押印 ペーパーレス 申請フォーム 予約",
    "働き方改革": "働き方改革 テレワーク リモートワーク RPA 業務効率化 ペーパーレス会議 "
    "勤怠管理 チャット 文書管理 ワークフロー 生成AI 議事録 職員 残業削減",
    "データ利活用": "データ利活用 オープンデータ ダッシュボード 可視化 BI 統計 分析 人流データ "
    "EBPM データ連携 API 個人情報 匿名加工 GIS 地図 予測",
    "教育": "教育 GIGAスクール タブレット 学習支援 AIドリル 不登校 部活動 探究学習 "
    "プログラミング教育 校務 教員 学校 オンライン授業 キャリア教育 図書館",
    "観光・地域振興": "観光 地域振興 インバウンド 観光客 ふるさと納税 特産品 商店街 関係人口 "
    "移住 ワーケーション 周遊 イベント 宿泊 体験 観光案内 多言語",
    "農林水産": "農業 スマート農業 漁業 林業 鳥獣被害 害獣 農地 ドローン散布 収穫 水産 "
    "養殖 牛舎 ぶどう畑 栽培 センサー 耕作放棄地 森林",
    "住民参加": "住民参加 町内会 自治会 パブリックコメント 意見募集 アンケート 地域コミュニティ "
    "ボランティア 市民協働 電子投票 回覧板 広報 情報発信 若者",
    "環境・エネルギー": "環境 エネルギー 脱炭素 再生可能エネルギー 太陽光 省エネ 温室効果ガス "
    "ごみ 分別 リサイクル 生ごみ 食品ロス EV 電力 CO2 見える化",
    "福祉・介護": "福祉 介護 高齢者 見守り 認知症 介護予防 障害者 生活困窮 訪問介護 ケアプラン "
    "介護人材 配食 民生委員 孤独 孤立 相談支援",
    "インフラ": "インフラ 道路 橋梁 点検 上下水道 漏水 老朽化 維持管理 画像解析 街路灯 "
    "除雪 公共施設 設備 保全 トンネル 舗装",
    "その他": "DX デジタル化 AI IoT クラウド アプリ プラットフォーム システム 自治体 "
    "スマートシティ チャットボット LINE 実証実験 ノーコード",
}
_ENGLISH = (
    "disaster shelter evacuation flood sensor childcare nursery clinic telehealth patient "
    "transit bus ride sharing autonomous permit application online form payment remote work "
    "automation open data dashboard analytics school student teacher learning tourism visitor "
    "farm crop drone wildlife citizen survey feedback energy solar waste recycling elderly care "
    "dementia road bridge inspection water pipe maintenance platform cloud app municipality"
)
ENGLISH = _ENGLISH.split()
_JA_SENT = (
    "{a}の{b}に課題があり、{c}を活用した新しい仕組みを検討している。",
    "現在は{a}を紙と電話で管理しており、{b}の負担が大きい。",
    "{a}と{b}のデータを連携し、{c}の効果を検証する実証実験を行いたい。",
    "住民にとって{a}が分かりにくく、{b}の利用が進んでいない。",
    "当社は{a}向けの{b}サービスを提供し、{c}の導入実績がある。",
    "{a}に関する問い合わせが増えており、{b}による自動化が求められている。",
)
_EN_SENT = (
    "We need a better way to manage {a} and {b} with {c}.",
    "Our team provides {a} tools that connect {b} and {c} for local governments.",
    "Residents find {a} hard to use, so {b} adoption is low.",
    "The pilot will measure how {a} improves {b} outcomes.",
)
CATEGORIES = tuple(VOCAB)
_WORDS = {cat: words.split() for cat, words in VOCAB.items()}
_REGION_NAMES = tuple(REGIONS)


def _text(rng: random.Random, cats: list[str], english: bool, lo: int, hi: int) -> str:
    pool = [w for c in cats for w in _WORDS[c]] + _WORDS["その他"]
    target = rng.randint(lo, hi)
    out = ""
    while len(out) < target:
        if english:
            words = rng.sample(ENGLISH, 3)
            out += rng.choice(_EN_SENT).format(a=words[0], b=words[1], c=words[2]) + " "
        else:
            a, b, c = (rng.choice(pool) for _ in range(3))
            out += rng.choice(_JA_SENT).format(a=a, b=b, c=c)
    return out[:hi]


def _cats(rng: random.Random) -> list[str]:
    return rng.sample(CATEGORIES[:-1], rng.choice((1, 1, 2)))


def challenges(n: int, seed: int = 7) -> list[ChallengeDoc]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cats, english = _cats(rng), rng.random() < 1 / 6
        title_words = rng.sample(_WORDS[cats[0]], 2)
        title = " ".join(title_words) if english else f"{title_words[0]}と{title_words[1]}のDX"
        body = _text(rng, cats, english, 300, 600)
        out.append(ChallengeDoc(f"c{i}", title, body, (), tuple(cats), rng.choice(PREFECTURES)))
    return out


def startups(n: int, seed: int = 11) -> list[StartupDoc]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cats, english = _cats(rng), rng.random() < 1 / 6
        regions = rng.choice(
            (("全国",), (rng.choice(_REGION_NAMES),), tuple(rng.sample(PREFECTURES, 3)))
        )
        tags = tuple(rng.sample(_WORDS[cats[0]], 2))
        body = _text(rng, cats, english, 300, 600)
        out.append(StartupDoc(f"s{i}", f"株式会社サンプル{i}", body, tags, tuple(cats), regions))
    return out
