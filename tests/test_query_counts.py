"""SQL statements per page do not grow with the data: no N+1, lists page in the database.

A small programme is built through the factories (organisations, users, challenges,
capabilities, recommendations, proposals, pilots at several stages with KPIs, milestones,
reports and history, marketing, notifications), every GET page is visited by every role and
its statements counted; then the programme grows to ten times its size, with the same role
users owning ten times as many records, and every page must run no more statements than
before. A page whose statements depend on the number of rows (a lazy load per row, a query
per item in a template loop) fails here with a table of the counts.

The sample ids (the challenge, pilot, proposal... in the URLs) are records of the signed-in
users' own organisations, and those records grow too: the sample challenge gets more proposals
and recommendations, the sample pilot more KPIs, milestones and marketing.
"""
from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import event

from govtech import jobs
from govtech.extensions import db
from tests import factories
from tests.routes import edit_once, expected_status, sample_args, urls

# Roles as the route table names them, plus a municipality member who is not its organisation's
# administrator (the members and audit pages differ for them).
ROLES = ("anonymous", "municipality", "member", "startup", "manager")
SMALL, GROWTH = 3, 9  # N units, then 9N more: ten times the data
# adopted first: recommendations of its proven solution (横展開) are on the pages at N already,
# so the batch that loads them runs at both sizes
PILOT_STAGES = itertools.cycle(["adopted", "introduced", "meeting", "pilot", "evaluation",
                                "budgeting", "not_adopted", "withdrawn"])
PROPOSAL_STATES = itertools.cycle(["submitted", "shortlisted", "declined", "withdrawn"])
MARKETING_STATES = itertools.cycle(["planned", "in_review", "published", "approved",
                                    "cancelled"])


@dataclass
class Programme:
    users: dict[str, factories.UserRecord]
    ids: dict[str, int]
    notes: dict[str, int] = field(default_factory=dict)


def base_programme(app) -> Programme:
    """The role users and the sample records their URLs name (as the route table makes them)."""
    users = {"manager": factories.user(app, "manager"),
             "municipality": factories.user(app, "municipality"),
             "startup": factories.user(app, "startup")}
    users["member"] = factories.user(app, "municipality", org_id=users["municipality"].org_id)
    town, firm, office = users["municipality"], users["startup"], users["manager"]
    challenge_id = factories.challenge(app, town, state="open")
    pilot_id = factories.pilot(app, town, challenge_id, firm.org_id)
    proposal_id = factories.proposal(app, firm, challenge_id, pdf=True)
    edit_once(app, firm, proposal_id)
    parties = (pilot_id, town, firm, office)
    ids = {"org_id": firm.org_id, "challenge_id": challenge_id,
           "capability_id": factories.capability(app, firm),
           "rec_id": factories.recommendation(app, challenge_id, firm.org_id),
           "proposal_id": proposal_id, "pilot_id": pilot_id,
           "kpi_id": factories.kpi(app, office, pilot_id),
           "milestone_id": factories.milestone(app, office, pilot_id),
           "activity_id": factories.marketing(app, *parties, state="in_review"),
           "case_id": factories.marketing(app, *parties, state="published")}
    notes = {role: factories.notification(app, record) for role, record in users.items()}
    return Programme(users, ids, notes)


