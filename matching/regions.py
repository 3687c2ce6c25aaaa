"""Japan's 47 prefectures grouped into the 8 regions, to tell whether a startup serves a place.

A startup may list prefectures, region names or 全国 (nationwide); a challenge has one
prefecture. Short forms (北海, 東京, 大阪 …) and suffixed forms (東京都, 大阪府 …) both match.
"""

from __future__ import annotations

import unicodedata

NATIONWIDE = "全国"

REGIONS: dict[str, tuple[str, ...]] = {
    "北海道": ("北海道",),
    "東北": ("青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県"),
    "関東": ("茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県"),
    "中部": (
        "新潟県",
        "富山県",
        "石川県",
        "福井県",
        "山梨県",
        "長野県",
        "岐阜県",
        "静岡県",
        "愛知県",
    ),
    "近畿": ("三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県"),
    "中国": ("鳥取県", "島根県", "岡山県", "広島県", "山口県"),
    "四国": ("徳島県", "香川県", "愛媛県", "高知県"),
    "九州": (
        "福岡県",
        "佐賀県",
        "長崎県",
        "熊本県",
        "大分県",
        "宮崎県",
        "鹿児島県",
        "沖縄県",
    ),
}
PREFECTURES: tuple[str, ...] = tuple(p for prefs in REGIONS.values() for p in prefs)
REGION_OF: dict[str, str] = {p: r for r, prefs in REGIONS.items() for p in prefs}
_ALIASES = {
    "関西": "近畿",
    "中国・四国": "中国",
    "九州・沖縄": "九州",
    "北陸": "中部",
    "甲信越": "中部",
}


def canonical_prefecture(name: str) -> str:
    """`東京` → `東京都`; unknown names come back empty (they cannot match anything)."""
    name = unicodedata.normalize("NFKC", name or "").strip()
    if name in REGION_OF:
        return name
    for pref in PREFECTURES:
        if pref != "北海道" and pref[:-1] == name:
            return pref
    return "北海道" if name == "北海" else ""


def served_prefectures(regions: tuple[str, ...] | list[str]) -> frozenset[str]:
    """Every prefecture a startup serves, expanding region names and 全国."""
    served: set[str] = set()
    for raw in regions:
        name = unicodedata.normalize("NFKC", raw or "").strip()
        name = _ALIASES.get(name, name.removesuffix("地方"))
        if name in (NATIONWIDE, "日本", "japan", "Japan", "nationwide"):
            return frozenset(PREFECTURES)
        if name in REGIONS and name != "北海道":
            served.update(REGIONS[name])
        elif pref := canonical_prefecture(name):
            served.add(pref)
    return frozenset(served)
