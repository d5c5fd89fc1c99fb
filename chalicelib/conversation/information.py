"""Information: the groups and services lists, a service's short answer and its details on a
tap, the chooser of assistance programmes for a generic question, and referrals for questions
outside the office's services."""

from __future__ import annotations

from chalicelib.catalogue.services import Referral
from chalicelib.conversation import messages as m
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import CountInformation, Reply, Session


def groups(state: Session, kb: Knowledge) -> Reply:
    state.flow, state.step = None, "info:groups"
    return Reply([m.groups_list(kb.copy, kb.catalogue)])


def group(state: Session, kb: Knowledge, group_id: str) -> Reply:
    state.flow, state.step = None, f"info:group:{group_id}"
    return Reply([m.services_list(kb.copy, kb.catalogue, group_id)])


def answer(state: Session, kb: Knowledge, service_id: str) -> Reply:
    """The first answer about a service: fits one phone screen; details follow on a tap."""
    service = kb.catalogue.service(service_id)
    if service is None:
        return Reply([m.main_menu(kb.copy)])
    state.flow, state.step = None, f"info:service:{service.id}"
    return Reply(
        [m.service_answer(kb.copy, service, kb.office), m.answer_actions(kb.copy, service)],
        [CountInformation(service_id=service.id)],
    )


def details(state: Session, kb: Knowledge, service_id: str) -> Reply:
    service = kb.catalogue.service(service_id)
    if service is None:
        return Reply([m.main_menu(kb.copy)])
    state.flow, state.step = None, f"info:service:{service.id}"
    return Reply(
        [m.service_details(kb.copy, service, kb.office), m.details_actions(kb.copy, service)]
    )


def programmes(state: Session, kb: Knowledge) -> Reply:
    """A generic question about assistance ("gimana cara dapat bantuan"): the programmes."""
    state.flow, state.step = None, "info:help"
    return Reply([m.programmes_list(kb.copy, kb.catalogue)])


def referral(state: Session, kb: Knowledge, referral_id: str) -> Reply:
    found: Referral | None = kb.catalogue.referral(referral_id)
    state.flow, state.step = None, None
    if found is None:
        return Reply([m.main_menu(kb.copy)])
    return Reply([m.referral_answer(kb.copy, found)])


def back(state: Session, kb: Knowledge) -> Reply:
    step = state.step or ""
    if step.startswith("info:service:"):
        service = kb.catalogue.service(step.removeprefix("info:service:"))
        if service:
            return group(state, kb, service.group)
    if step.startswith("info:group:"):
        return groups(state, kb)
    state.flow, state.step = None, None
    return Reply([m.main_menu(kb.copy)])
