"""The whole programme through the real UI, in headless Chromium.

A town posts and opens a challenge, the matcher recommends a startup, the programme office
introduces the pair, the pair moves stage by stage to adoption with its results recorded, their
case study is published for the public, and another town with a similar challenge sees the
proven solution recommended ("adopted in …") on its own challenge page.
"""
from __future__ import annotations

import re

import pytest

from govtech.services import recommendations
from tests import factories
from tests.browser.conftest import log_in
from tests.services.test_recommendations import SENSOR
from tests.services.test_replication import SIMILAR

pytest.importorskip("playwright", reason="Playwright for Python is not installed")
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

TITLE = "河川水位の見える化と防災情報の配信"
STAGES = ["面談", "提案", "選定", "協定（基本協定）", "実証", "評価", "予算化", "本格導入"]


def keep_records(page) -> None:
    """Record, on the pair's page, each record the stage's checklist still asks for (the gate:
    meeting notes, the agreement, the pilot plan, the budget request and the contract)."""
    while (item := page.locator(".checklist-item--todo", has=page.locator(
            "form[action$='/checklist/record']"))).count():
        item = item.first
        item.locator("summary", has_text="記録").click()
        form = item.locator("form[action$='/checklist/record']")
        for name, value in (("recorded_on", "2026-04-01"), ("amount", "3000000"),
                            ("body", "記録した内容")):
            field = form.locator(f"[name$='-record-{name}']")
            if field.count():
                field.fill(value)
        form.get_by_role("button", name="記録を保存").click()
        expect(page.locator(".alert--success")).to_contain_text("記録を保存しました")


def move_to(page, stage: str) -> None:
    """Open the move for `stage` on the pair's page and confirm it."""
    keep_records(page)
    move = page.locator("details.move", has=page.get_by_text(f"「{stage}」へ進める"))
    move.locator("summary").click()
    move.get_by_role("button", name=f"「{stage}」で確定").click()
    expect(page.locator(".alert--success")).to_contain_text(stage)


def test_challenge_to_adoption_case_study_and_replication(app, new_page, shot):
    recommendations.forget_index()
    town = factories.user(app, "municipality", prefecture="05", name="由利 花子")
    startup = factories.user(app, "startup", name="センサー 太郎")
    factories.capability(app, startup, **SENSOR)
    other_town = factories.user(app, "municipality", prefecture="17", name="金沢 次郎")
    similar = factories.challenge(app, other_town, **SIMILAR)
    manager = factories.user(app, "manager", name="事務局 三郎")

    # 1. The town posts its challenge and opens it for proposals.
    page = new_page()
    log_in(page, town.email, town.password)
    page.goto("/challenges/new")
    page.get_by_label("タイトル").fill(TITLE)
    page.get_by_label("概要").fill("豪雨時に河川の水位を住民へすぐに知らせたい。")
    page.get_by_label("詳細").fill("IoTセンサーで水位を測り、防災アプリで住民に届けたい。")
    page.get_by_label("防災").check()
    page.get_by_label("タグ").fill("防災, IoT, 水位")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    page.get_by_role("button", name="募集を開始する").click()
    expect(page.locator(".badge--open").first).to_have_text("募集中")
    # …and sees the matcher's recommendation with its reasons.
    recs = page.locator(".rec-card")
    expect(recs.first).to_contain_text("共通するキーワード")
    expect(recs.first).to_contain_text("水位")
    shot(page, "journey5-01-challenge-with-recommendation")

    # 2. The programme office introduces the pair from the review queue.
    office = new_page()
    log_in(office, manager.email, manager.password,
           factories.fresh_code(app, manager))
    office.goto("/recommendations/")
    card = office.locator(".rec-card", has_text=TITLE).first
    card.get_by_role("button", name="紹介する").click()
    expect(office.locator(".alert--success")).to_contain_text("紹介しました")
    shot(office, "journey5-02-introduced")

    # 3. The pair moves stage by stage; the results report is written during evaluation.
    office.goto("/pilots/")
    office.get_by_role("link", name=re.compile(TITLE)).first.click()
    expect(office.get_by_role("heading", name=re.compile(TITLE))).to_be_visible()
    pilot_url = office.url
    kpis = office.locator("details.add", has=office.get_by_text("KPIを追加"))
    kpis.locator("summary").click()
    kpis.get_by_label("KPI", exact=True).fill("通知までの時間")
    kpis.get_by_label("単位").fill("分")
    kpis.get_by_label("基準値").fill("30")
    kpis.get_by_label("目標値").fill("5")
    kpis.get_by_label("実績").fill("3")
    kpis.get_by_role("button", name="追加").click()
    for stage in STAGES:
        if stage == "予算化":  # leaving evaluation needs the lessons recorded
            office.get_by_label("検証したこと").fill("通知までの時間が30分から3分に短縮した。")
            office.get_by_label("わかったこと").fill("夜間の通知は音声も必要。")
            office.get_by_label("変わったこと").fill("しきい値を河川ごとに設定した。")
            office.get_by_role("button", name="報告を保存").click()
        move_to(office, stage)
    expect(office.locator(".stepper")).to_contain_text("本格導入")
    shot(office, "journey5-03-adopted")

    # 4. The pair writes its case study; the town, the startup and the office all approve it,
    #    and once published the public reads it with the measured KPI.
    office.goto(pilot_url + "#marketing")
    office.get_by_role("link", name="マーケティング施策を企画する").click()
    office.get_by_label("種別").select_option("case_study")
    office.get_by_label("タイトル").fill("由利本荘市 × センサー：河川水位の見える化")
    office.get_by_label("本文").fill("通知までの時間を**30分から3分**に短縮しました。")
    office.get_by_label("公開後、一般向けの導入事例ページに掲載する").check()
    office.get_by_role("button", name="保存").click()
    office.get_by_role("button", name="作成を始める").click()
    office.get_by_role("button", name="レビューを依頼する").click()
    activity_url = office.url
    office.get_by_role("button", name="承認する").click()
    for party in (town, startup):
        side = new_page()
        log_in(side, party.email, party.password)
        side.goto(activity_url)
        side.get_by_role("button", name="承認する").click()
    office.goto(activity_url)
    office.get_by_role("button", name="公開する").click()
    expect(office.locator(".badge--published").first).to_be_visible()
    public = new_page()
    public.goto("/cases/")
    public.get_by_role("link", name=re.compile("河川水位の見える化")).first.click()
    expect(public.locator("main")).to_contain_text("通知までの時間")
    expect(public.locator("main svg").first).to_be_visible()
    shot(public, "journey5-04-public-case-study")

    # 5. The other town sees the proven solution recommended on its own challenge.
    other = new_page()
    log_in(other, other_town.email, other_town.password)
    other.goto(f"/challenges/{similar}")
    proven = other.locator(".rec-card .proven")
    expect(proven.first).to_contain_text("本格導入済み")
    shot(other, "journey5-05-replication")
    assert pilot_url
