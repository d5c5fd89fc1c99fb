"""The catalogue data (services.yaml) and the copy (copy.yaml) are valid: the 14 services are all
there and reachable, every list and answer fits WhatsApp, and bad data is refused at load."""

from __future__ import annotations

import copy as deepcopy
import re
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import TypeAdapter, ValidationError

from chalicelib.catalogue.office import load_office
from chalicelib.catalogue.services import (
    SERVICES_PATH,
    Completable,
    load_catalogue,
    parse_catalogue,
)
from chalicelib.conversation import messages as m
from chalicelib.conversation.copy import COPY_PATH, load_copy
from chalicelib.datafiles import load_yaml
from chalicelib.whatsapp.outbound import (
    BODY_MAX,
    BUTTON_TITLE_MAX,
    LIST_ROWS_MAX,
    ROW_DESCRIPTION_MAX,
    ROW_TITLE_MAX,
    TEXT_MAX,
    ListMessage,
    OutboundMessage,
)

CATALOGUE = load_catalogue()
COPY = load_copy()
OFFICE = load_office()
OUTBOUND: TypeAdapter[Any] = TypeAdapter(OutboundMessage)
CONVERSATION_SOURCES = Path(m.__file__).parent


def raw_catalogue() -> dict[str, Any]:
    """services.yaml as plain data, to be spoiled by a test."""
    return deepcopy.deepcopy(load_yaml(SERVICES_PATH))


def valid(message: Any) -> Any:
    """The message validated again from its JSON (model_copy and friends skip validation)."""
    assert OUTBOUND.validate_json(OUTBOUND.dump_json(message)) == message
    return message


def rows(message: ListMessage) -> list[Any]:
    return [row for section in message.sections for row in section.rows]


def check_list(message: ListMessage) -> None:
    valid(message)
    assert len(message.body) <= BODY_MAX and len(message.button) <= BUTTON_TITLE_MAX
    assert 1 <= len(rows(message)) <= LIST_ROWS_MAX
    for row in rows(message):
        assert 1 <= len(row.title) <= ROW_TITLE_MAX
        assert len(row.description or "") <= ROW_DESCRIPTION_MAX


# -- the 14 services ------------------------------------------------------------------------


def test_fourteen_services_numbered_one_to_fourteen_exactly_once():
    numbers = sorted(s.number for s in CATALOGUE.services)
    assert numbers == list(range(1, 15))
    assert len({s.id for s in CATALOGUE.services}) == 14


def test_every_service_is_in_exactly_one_existing_group():
    group_ids = [g.id for g in CATALOGUE.groups]
    for service in CATALOGUE.services:
        holders = [g for g in group_ids if service in CATALOGUE.in_group(g)]
        assert holders == [service.group], service.id
    assert all(CATALOGUE.in_group(g) for g in group_ids), "a group without services"


def test_every_service_is_reachable_from_the_information_menu():
    menu = m.main_menu(COPY)
    check_list(menu)
    assert "menu:info" in [row.id for row in rows(menu)]

    groups = m.groups_list(COPY, CATALOGUE)
    check_list(groups)
    group_rows = [row.id for row in rows(groups)]
    assert group_rows == [f"grp:{g.id}" for g in CATALOGUE.groups]

    reached: list[str] = []
    for row_id in group_rows:
        services = m.services_list(COPY, CATALOGUE, row_id.removeprefix("grp:"))
        check_list(services)
        ids = [row.id for row in rows(services)]
        assert ids[-1] == "menu:info", "every service list leads back to the groups"
        reached += [i.removeprefix("svc:") for i in ids if i.startswith("svc:")]
    assert sorted(reached) == sorted(s.id for s in CATALOGUE.services)
    assert len(reached) == len(set(reached)), "a service listed in two groups"


def test_short_names_fit_a_button_and_are_distinct_so_any_choice_of_them_is_valid():
    names = [s.short_name for s in CATALOGUE.services]
    assert all(len(n) <= BUTTON_TITLE_MAX for n in names)
    assert len(set(names)) == len(names)
    ordered = sorted(CATALOGUE.services, key=lambda s: s.number)
    for first in range(0, len(ordered), 3):
        valid(m.ambiguous(COPY, ordered[first : first + 3]))


@pytest.mark.parametrize("service", CATALOGUE.services, ids=lambda s: s.id)
def test_first_answer_fits_one_phone_screen_and_details_follow_untruncated(service):
    answer = valid(m.service_answer(COPY, service, OFFICE))
    assert len(answer.body) <= m.ANSWER_MAX
    assert answer.body.startswith(f"*{service.name}*")
    assert service.requirements[0] in answer.body
    details = valid(m.service_details(COPY, service, OFFICE))
    assert len(details.body) <= TEXT_MAX
    for line in (*service.requirements, *service.steps, *service.legal_basis):
        assert line in details.body, "the details were cut short"
    # Room to spare: still one screen if the office marks every fact as still to confirm.
    everything = service.model_copy(update={"to_complete": get_args(Completable)})
    assert len(m.service_answer(COPY, everything, OFFICE).body) <= m.ANSWER_MAX
    valid(m.answer_actions(COPY, service))
    valid(m.details_actions(COPY, service))


