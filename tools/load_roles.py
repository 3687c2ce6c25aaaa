"""The signed-in people of the load test: a municipality's officer, a startup's member and a
programme manager, each doing what that role comes to do (tools.load_users has the rest).

Weights are per task, relative within a role: reading dominates, and about one action in
eight is a form post (a move, an approval, an application), each on a target the plan found
valid (tools.load_plan) and used once.
"""
from __future__ import annotations

import random
from urllib.parse import urlencode

from locust import task

from tools.load_users import Visitor, shared

NOTE = "負荷試験: 次の段階に進めます。"
APPROACH = ("既存のクラウドサービスを自治体向けに設定し、3か月の実証で窓口の待ち時間と職員の"
            "作業時間を計測します。住民向けの説明会と職員研修も行います。")


class SignedIn(Visitor):
    abstract = True

    def pick(self, ids: list[int]) -> int | None:
        return random.choice(ids) if ids else None

    def pilot_page(self) -> None:
        assert self.account is not None
        if (pilot := self.pick(self.account.pilots)) is not None:
            self.page(f"/pilots/{pilot}", "pilot page")

    def move_pilot(self) -> None:
        """Move one of this account's pilots to its next stage, from the pilot's page (the
        move to adopted is named apart: it re-scores the matcher for 横展開)."""
        assert self.account is not None
        if not self.account.moves:
            return
        pilot, target = self.account.moves.pop()
        name = "adopt pilot (post)" if target == "adopted" else "move pilot (post)"
        self.submit(f"/pilots/{pilot}", "pilot page", f"/pilots/{pilot}/move", name,
                    choose=lambda inputs: inputs.get("target") == target, note=NOTE, reason="")

    def approve_marketing(self) -> None:
        assert self.account is not None
        if not self.account.approvals:
            return
        activity = self.account.approvals.pop()
        self.submit(f"/marketing/{activity}", "marketing activity",
                    f"/marketing/{activity}/approve", "approve marketing (post)")


class Municipality(SignedIn):
    weight = 3
    role = "municipality"

    @task(3)
    def home(self) -> None:
        self.page("/home", "home")

    @task(2)
    def recommendations(self) -> None:
        self.page("/recommendations/", "recommendations")

    @task(2)
    def proposals(self) -> None:
        self.page("/proposals/", "proposals")

    @task(2)
    def board(self) -> None:
        self.page("/pilots/", "pilot board")

    @task(3)
    def pilot(self) -> None:
        self.pilot_page()

    @task(2)
    def own_challenge(self) -> None:
        assert self.account is not None
        if (challenge := self.pick(self.account.challenges)) is not None:
            self.page(f"/challenges/{challenge}", "own challenge")

    @task(1)
    def review_proposals(self) -> None:
        assert self.account is not None
        if (challenge := self.pick(self.account.challenges)) is not None:
            self.page(f"/challenges/{challenge}/proposals", "challenge's proposals")

    @task(1)
    def dashboard(self) -> None:
        self.page("/dashboard/", "dashboard")

    @task(1)
    def marketing(self) -> None:
        self.page("/marketing/", "marketing list")

    @task(1)
    def move(self) -> None:
        self.move_pilot()

    @task(1)
    def approve(self) -> None:
        self.approve_marketing()


class Startup(SignedIn):
    weight = 3
    role = "startup"

    @task(3)
    def home(self) -> None:
        self.page("/home", "home")

    @task(2)
    def search(self) -> None:
        word = random.choice(shared().plan.words)
        self.page(f"/challenges/?{urlencode({'q': word})}", "challenge search")

    @task(2)
    def challenge(self) -> None:
        if (challenge := self.pick(shared().plan.open_challenges)) is not None:
            self.page(f"/challenges/{challenge}", "challenge")

    @task(2)
    def recommendations(self) -> None:
        self.page("/recommendations/", "recommendations")

    @task(1)
    def proposals(self) -> None:
        self.page("/proposals/", "proposals")

    @task(1)
    def proposal(self) -> None:
        assert self.account is not None
        if (proposal := self.pick(self.account.proposals)) is not None:
            self.page(f"/proposals/{proposal}", "proposal page")

    @task(2)
    def pilot(self) -> None:
        self.pilot_page()

    @task(1)
    def dashboard(self) -> None:
        self.page("/dashboard/", "dashboard")

    @task(1)
    def apply(self) -> None:
        """Apply to an open challenge not yet applied to, through the proposal form."""
        assert self.account is not None
        if not self.account.applies:
            return
        challenge = self.account.applies.pop()
        path = f"/challenges/{challenge}/apply"
        self.submit(path, "proposal form", path, "apply with a proposal (post)",
                    approach=APPROACH, timeline="1か月目: 準備、2〜4か月目: 実証、5か月目: 評価",
                    cost_estimate="300")

    @task(1)
    def move(self) -> None:
        self.move_pilot()

    @task(1)
    def approve(self) -> None:
        self.approve_marketing()


class Manager(SignedIn):
    weight = 1
    role = "manager"

    @task(2)
    def home(self) -> None:
        self.page("/home", "home")

    @task(3)
    def review_queue(self) -> None:
        self.page("/recommendations/", "review queue")

    @task(2)
    def organisations(self) -> None:
        self.page("/admin/organisations", "organisation list")

    @task(1)
    def pending(self) -> None:
        self.page("/admin/organisations?state=pending", "organisations awaiting approval")

    @task(2)
    def dashboard(self) -> None:
        self.page("/dashboard/", "dashboard")

    @task(1)
    def board(self) -> None:
        self.page("/pilots/", "pilot board")

    @task(1)
    def pilot(self) -> None:
        self.pilot_page()

    @task(1)
    def move(self) -> None:
        self.move_pilot()

    @task(1)
    def approve(self) -> None:
        self.approve_marketing()


