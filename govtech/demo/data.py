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

# Challenges by municipality key: (title, summary, description, categories, tags, budget 万円, state)
CHALLENGES = {
    "saitama": [
        ("統計データのセルフサービス分析", "職員が自分で統計データを分析・可視化できる環境を整えたい。",
         "## 背景\n各課が統計担当に集計を依頼しており、回答まで数週間かかっています。\n\n"
         "## 解決したいこと\n- 職員がブラウザで人口・世帯などの統計を分析できる\n- グラフを会議資料にそのまま使える",
         ["data"], ["統計", "BI", "可視化"], (200, 600), "open"),
        ("緊急時のテレワーク環境の整備", "災害や感染症の流行時にも業務を止めないテレワーク環境を作りたい。",
         "庁内システムに安全に接続できるテレワーク環境と、その運用ルールを整えたい。"
         "Emergency telework for city staff, with secure access to internal systems.",
         ["work_style", "disaster"], ["テレワーク", "telework", "BCP"], (500, 1500), "open"),
    ],
    "yurihonjo": [
        ("デマンド交通とMaaSによる移動手段の確保", "広い市域で高齢者の通院・買い物の移動手段を確保したい。",
         "路線バスの利用者が減少し、便数を維持できません。予約制の乗合交通と既存の公共交通を"
         "組み合わせたMaaSで、通院や買い物の移動を支えたいと考えています。",
         ["mobility", "welfare"], ["MaaS", "デマンド交通", "高齢者"], (300, 1000), "open"),
        ("河川水位の見える化と防災情報の配信", "豪雨時に河川の水位を住民へすぐに知らせたい。",
         "中小河川には水位計がなく、避難の判断が遅れがちです。IoTセンサーで水位を測り、"
         "防災アプリやLINEで住民に届ける仕組みを実証したい。",
         ["disaster", "infrastructure"], ["防災", "IoT", "水位"], (100, 500), "open"),
    ],
    "fukui": [
        ("Teamsを活用した庁内コミュニケーション改革", "メールと電話中心の連絡をチャットと会議で効率化したい。",
         "県庁と市町の職員がMicrosoft Teamsで情報共有し、会議や決裁にかかる時間を減らしたい。"
         "定着のための研修と、効果の測定も含めて提案してください。",
         ["work_style"], ["Teams", "チャット", "働き方改革"], (200, 800), "open"),
        ("職員のデジタルスキル研修", "DXを担う職員を育てる実践的な研修プログラムがほしい。",
         "データ分析やノーコードツールを使って、自分の業務を改善できる職員を増やしたい。",
         ["education", "work_style"], ["研修", "DX人材", "ノーコード"], (100, 300), "draft"),
    ],
    "kanazawa": [
        ("子育て支援アプリによる情報発信", "子育て世帯に必要な情報を、必要なときに届けたい。",
         "健診や予防接種の案内、子育てイベントの情報が紙とウェブに分散しています。"
         "母子手帳アプリのような仕組みで、一人ひとりに合った情報を届けたい。",
         ["childcare", "health"], ["子育て", "母子手帳", "アプリ"], (300, 700), "open"),
        ("観光客の回遊データ分析", "観光客の動きをデータで把握し、混雑の分散につなげたい。",
         "人気スポットに観光客が集中しています。人流データを分析して、回遊の促進と混雑対策を進めたい。",
         ["tourism", "data"], ["観光", "人流データ"], (200, 500), "closed"),
    ],
}

# Capabilities by startup key: (title, description, categories, tags, track record, regions)
CapabilitySpec = tuple[str, str, list[str], list[str], list[tuple[str, int, str]], list[str]]
CAPABILITIES: dict[str, list[CapabilitySpec]] = {
    "maastech": [("MaaSデータ連携基盤", "鉄道・バス・デマンド交通の運行データをつなぎ、"
                  "地域のMaaSの設計から実証までを支援します。",
                  ["mobility", "data"], ["MaaS", "交通データ", "デマンド交通"],
                  [("前橋市", 2022, "MaaS実証")], ["all"])],
    "mti": [("母子手帳アプリ", "妊娠・出産・子育ての記録と、自治体からのお知らせ配信を一つのアプリで。"
             "健診や予防接種の案内を一人ひとりに届けます。",
             ["childcare", "health"], ["子育て", "母子手帳", "アプリ"],
             [("金沢市", 2021, "子育て情報の配信")], ["all"])],
    "headwaters": [("Teams活用と業務改革の伴走支援", "Microsoft Teamsの導入・定着と、"
                    "生成AIを使った業務改善、職員のDX研修を提供します。",
                    ["work_style", "education"], ["Teams", "テレワーク", "研修", "AI"],
                    [], ["関東", "中部", "近畿"])],
    "momo": [("IoT水位センサーと防災情報配信", "電池で長く動くIoTセンサーで河川や水路の水位を測り、"
              "しきい値を超えたら防災アプリで知らせます。",
              ["disaster", "infrastructure"], ["防災", "IoT", "水位"],
              [("由利本荘市", 2023, "中小河川の水位監視")], ["all"])],
    "votefor": [("住民参加型オンライン投票", "政策への意見や投票をスマートフォンで集め、"
                 "住民参加を広げます。Online participation and voting for citizens.",
                 ["participation"], ["住民参加", "投票", "アンケート"], [], ["all"])],
    "atl": [("統計データのセルフサービス分析ツール", "人口や世帯の統計をブラウザで集計・可視化。"
             "職員が自分で分析し、会議資料にそのまま使えます。",
             ["data"], ["統計", "BI", "可視化"], [("さいたま市", 2022, "統計分析の内製化")],
             ["関東", "東北"])],
}
