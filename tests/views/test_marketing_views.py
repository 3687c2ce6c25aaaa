"""Marketing pages and public case studies: who sees what, buttons only when allowed, forms that
keep input, the month calendar, and the public case page with its KPI table and chart."""
from __future__ import annotations

import re
from datetime import date

import pytest

from govtech import charts
from govtech.blueprints.cases import figures
from govtech.blueprints.marketing import month
from govtech.extensions import db
from govtech.models import Pilot, User
from govtech.services import marketing_lists
from tests import factories
from tests.html import field_errors, field_value, flash_messages, get_page, post_page, texts


@pytest.fixture
def pair(app):
    users = {"municipality": factories.user(app, "municipality"),
             "startup": factories.user(app, "startup"),
             "manager": factories.user(app, "manager")}
    cid = factories.challenge(app, users["municipality"], title="河川水位の見える化")
    pid = factories.pilot(app, users["manager"], cid, users["startup"].org_id, stage="adopted")
    factories.kpi(app, users["manager"], pid, name="避難情報の到達率", unit="%", baseline=45,
                  target=80, actual=86)
    return users, pid


def _make(app, pair, state="planned", **values) -> int:
    users, pid = pair
    return factories.marketing(app, pid, users["municipality"], users["startup"],
                               users["manager"], state=state, **values)


