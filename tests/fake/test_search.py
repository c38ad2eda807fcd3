"""Search semantics: operators, nesting limits, sorting, and contacts matched by calendar day."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fake.api import EVERYTHING, UPDATED_ASC, Api, error_codes

ZONE = "America/New_York"


def _ids(items: list[dict]) -> set[str]:
    return {item["id"] for item in items}


def _contacts(api: Api, query: dict) -> set[str]:
    return _ids(api.search_all("/contacts/search", query, UPDATED_ASC, per_page=150))


def _conversations(api: Api, query: dict) -> set[str]:
    return _ids(api.search_all("/conversations/search", query, UPDATED_ASC, per_page=150))


def _day_bounds(timestamp: int, zone: str) -> tuple[int, int]:
    local = datetime.fromtimestamp(timestamp, ZoneInfo(zone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    following = (midnight.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=ZoneInfo(zone))
    return int(midnight.timestamp()), int(following.timestamp())


def test_contact_dates_match_by_calendar_day_in_the_workspace_timezone(fake_intercom) -> None:
    fake = fake_intercom(seed=4, contacts=120, conversations=2, timezone=ZONE)
    api = Api(fake)
    contacts = fake.truth().contacts
    value = sorted(c["updated_at"] for c in contacts.values())[60] + 1
    start, end = _day_bounds(value, ZONE)

    def where(test) -> set[str]:
        return {cid for cid, c in contacts.items() if test(c["updated_at"])}

    assert _contacts(api, {"field": "updated_at", "operator": "=", "value": value}) == where(
        lambda at: start <= at < end
    )
    assert _contacts(api, {"field": "updated_at", "operator": ">", "value": value}) == where(
        lambda at: at >= end
    )
    assert _contacts(api, {"field": "updated_at", "operator": "<", "value": value}) == where(
        lambda at: at < start
    )


def test_a_same_day_contact_update_is_invisible_to_greater_than_the_bookmark(
    fake_intercom,
) -> None:
    fake = fake_intercom(seed=4, contacts=30, conversations=2, timezone=ZONE)
    api = Api(fake)
    first = fake.workspace.mutate(seed=1)
    assert first.same_day_contact is None, "generated updates all lie days in the past"
    bookmark = max(c["updated_at"] for c in fake.truth().contacts.values())
    changes = fake.workspace.mutate(seed=2)
    changed = changes.same_day_contact
    assert changed is not None
    assert fake.truth().contacts[changed]["updated_at"] > bookmark
    after = _contacts(api, {"field": "updated_at", "operator": ">", "value": bookmark})
    same_day = _contacts(api, {"field": "updated_at", "operator": "=", "value": bookmark})
    assert changed not in after
    assert changed in same_day


@pytest.mark.parametrize("operator", ["!=", "<=", ">=", "IN", "NIN"])
def test_contact_date_fields_refuse_other_operators(fake_intercom, operator: str) -> None:
    fake = fake_intercom(seed=4, contacts=5, conversations=2)
    value = [1700000000] if operator in ("IN", "NIN") else 1700000000
    response = Api(fake).post(
        "/contacts/search", {"query": {"field": "created_at", "operator": operator, "value": value}}
    )
    assert response.status_code == 400
    assert error_codes(response) == ["parameter_invalid"]


def test_conversation_timestamps_compare_to_the_second(fake_intercom) -> None:
    fake = fake_intercom(seed=4, conversations=30, contacts=10)
    api = Api(fake)
    conversation = next(iter(fake.truth().conversations.values()))
    at, cid = conversation["updated_at"], conversation["id"]
    assert cid not in _conversations(api, {"field": "updated_at", "operator": ">", "value": at})
    assert cid in _conversations(api, {"field": "updated_at", "operator": ">=", "value": at})
    assert cid in _conversations(api, {"field": "updated_at", "operator": "=", "value": str(at)})
    assert cid in _conversations(api, {"field": "updated_at", "operator": "<", "value": at + 1})
    assert cid not in _conversations(api, {"field": "updated_at", "operator": "<", "value": at})


def test_string_boolean_and_list_operators_on_contacts(fake_intercom) -> None:
    fake = fake_intercom(seed=4, contacts=60, conversations=2)
    api = Api(fake)
    contacts = fake.truth().contacts.values()
    domain = next(iter(contacts))["email_domain"]
    tag = next(t["id"] for c in contacts for t in c["tags"]["data"])

    def where(test) -> set[str]:
        return {c["id"] for c in contacts if test(c)}

    cases = [
        ({"field": "email", "operator": "$", "value": domain},
         lambda c: c["email"].endswith(domain)),
        ({"field": "email", "operator": "~", "value": domain}, lambda c: domain in c["email"]),
        ({"field": "email", "operator": "!~", "value": domain}, lambda c: domain not in c["email"]),
        ({"field": "name", "operator": "^", "value": "ada"},
         lambda c: (c["name"] or "").lower().startswith("ada")),
        ({"field": "role", "operator": "IN", "value": ["lead"]}, lambda c: c["role"] == "lead"),
        ({"field": "role", "operator": "NIN", "value": ["lead"]}, lambda c: c["role"] != "lead"),
        ({"field": "has_hard_bounced", "operator": "=", "value": True},
         lambda c: c["has_hard_bounced"]),
        ({"field": "tag_id", "operator": "=", "value": tag},
         lambda c: tag in {t["id"] for t in c["tags"]["data"]}),
        ({"field": "custom_attributes.seats", "operator": ">", "value": 100},
         lambda c: c["custom_attributes"]["seats"] > 100),
    ]  # fmt: skip
    for query, test in cases:
        expected = where(test)
        assert expected, f"the data exercises {query}"
        assert _contacts(api, query) == expected, query


def test_nested_and_or_groups(fake_intercom) -> None:
    fake = fake_intercom(seed=4, conversations=50, contacts=10)
    api = Api(fake)
    truth = fake.truth().conversations.values()
    query = {
        "operator": "AND",
        "value": [
            {"operator": "OR", "value": [
                {"field": "state", "operator": "=", "value": "open"},
                {"field": "state", "operator": "=", "value": "snoozed"},
            ]},
            {"field": "read", "operator": "=", "value": False},
        ],
    }  # fmt: skip
    expected = {c["id"] for c in truth if c["state"] != "closed" and not c["read"]}
    assert expected
    assert _conversations(api, query) == expected


def test_three_levels_of_nesting_are_refused(fake_intercom) -> None:
    fake = fake_intercom(seed=4, conversations=3, contacts=3)
    leaf = {"field": "open", "operator": "=", "value": True}
    query = {"operator": "AND", "value": [{"operator": "OR", "value": [
        {"operator": "AND", "value": [leaf]}]}]}  # fmt: skip
    response = Api(fake).post("/conversations/search", {"query": query})
    assert response.status_code == 400
    two_levels = {"operator": "AND", "value": [{"operator": "OR", "value": [leaf]}]}
    assert Api(fake).post("/conversations/search", {"query": two_levels}).status_code == 200


def test_at_most_15_filters_per_group(fake_intercom) -> None:
    fake = fake_intercom(seed=4, conversations=3, contacts=3)
    leaf = {"field": "open", "operator": "=", "value": True}
    api = Api(fake)
    ok = api.post("/conversations/search", {"query": {"operator": "OR", "value": [leaf] * 15}})
    too_many = api.post(
        "/conversations/search", {"query": {"operator": "OR", "value": [leaf] * 16}}
    )
    assert ok.status_code == 200
    assert too_many.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"field": "created_at", "operator": ">", "value": "foobar"},
        {"field": "state", "operator": ">", "value": "open"},
        {"field": "not_a_field", "operator": "=", "value": 1},
        {"field": "state", "operator": "LIKE", "value": "open"},
        {"field": "state", "operator": "IN", "value": "open"},
    ],
)
def test_invalid_filters_are_400(fake_intercom, query: dict) -> None:
    fake = fake_intercom(seed=4, conversations=3, contacts=3)
    response = Api(fake).post("/conversations/search", {"query": query})
    assert response.status_code == 400
    assert error_codes(response) == ["parameter_invalid"]


def test_source_body_matches_single_words_only(fake_intercom) -> None:
    fake = fake_intercom(seed=4, conversations=10, contacts=5)
    api = Api(fake)
    conversation = next(iter(fake.truth().conversations.values()))
    words = conversation["source"]["body"].split("<p>")[1].split()[:2]
    word = words[0].strip(".").lower()
    found = _conversations(api, {"field": "source.body", "operator": "=", "value": word})
    phrase = _conversations(
        api, {"field": "source.body", "operator": "=", "value": " ".join(words)}
    )
    assert conversation["id"] in found
    assert conversation["id"] not in phrase


def test_sort_descending_and_ascending(fake_intercom) -> None:
    fake = fake_intercom(seed=4, conversations=20, contacts=30)
    api = Api(fake)
    for path, key in (("/conversations/search", "conversations"), ("/contacts/search", "data")):
        for order, reverse in (("ascending", False), ("descending", True)):
            sort = {"field": "created_at", "order": order}
            items = api.search(path, EVERYTHING, sort=sort, pagination={"per_page": 150})[key]
            stamps = [item["created_at"] for item in items]
            assert stamps == sorted(stamps, reverse=reverse)


def test_2_16_contacts_refuse_an_unknown_sort_order(fake_intercom) -> None:
    fake = fake_intercom(seed=4, conversations=3, contacts=3)
    body = {"query": EVERYTHING, "sort": {"field": "updated_at", "order": "desc"}}
    refused = Api(fake, "2.16").post("/contacts/search", body)
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {
            "code": "invalid_sort_order",
            "message": "Invalid sort order 'desc'. Must be one of: ascending, descending",
        }
    ]
    assert Api(fake, "2.15").post("/contacts/search", body).status_code == 200


def test_tickets_search_by_category_term_and_state(fake_intercom) -> None:
    fake = fake_intercom(seed=4, conversations=3, contacts=5, tickets=20)
    api = Api(fake)
    tickets = fake.truth().tickets.values()
    query = {"field": "category", "operator": "=", "value": "request"}
    found = _ids(api.search("/tickets/search", query, pagination={"per_page": 150})["tickets"])
    assert found == {t["id"] for t in tickets if t["category"] == "Customer"}
    assert found
