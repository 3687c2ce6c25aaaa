"""Fixed reference data: prefectures (JIS X 0401) with their regions, and the challenge taxonomy.

Proper names are chosen by locale; the taxonomy's labels are messages in the catalogues. The
Japanese category names are also what the matcher sees.
"""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

_PREFECTURES = """\
01 北海道 Hokkaido 北海道
02 青森県 Aomori 東北
03 岩手県 Iwate 東北
04 宮城県 Miyagi 東北
05 秋田県 Akita 東北
06 山形県 Yamagata 東北
07 福島県 Fukushima 東北
08 茨城県 Ibaraki 関東
09 栃木県 Tochigi 関東
10 群馬県 Gunma 関東
11 埼玉県 Saitama 関東
12 千葉県 Chiba 関東
13 東京都 Tokyo 関東
14 神奈川県 Kanagawa 関東
15 新潟県 Niigata 中部
16 富山県 Toyama 中部
17 石川県 Ishikawa 中部
18 福井県 Fukui 中部
19 山梨県 Yamanashi 中部
20 長野県 Nagano 中部
21 岐阜県 Gifu 中部
22 静岡県 Shizuoka 中部
23 愛知県 Aichi 中部
24 三重県 Mie 近畿
25 滋賀県 Shiga 近畿
26 京都府 Kyoto 近畿
27 大阪府 Osaka 近畿
28 兵庫県 Hyogo 近畿
29 奈良県 Nara 近畿
30 和歌山県 Wakayama 近畿
31 鳥取県 Tottori 中国
32 島根県 Shimane 中国
33 岡山県 Okayama 中国
34 広島県 Hiroshima 中国
35 山口県 Yamaguchi 中国
36 徳島県 Tokushima 四国
37 香川県 Kagawa 四国
38 愛媛県 Ehime 四国
39 高知県 Kochi 四国
40 福岡県 Fukuoka 九州
41 佐賀県 Saga 九州
42 長崎県 Nagasaki 九州
43 熊本県 Kumamoto 九州
44 大分県 Oita 九州
45 宮崎県 Miyazaki 九州
46 鹿児島県 Kagoshima 九州
47 沖縄県 Okinawa 九州"""

PREFECTURES: dict[str, tuple[str, str, str]] = {
    code: (ja, en, region)
    for code, ja, en, region in (line.split() for line in _PREFECTURES.splitlines())
}

CATEGORIES: dict[str, tuple[str, object]] = {
    "disaster": ("防災", _l("Disaster prevention")),
    "childcare": ("子育て", _l("Child-rearing")),
    "health": ("医療・健康", _l("Healthcare")),
    "mobility": ("交通・MaaS", _l("Transport & MaaS")),
    "online_procedures": ("行政手続オンライン化", _l("Online administrative procedures")),
    "work_style": ("働き方改革", _l("Work-style reform")),
    "data": ("データ利活用", _l("Data utilisation")),
    "education": ("教育", _l("Education")),
    "tourism": ("観光・地域振興", _l("Tourism & regional revitalisation")),
    "agriculture": ("農林水産", _l("Agriculture, forestry & fisheries")),
    "participation": ("住民参加", _l("Citizen participation")),
    "environment": ("環境・エネルギー", _l("Environment & energy")),
    "welfare": ("福祉・介護", _l("Welfare & elderly care")),
    "infrastructure": ("インフラ", _l("Infrastructure")),
    "other": ("その他", _l("Other")),
}


def _is_japanese() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "ja"


def prefecture_name(code: str | None) -> str:
    """The prefecture's name in the current language, or '' for none/unknown."""
    if not code or code not in PREFECTURES:
        return ""
    ja, en, _region = PREFECTURES[code]
    return ja if _is_japanese() else en


def prefecture_choices(blank: object = "") -> list[tuple[str, str]]:
    """Choices for a select field, in JIS order."""
    return [("", str(blank))] + [(code, prefecture_name(code)) for code in PREFECTURES]


def category_label(key: str) -> str:
    return str(CATEGORIES[key][1]) if key in CATEGORIES else key


def category_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (_ja, label) in CATEGORIES.items()]


def lg_code_is_valid(code: str) -> bool:
    """Check the 全国地方公共団体コード check digit: weights 6..2, 11 minus the remainder."""
    if len(code) != 6 or not code.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10 == int(code[5])
