"""The demo programme: real municipalities and startups of a GovTech programme, with demo users.

Descriptions are short summaries written for the demo; figures are rounded public figures.
"""

MUNICIPALITIES = [
    {"key": "saitama", "name": "さいたま市", "prefecture": "11", "lg_code": "111007",
     "population": 1344000,
     "description": "埼玉県の県庁所在地。人口約134万人の政令指定都市で、行政のデジタル化と"
                    "データ利活用を進めています。"},
    {"key": "yurihonjo", "name": "由利本荘市", "prefecture": "05", "lg_code": "052108",
     "population": 71000,
     "description": "秋田県南西部、日本海に面した市。広い市域での移動手段の確保と防災が課題です。"},
    {"key": "fukui", "name": "福井県", "prefecture": "18", "lg_code": "180009",
     "population": 744000,
     "description": "県と市町が連携して、県庁の働き方改革と行政手続のオンライン化に取り組んでいます。"},
    {"key": "kanazawa", "name": "金沢市", "prefecture": "17", "lg_code": "172014",
     "population": 459000,
     "description": "石川県の県庁所在地。観光と子育て支援の分野でデジタル技術の活用を進めています。"},
]

PENDING_MUNICIPALITIES = [
    {"key": "hachinohe", "name": "八戸市", "prefecture": "02", "lg_code": "022039",
     "population": 220000,
     "description": "青森県南東部の中核市。参加申請中（事務局の承認待ち）のデモ団体です。"},
]

STARTUPS = [
    {"key": "maastech", "name": "株式会社MaaS Tech Japan", "head_office_prefecture": "13",
     "website": "https://www.maas.co.jp/", "founded_year": 2018, "employees": 40,
     "regions_served": ["全国"],
     "description": "交通データの統合基盤とMaaSの設計・実証を支援するスタートアップ。"},
    {"key": "mti", "name": "株式会社エムティーアイ", "head_office_prefecture": "13",
     "website": "https://www.mti.co.jp/", "founded_year": 1996, "employees": 900,
     "regions_served": ["全国"],
     "description": "母子手帳アプリなど、自治体向けの子育て・健康分野のデジタルサービスを提供。"},
    {"key": "headwaters", "name": "株式会社ヘッドウォータース", "head_office_prefecture": "13",
     "website": "https://www.headwaters.co.jp/", "founded_year": 2005, "employees": 200,
     "regions_served": ["関東", "中部", "近畿"],
     "description": "AIとクラウド（Microsoft Teams等）を使った業務改革・DX人材育成を支援。"},
    {"key": "momo", "name": "株式会社Momo", "head_office_prefecture": "27",
     "website": "https://momo-ltd.com/", "founded_year": 2014, "employees": 20,
     "regions_served": ["全国"],
     "description": "IoTセンサーで河川の水位や施設の状態を見守り、防災情報の提供を支援。"},
    {"key": "votefor", "name": "株式会社VOTE FOR", "head_office_prefecture": "13",
     "website": "https://votefor.co.jp/", "founded_year": 2017, "employees": 15,
     "regions_served": ["全国"],
     "description": "住民の声を集めるオンライン投票・アンケートで住民参加を促進。"},
    {"key": "atl", "name": "ATLシステムズ株式会社", "head_office_prefecture": "13",
     "website": "https://www.atl-systems.co.jp/", "founded_year": 2015, "employees": 30,
     "regions_served": ["関東", "東北"],
     "description": "統計データのセルフサービス分析と可視化で、職員のデータ利活用を支援。"},
]
