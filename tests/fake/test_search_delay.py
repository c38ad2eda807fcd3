"""The search index lags behind changes (`search_delay_seconds`), for half the objects."""

from __future__ import annotations

from intercom_sandbox.fake.search_index import SearchIndex

from fake.api import EVERYTHING, UPDATED_ASC, Api

DELAY = 300.0
SEARCHES = {
    "conversation": ("/conversations/search", "conversations"),
    "contact": ("/contacts/search", "data"),
    "ticket": ("/tickets/search", "tickets"),
}


def _found(api: Api, kind: str) -> set[str]:
    path, _ = SEARCHES[kind]
    return {item["id"] for item in api.search_all(path, EVERYTHING, UPDATED_ASC, per_page=150)}


def test_a_change_reaches_search_only_after_the_delay_for_lagging_objects(fake_intercom) -> None:
    fake = fake_intercom(
        seed=8, conversations=40, contacts=40, tickets=10, search_delay_seconds=DELAY
    )
    api = Api(fake)
    before = {kind: _found(api, kind) for kind in SEARCHES}
    change = fake.workspace.mutate(seed=1)
    truth = fake.truth()
    changed = {
        kind: {i for i, item in objects.items() if item["updated_at"] == change.timestamp}
        for kind, objects in (
            ("conversation", truth.conversations),
            ("contact", truth.contacts),
            ("ticket", truth.tickets),
        )
    }
    gone = set(change.deleted_conversations)

    now = {kind: _found(api, kind) for kind in SEARCHES}
    fake.search_index.advance(DELAY)
    later = {kind: _found(api, kind) for kind in SEARCHES}

    lagging = {kind: {i for i in ids if SearchIndex.lags(kind, i)} for kind, ids in changed.items()}
    assert lagging["conversation"]
    assert lagging["contact"]
    assert all(changed[kind] - lagging[kind] for kind in ("conversation", "contact"))
    for kind in SEARCHES:
        # Unchanged objects stay findable; a lagging change is missing until the delay is over.
        assert before[kind] - changed[kind] - gone <= now[kind]
        assert not lagging[kind] & now[kind]
        assert changed[kind] - lagging[kind] <= now[kind]
        assert changed[kind] <= later[kind]
    # Fetching by id is never delayed.
    hidden = next(iter(lagging["conversation"]))
    response = api.get(f"/conversations/{hidden}")
    assert response.status_code == 200
    assert response.json()["updated_at"] == change.timestamp


def test_no_delay_by_default(fake_intercom) -> None:
    fake = fake_intercom(seed=8, conversations=20, contacts=10)
    api = Api(fake)
    change = fake.workspace.mutate(seed=1)
    assert set(change.updated_conversations) <= _found(api, "conversation")
    assert set(change.updated_contacts) <= _found(api, "contact")