def _version(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


@pytest.mark.parametrize("who", ["municipality", "startup", "manager"])
def test_parties_and_managers_see_list_page_and_pilot_section(client, app, pair, who):
    users, pid = pair
    aid = _make(app, pair, title="共同プレスリリース")
    factories.login(client, users[who])
    assert "共同プレスリリース" in client.get("/marketing/").get_data(as_text=True)
    page = client.get(f"/marketing/{aid}").get_data(as_text=True)
    assert "承認状況" in page and "作成を始める" in page
    pilot_page = client.get(f"/pilots/{pid}").get_data(as_text=True)
    assert "共同マーケティング" in pilot_page and "共同プレスリリース" in pilot_page


def test_outsiders_get_404_and_an_empty_list(client, app, pair, login_as):
    aid = _make(app, pair, title="共同プレスリリース")
    login_as("startup")
    assert client.get(f"/marketing/{aid}").status_code == 404
    assert client.get(f"/marketing/{aid}/edit").status_code == 404
    assert client.post(f"/marketing/{aid}/approve").status_code == 404
    assert "共同プレスリリース" not in client.get("/marketing/").get_data(as_text=True)


def test_the_public_is_sent_to_log_in_for_marketing(client, app, pair):
    aid = _make(app, pair, "published")
    assert "/login" in client.get(f"/marketing/{aid}").headers["Location"]


def test_list_filters_by_kind_state_and_words(client, app, pair):
    users, _pid = pair
    _make(app, pair, title="防災ウェビナー", kind="webinar_event")
    _make(app, pair, "drafting", title="導入事例の原稿", kind="case_study")
    factories.login(client, users["manager"])
    for query, shown, hidden in (("kind=webinar_event", "防災ウェビナー", "導入事例の原稿"),
                                 ("state=drafting", "導入事例の原稿", "防災ウェビナー"),
                                 ("q=ウェビナー", "防災ウェビナー", "導入事例の原稿")):
        page = client.get(f"/marketing/?{query}").get_data(as_text=True)
        assert shown in page and hidden not in page, query


def test_new_form_keeps_input_on_error_then_creates(client, pair):
    users, pid = pair
    factories.login(client, users["startup"])
    assert client.get(f"/pilots/{pid}/marketing/new").status_code == 200
    response = client.post(f"/pilots/{pid}/marketing/new", data={
        "kind": "press_release", "title": "", "body": "本文は残る"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "本文は残る" in page
    response = client.post(f"/pilots/{pid}/marketing/new", data={
        "kind": "press_release", "title": "実証開始のお知らせ", "body": "本文",
        "planned_date": "2026-12-17"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "実証開始のお知らせ" in page and "企画中" in page and "プレスリリース" in page


def test_approve_button_only_for_sides_still_to_approve(client, app, pair):
    users, _pid = pair
    aid = _make(app, pair, "in_review")
    factories.login(client, users["startup"])
    page = client.get(f"/marketing/{aid}").get_data(as_text=True)
    assert "承認する" in page and "差し戻す" in page and "公開する" not in page
    client.post(f"/marketing/{aid}/approve", data={"version": _version(page)})
    page = client.get(f"/marketing/{aid}").get_data(as_text=True)
    assert ">承認する<" not in page.replace("\n", "").replace(" ", "")
    assert "承認待ち" in page and "が承認" in page


def test_third_approval_in_the_browser_makes_it_approved_then_publishable(client, app, pair):
    users, _pid = pair
    aid = _make(app, pair, "in_review")
    for who in ("municipality", "startup", "manager"):
        client = app.test_client()
        factories.login(client, users[who])
        version = _version(client.get(f"/marketing/{aid}").get_data(as_text=True))
        client.post(f"/marketing/{aid}/approve", data={"version": version})
    page = client.get(f"/marketing/{aid}").get_data(as_text=True)
    assert "承認済み" in page and "公開する" in page
    response = client.post(f"/marketing/{aid}/move", data={
        "target": "published", "version": _version(page)}, follow_redirects=True)
    assert "公開済み" in response.get_data(as_text=True)


def test_send_back_without_comment_is_refused_and_explained(client, app, pair):
    users, _pid = pair
    aid = _make(app, pair, "in_review")
    factories.login(client, users["municipality"])
    version = _version(client.get(f"/marketing/{aid}").get_data(as_text=True))
    response = client.post(f"/marketing/{aid}/move", data={"target": "drafting", "note": "",
                                                            "version": version})
    assert response.status_code == 400
    assert "差し戻す理由" in response.get_data(as_text=True)
    response = client.post(f"/marketing/{aid}/move", data={
        "target": "drafting", "note": "数値の出典を追記してください", "version": version},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "作成中" in page and "数値の出典を追記してください" in page


def test_editing_after_approval_warns_and_sends_back_to_review(client, app, pair):
    users, _pid = pair
    aid = _make(app, pair, "approved")
    factories.login(client, users["startup"])
    form = client.get(f"/marketing/{aid}/edit").get_data(as_text=True)
    assert "承認はすべて取り消されます" in form
    response = client.post(f"/marketing/{aid}/edit", data={
        "kind": "case_study", "title": "改題した事例", "body": "新しい本文", "is_public": "y",
        "version": _version(form)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "改題した事例" in page and "レビュー中" in page and "承認を取り消しました" in page


def test_published_activity_has_no_edit_or_moves(client, app, pair):
    users, _pid = pair
    aid = _make(app, pair, "published")
    factories.login(client, users["manager"])
    page = client.get(f"/marketing/{aid}").get_data(as_text=True)
    assert "公開ページを見る" in page and f"/marketing/{aid}/edit" not in page
    assert client.get(f"/marketing/{aid}/edit").status_code == 302


def test_calendar_shows_planned_items_on_their_day(client, app, pair):
    users, _pid = pair
    _make(app, pair, title="年末の共同ウェビナー", kind="webinar_event",
          planned_date=date(2026, 12, 17))
    factories.login(client, users["startup"])
    page = client.get("/marketing/calendar?month=2026-12").get_data(as_text=True)
    assert "2026年12月" in page
    cell = re.search(r'<time datetime="2026-12-17">.*?</div>', page, re.S).group(0)
    assert "年末の共同ウェビナー" in cell
    other = re.search(r'<time datetime="2026-12-16">.*?</div>', page, re.S).group(0)
    assert "年末の共同ウェビナー" not in other
    nov = client.get("/marketing/calendar?month=2026-11&lang=en").get_data(as_text=True)
    assert "November 2026" in nov and "年末の共同ウェビナー" not in nov


def test_public_sees_the_case_with_kpi_table_and_svg_chart(client, app, pair):
    aid = _make(app, pair, "published", title="3分で届く避難情報")
    response = client.get(f"/cases/{aid}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "3分で届く避難情報" in page
    assert "河川水位の見える化" in page and "避難情報の到達率" in page
    assert "45 → 80 → <strong>86</strong>" in page
    assert "<svg" in page and 'class="kpi-bar kpi-bar--actual"' in page
    assert "<h2>成果</h2>" in page  # the Markdown body, rendered
    # the chart points at the table of the same figures (its text equivalent)
    assert '<figure class="kpi-chart" aria-describedby="kpi-table">' in page
    assert '<table class="table table--numbers kpi-table" id="kpi-table">' in page
    listing = client.get("/cases/").get_data(as_text=True)
    assert "3分で届く避難情報" in listing


@pytest.mark.parametrize("state,values", [("approved", {}), ("in_review", {}),
                                          ("published", {"is_public": False}),
                                          ("published", {"kind": "press_release"})])
def test_public_gets_404_for_anything_but_published_public_case_studies(client, app, pair,
                                                                         state, values):
    aid = _make(app, pair, state, title="非公開の原稿", **values)
    assert client.get(f"/cases/{aid}").status_code == 404
    assert "非公開の原稿" not in client.get("/cases/").get_data(as_text=True)


def test_front_page_links_to_case_studies_with_their_count(client, app, pair):
    _make(app, pair, "published")
    page = client.get("/").get_data(as_text=True)
    assert '<span class="stat-number">1</span><span class="stat-label">導入事例' in page
    assert 'href="/cases/"' in page


def test_pages_in_english(client, app, pair):
    users, _pid = pair
    aid = _make(app, pair, "in_review")
    factories.login(client, users["manager"])
    page = client.get(f"/marketing/{aid}?lang=en").get_data(as_text=True)
    assert "In review" in page and "Approve" in page and "Case study" in page


def test_calendar_grid_puts_planned_items_on_their_day(app, ctx, pair):
    """The month grid of the calendar page, from what the service finds for the user."""
    users, _pid = pair
    planned = _make(app, pair, planned_date=date(2026, 12, 17), title="ウェビナー")
    _make(app, pair, "cancelled", planned_date=date(2026, 12, 17), title="中止したもの")
    _make(app, pair, planned_date=date(2027, 1, 5), title="翌月")
    first = month.parse("2026-12", date(2026, 11, 27))
    outsider = factories.user(app, "startup")

    def grid(user_id):
        items = marketing_lists.planned_between(db.session.get(User, user_id), first,
                                          month.shift(first, 1))
        return month.grid(items, first, date(2026, 11, 27))

    weeks = grid(users["startup"].id)
    days = {d["date"]: d for week in weeks for d in week}
    assert [a.id for a in days[date(2026, 12, 17)]["items"]] == [planned]
    assert sum(len(d["items"]) for d in days.values()) == 1
    assert weeks[0][0]["weekday"] == 6  # Sunday first
    assert grid(outsider.id)[2][4]["items"] == []


def test_bad_month_falls_back_to_this_month_and_months_shift():
    today = date(2026, 11, 27)
    assert month.parse("2026-13", today) == date(2026, 11, 1)
    assert month.parse("", today) == date(2026, 11, 1)
    assert month.shift(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert month.shift(date(2026, 1, 1), -1) == date(2025, 12, 1)


def test_kpi_chart_scales_each_kpi_to_its_largest_value(app, ctx, pair):
    """One chart system (govtech.charts): each KPI on its own scale, values as the table
    shows them."""
    _users, pid = pair
    chart = str(figures.kpi_chart(db.session.get(Pilot, pid).kpis))
    bars = dict(re.findall(r'class="kpi-bar kpi-bar--(\w+)" fill="[^"]*"/>'
                           r'<text[^>]*>([^<]*)</text>', chart))
    widths = {key: float(width) for width, key in re.findall(
        r'width="([\d.]+)" height="\d+" rx="3" class="kpi-bar kpi-bar--(\w+)"', chart)}
    assert widths["actual"] == charts.GROUP_BAR_W  # 86 is the largest of 45 / 80 / 86
    assert widths["baseline"] == round(45 / 86 * charts.GROUP_BAR_W, 1)
    assert bars["actual"] == "86%"  # no space before a unit (govtech.formatting.quantity)


def test_kpi_chart_is_left_out_when_nothing_was_measured(app, ctx, pair):
    _users, pid = pair
    kpi = db.session.get(Pilot, pid).kpis[0]
    kpi.baseline = kpi.target = kpi.actual = None
    assert figures.kpi_chart([kpi]) is None
    db.session.rollback()


def test_a_move_on_a_stale_page_shows_the_activity_as_it_is_now(client, app, pair):
    """An approval given meanwhile makes the open page stale: the move is refused with why."""
    users, _pid = pair
    aid = _make(app, pair, "in_review")
    factories.login(client, users["municipality"])
    old = field_value(get_page(client, f"/marketing/{aid}"), "version")
    post_page(client, f"/marketing/{aid}/approve", {"version": old}, follow_redirects=True)
    page = post_page(client, f"/marketing/{aid}/move", {
        "target": "drafting", "note": "出典を追記", "version": old}, follow_redirects=True)
    assert flash_messages(page) == ["表示している間に他の人がこの施策を変更しました。"
                                    "ページを再読み込みして最新の状態を確認してください。"]
    assert len(page.select(".approval--done")) == 1  # the approval stands, nothing sent back


# --- issue 11: the public page shows the approved snapshot; KPI changes need a new approval ----

def _edit_kpi(app, pair, **values) -> None:
    from govtech.services import pilots

    users, pid = pair
    with app.test_request_context():
        kpi = db.session.get(Pilot, pid).kpis[0]
        pilots.update_kpi(db.session.get(User, users["startup"].id), kpi, **values)


def test_public_page_shows_the_approved_snapshot_not_a_later_live_edit(client, app, pair):
    aid = _make(app, pair, "published", title="3分で届く避難情報")
    _edit_kpi(app, pair, actual=12.5, name="改名した指標")
    page = client.get(f"/cases/{aid}").get_data(as_text=True)
    assert "45 → 80 → <strong>86</strong>" in page and "避難情報の到達率" in page
    assert "12.5" not in page and "改名した指標" not in page
    assert "86%" in page  # the chart is drawn from the snapshot too


def test_changed_figures_are_flagged_and_a_refresh_then_reapproval_updates_the_page(
        client, app, pair):
    users, pid = pair
    aid = _make(app, pair, "published")
    factories.login(client, users["municipality"])
    page = get_page(client, f"/marketing/{aid}?lang=en")
    assert not page.select(".figures-changed")
    _edit_kpi(app, pair, actual=90)
    page = get_page(client, f"/marketing/{aid}?lang=en")
    assert "changed after these figures were approved" in " ".join(
        texts(page, ".figures-changed"))
    pilot_page = get_page(client, f"/pilots/{pid}?lang=en")
    assert texts(pilot_page, "#marketing .figures-changed") == [
        "KPIs changed since approval: a new approval is needed"]
    assert "実績: 86 → 90" in " ".join(texts(pilot_page, "#kpis .kpi-history li"))
    after = post_page(client, f"/marketing/{aid}/refresh-figures?lang=en",
                      {"version": field_value(page, "version")}, follow_redirects=True)
    assert flash_messages(after) == ["The new figures are sent to all three sides for approval."]
    assert len(after.select(".approval--waiting")) == 3 and not after.select(".figures-changed")
    assert "45 → 80 → <strong>86</strong>" in client.get(f"/cases/{aid}").get_data(as_text=True)
    for who in ("municipality", "startup", "manager"):
        other = app.test_client()
        factories.login(other, users[who])
        version = _version(other.get(f"/marketing/{aid}").get_data(as_text=True))
        other.post(f"/marketing/{aid}/approve", data={"version": version})
    public = client.get(f"/cases/{aid}").get_data(as_text=True)
    assert "45 → 80 → <strong>90</strong>" in public and "<strong>86</strong>" not in public


def test_public_page_with_an_old_stored_inf_does_not_fail(client, app, pair):
    _users, pid = pair
    with app.app_context():
        db.session.get(Pilot, pid).kpis[0].actual = float("inf")  # stored before the forms
        db.session.commit()  # refused it
    aid = _make(app, pair, "published")
    response = client.get(f"/cases/{aid}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "45 → 80 → <strong>—</strong>" in page and "inf" not in page.lower().split("<svg")[1]


def test_kpi_form_refuses_inf_with_a_field_error(client, app, pair):
    users, pid = pair
    factories.login(client, users["startup"])
    page = post_page(client, f"/pilots/{pid}/kpis", {
        "kpi-name": "到達率", "kpi-unit": "%", "kpi-baseline": "1", "kpi-actual": "inf"},
        status=400)
    assert field_errors(page, "kpi-actual") == [
        "通常の数値を入力してください（最大1,000,000,000,000）。"]
    with app.app_context():
        kpi_id = db.session.get(Pilot, pid).kpis[0].id
    page = post_page(client, f"/pilots/{pid}/kpis/{kpi_id}", {
        "name": "到達率", "unit": "%", "target": "nan"}, status=400)
    assert field_errors(page, "target")
    with app.app_context():
        assert len(db.session.get(Pilot, pid).kpis) == 1


def test_chart_draws_non_finite_values_as_not_measured():
    chart = str(charts.group_chart("t", [("a", "A"), ("b", "B")],
                                   [charts.Group("g", [float("inf"), 2.0], ["∞", "2"])]))
    assert "nan" not in chart and "inf" not in chart
    assert str(figures.kpi_chart([{"name": "x", "unit": "", "baseline": float("nan"),
                                   "target": None, "actual": None}])) == "None"