@pytest.mark.parametrize("field", get_args(Completable))
def test_an_unconfirmed_fact_is_marked_once_and_never_stated_as_certain(field):
    note = COPY["answer"]["to_confirm"]
    for service in CATALOGUE.services:
        marked = service.model_copy(update={"to_complete": (field,)})
        answer = m.service_answer(COPY, marked, OFFICE).body
        details = m.service_details(COPY, marked, OFFICE).body
        assert answer.count(note) <= 1 and details.count(note) <= 1, service.id
        assert note in answer or note in details, service.id
        if field == "cost":
            assert service.cost not in answer, service.id
        clean = service.model_copy(update={"to_complete": ()})
        assert note not in m.service_answer(COPY, clean, OFFICE).body
        assert note not in m.service_details(COPY, clean, OFFICE).body


def test_to_complete_names_real_fields_once():
    fields = set(get_args(Completable))
    for service in CATALOGUE.services:
        assert set(service.to_complete) <= fields, service.id
        assert len(set(service.to_complete)) == len(service.to_complete), service.id
        for name in service.to_complete:
            assert name in type(service).model_fields


def test_keywords_are_lowercase_trimmed_and_unique_per_service():
    for service in CATALOGUE.services:
        keywords = service.keywords
        assert all(k == k.strip().lower() and k for k in keywords), service.id
        duplicates = sorted({k for k in keywords if keywords.count(k) > 1})
        assert not duplicates, f"{service.id}: {duplicates}"


# -- the copy -------------------------------------------------------------------------------


def test_every_top_level_copy_key_is_used_by_the_conversation_code():
    sources = "\n".join(p.read_text() for p in sorted(CONVERSATION_SOURCES.rglob("*.py")))
    keys = load_yaml(COPY_PATH).keys()
    # Every read of the copy is a subscript of a name ending in "copy": copy["..."], kb.copy["..."]
    orphans = [k for k in keys if not re.search(rf"""copy\[\s*["']{re.escape(k)}["']""", sources)]
    assert not orphans, f"copy.yaml keys no code reads: {orphans}"


# -- bad data is refused --------------------------------------------------------------------


def test_the_packaged_data_parses():
    assert parse_catalogue(raw_catalogue()) == CATALOGUE


def test_a_short_name_too_long_for_a_button_is_refused():
    data = raw_catalogue()
    data["services"][0]["short_name"] = "x" * 25
    with pytest.raises(ValidationError, match="short_name"):
        parse_catalogue(data)


def test_a_service_in_a_missing_group_is_refused():
    data = raw_catalogue()
    data["services"][0]["group"] = "tidak_ada"
    with pytest.raises(ValidationError, match="unknown groups"):
        parse_catalogue(data)


def test_a_catalogue_that_drops_a_group_its_services_use_is_refused():
    data = raw_catalogue()
    data["groups"] = data["groups"][1:]
    with pytest.raises(ValidationError, match="unknown groups"):
        parse_catalogue(data)


def test_a_duplicate_service_id_is_refused():
    data = raw_catalogue()
    twin = deepcopy.deepcopy(data["services"][1])
    twin["number"] = 15
    twin["short_name"] = "Kembar"
    data["services"].append(twin)
    with pytest.raises(ValidationError, match="duplicate service"):
        parse_catalogue(data)


def test_a_duplicate_service_number_is_refused():
    data = raw_catalogue()
    data["services"][1]["number"] = data["services"][0]["number"]
    with pytest.raises(ValidationError, match="duplicate number"):
        parse_catalogue(data)


def test_uppercase_keywords_are_refused():
    data = raw_catalogue()
    data["services"][0]["keywords"][0] = "PKH"
    with pytest.raises(ValidationError, match="lowercase"):
        parse_catalogue(data)


def test_an_unknown_to_complete_field_is_refused():
    data = raw_catalogue()
    data["services"][0]["to_complete"] = ["alamat"]
    with pytest.raises(ValidationError, match="to_complete"):
        parse_catalogue(data)


SEED = Path("/work/shared/seed/ligat-dinas-sosial-inhil-2024.txt")


def _in_seed(line: str, seed: str) -> bool:
    found = re.search(r"nomor\s+([\w/.]+)\s+tahun\s+(\d{4})", line.lower())
    if found is None:
        return False
    number, year = re.escape(found.group(1)), found.group(2)
    return re.search(rf"(nomor|no)\s*{number}\s+tahun\s+{year}", seed) is not None


def test_every_legal_basis_is_from_the_seed_sourced_or_marked_to_complete():
    if not SEED.exists():
        pytest.skip("the office's seed document is not on this machine")
    sources = " ".join(s for service in CATALOGUE.services for s in service.sources)
    seed = SEED.read_text(encoding="utf-8").lower()
    for service in CATALOGUE.services:
        if "legal_basis" in service.to_complete:
            continue
        for line in service.legal_basis:
            short = line.split(" tentang ")[0]
            assert _in_seed(line, seed) or short in sources, f"{service.id}: {short}"


def test_referrals_name_their_source():
    for referral in CATALOGUE.referrals:
        assert referral.source.strip(), referral.id
