"""A small hand-made month for Alfa (8x5, with the analytics add-on) and one request of
Beta's; every figure the tests expect is worked out by hand in the test that checks it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine

from supportdesk.contracts.models import AddOn
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope
from tests.tickets.conftest import Desk, at, without_dedicated_engineers
from tests.tickets.conftest import desk as desk
from tests.workspace.conftest import open_

NOW = at(23, 12)  # Monday 12:00 in Moscow


@dataclass
class Month:
    desk: Desk
    r1: Request  # resolved at once: a first-contact resolution
    r2: Request  # late first reply (reaction breached), then resolved
    r3: Request  # resolved, reopened, resolved again
    r4: Request  # P1 still open, assigned to Egor; its reaction breached at 11:00
    r5: Request  # P1 opened 11:10, past 75 % of its reaction target at 12:00
    r6: Request  # asked P2 without a detailed description: rule 1 made it P4


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def month(desk: Desk, frozen: None) -> Month:
    without_dedicated_engineers()
    contract = desk.alfa_contract
    contract.add_ons = [AddOn.EXTENDED_REPORTING.value]
    contract.save(update_fields=["add_ons"])
    agent = desk.agent
    r1 = open_(desk, Priority.P3, "r1", when=at(23, 10))
    actions.resolve(actor=agent, request=r1, summary="Done.", now=at(23, 11))
    r2 = open_(desk, Priority.P1, "r2", when=at(23, 10))
    actions.reply(actor=agent, request=r2, body="Looking.", now=at(23, 11, 30))
    actions.resolve(actor=agent, request=r2, summary="Done.", now=at(23, 11, 45))
    r3 = open_(desk, Priority.P3, "r3", when=at(23, 10))
    actions.resolve(actor=agent, request=r3, summary="Done.", now=at(23, 11))
    actions.reopen(actor=desk.anna, request=r3, reason="Not fixed", now=at(23, 11, 30))
    actions.resolve(actor=agent, request=r3, summary="Done again.", now=at(23, 11, 45))
    r4 = open_(desk, Priority.P1, "r4", when=at(23, 10))
    actions.assign(actor=agent, request=r4, assignee=desk.engineer, team=None, now=at(23, 10, 5))
    r5 = open_(desk, Priority.P1, "r5", when=at(23, 11, 10))
    r6 = actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="r6", description="", requested_priority=Priority.P2, channel=Channel.EMAIL,
        component=None, scope=Scope.MASS, now=at(23, 11),
    )  # fmt: skip
    actions.correct_priority(
        actor=agent, request=r6, to=Priority.P3, reason="Affects a team.", now=at(23, 11, 5)
    )
    open_(desk, Priority.P2, "beta's", customer=desk.vera, when=at(23, 10))
    return Month(desk, r1, r2, r3, r4, r5, r6)