def grow(app, programme: Programme, units: int) -> None:
    """`units` more of everything: each unit adds another municipality and startup, challenges
    and capabilities on both sides, recommendations, proposals, pilots at the next stage with
    KPIs, a report and history, marketing, notifications, and records of the sample ones."""
    users, ids = programme.users, programme.ids
    town, firm, office = users["municipality"], users["startup"], users["manager"]
    for _ in range(units):
        other_town = factories.user(app, "municipality")
        other_firm = factories.user(app, "startup")
        colleague = factories.user(app, "startup", org_id=firm.org_id)
        own = factories.challenge(app, town, state="open", title="子育て支援の申請をオンライン化",
                                  categories=["childcare"], tags=["子育て"])
        theirs = factories.challenge(app, other_town, state="open")
        factories.challenge(app, town, state="draft")
        factories.capability(app, firm, title="申請フォーム")
        factories.capability(app, other_firm)
        for challenge_id, org_id in ((own, other_firm.org_id), (theirs, firm.org_id),
                                     (ids["challenge_id"], other_firm.org_id)):
            factories.recommendation(app, challenge_id, org_id)
        factories.proposal(app, firm, theirs, state=next(PROPOSAL_STATES), reviewer=other_town)
        factories.proposal(app, other_firm, ids["challenge_id"], state=next(PROPOSAL_STATES),
                           reviewer=town)
        factories.proposal(app, other_firm, own)
        stage = next(PILOT_STAGES)
        mine = factories.pilot(app, town, own, firm.org_id, stage=stage, report=True)
        factories.pilot(app, other_town, theirs, other_firm.org_id, stage=stage)
        factories.kpi(app, town, mine, actual=55.0)
        # by a new colleague each time: the timelines name many different people
        factories.kpi(app, colleague, ids["pilot_id"])
        factories.milestone(app, colleague, ids["pilot_id"])
        factories.marketing(app, mine, town, firm, office, state=next(MARKETING_STATES))
        factories.marketing(app, ids["pilot_id"], town, firm, office,
                            state=next(MARKETING_STATES))
        for record in users.values():
            factories.notification(app, record)
    jobs.wait_for_threads()  # a save's background matching finishes before pages are counted


def run_counted(app, send):
    """`send()`'s response and the SQL statements it ran."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = send()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return response, statements


def count_statements(app, client, url: str) -> tuple[int, int, list[str]]:
    """The statements one GET runs, with the response's status."""
    response, statements = run_counted(app, lambda: client.get(url))
    return len(statements), response.status_code, statements


def measure(app, programme: Programme) -> dict[tuple[str, str], tuple[int, int, list[str]]]:
    """Every GET page as every role: (statements, status, the statements themselves)."""
    counts = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":  # a fresh sign-in: its session is touched at most once a minute
            factories.login(client, programme.users[role])
        note = programme.notes.get(role, programme.notes["manager"])
        args = sample_args(app, {**programme.ids, "note_id": note})
        for endpoint, method, url in urls(app, args):
            if method == "GET" and endpoint != "static":
                counts[(endpoint, role)] = count_statements(app, client, url)
    return counts


def table(small: dict, large: dict, keys=None) -> str:
    lines = [f"{'page':44} {'role':13} {'status':>6} {'N':>4} {'10N':>4}"]
    for key in sorted(small if keys is None else keys):
        (endpoint, role), (n, status, _s), (m, _st, _l) = key, small[key], large[key]
        mark = "  <-- grows" if m > n else ""
        lines.append(f"{endpoint:44} {role:13} {status:>6} {n:>4} {m:>4}{mark}")
    return "\n".join(lines)


def growth_detail(small: dict, large: dict, key: tuple[str, str]) -> str:
    """The statements a page runs more often at 10N."""
    before, after = Counter(small[key][2]), Counter(large[key][2])
    extra = [(after[s] - before[s], s) for s in after if after[s] > before[s]]
    return "\n".join(f"  +{n}: {' '.join(s.split())[:240]}" for n, s in sorted(extra)[-3:])


def test_statements_per_page_do_not_grow_with_the_data(app):
    programme = base_programme(app)
    grow(app, programme, SMALL)
    small = measure(app, programme)
    grow(app, programme, GROWTH)
    large = measure(app, programme)
    print(table(small, large))
    # Fewer at 10N is no N+1: a batch that loads what only some cards show (the proven
    # solution of a 横展開 recommendation, with its published figures) is skipped when no card
    # on the page needs it, and which cards make the first page changes as the data grows.
    grew = [key for key in small if large[key][0] > small[key][0]]
    assert not grew, (f"statements grow with the data on {len(grew)} pages:\n"
                      f"{table(small, large, grew)}\n\n" + "\n".join(
                          f"{key}:\n{growth_detail(small, large, key)}" for key in grew))


def test_the_pages_counted_are_the_pages_people_see(app):
    """The counts are of real pages: each answers as the route table promises, not a 404 or
    an error page whose statements say nothing."""
    programme = base_programme(app)
    grow(app, programme, 1)
    wrong = [f"{endpoint} as {role}: {status}"
             for (endpoint, role), (_n, status, _s) in measure(app, programme).items()
             if role != "member" and status != expected_status(endpoint, role, "GET")
             or role == "member" and status >= 500]
    assert not wrong, "\n".join(wrong)
