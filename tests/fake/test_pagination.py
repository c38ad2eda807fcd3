"""The four pagination models, as documented (docs/intercom-api.md#pagination)."""

from __future__ import annotations

import time

from fake.api import EVERYTHING, UPDATED_ASC, Api, error_codes


def test_list_cursor_walks_every_conversation_once(fake_intercom) -> None:
    fake = fake_intercom(seed=2, conversations=23, contacts=10)
    api = Api(fake)
    seen, params = [], {"per_page": 10}
    while True:
        page = api.get("/conversations", **params).json()
        seen += [c["id"] for c in page["conversations"]]
        assert page["total_count"] == 23
        assert page["pages"]["total_pages"] == 3
        if "next" not in page["pages"]:
            break
        params = {"per_page": 10, "starting_after": page["pages"]["next"]["starting_after"]}
    assert sorted(seen) == sorted(fake.truth().conversations)
    assert len(seen) == len(set(seen))


def test_contacts_list_defaults_to_10_and_caps_per_page_at_150(fake_intercom) -> None:
    fake = fake_intercom(seed=2, contacts=160)
    api = Api(fake)
    assert len(api.get("/contacts").json()["data"]) == 10
    big = api.get("/contacts", per_page=500).json()
    assert len(big["data"]) == 150
    assert big["pages"]["per_page"] == 150


def test_search_pages_through_the_body_pagination_object(fake_intercom) -> None:
    fake = fake_intercom(seed=2, conversations=31, contacts=10)
    items = Api(fake).search_all("/conversations/search", EVERYTHING, UPDATED_ASC, per_page=7)
    truth = fake.truth().conversations
    assert [c["id"] for c in items] == sorted(truth, key=lambda i: (truth[i]["updated_at"], int(i)))


def test_search_cursor_in_the_query_string_is_ignored_and_page_one_comes_back(
    fake_intercom,
) -> None:
    fake = fake_intercom(seed=2, conversations=12, contacts=10)
    api = Api(fake)
    body = {"query": EVERYTHING, "sort": UPDATED_ASC, "pagination": {"per_page": 5}}
    first = api.post("/conversations/search", body).json()
    cursor = first["pages"]["next"]["starting_after"]
    trap = api.post("/conversations/search", body, starting_after=cursor, per_page=2).json()
    assert [c["id"] for c in trap["conversations"]] == [c["id"] for c in first["conversations"]]
    assert trap["pages"]["page"] == 1
    body["pagination"]["starting_after"] = cursor
    second = api.post("/conversations/search", body).json()
    assert second["pages"]["page"] == 2
    assert not {c["id"] for c in second["conversations"]} & {
        c["id"] for c in first["conversations"]
    }


def test_last_page_has_no_next(fake_intercom) -> None:
    fake = fake_intercom(seed=2, conversations=5, contacts=5)
    page = Api(fake).search("/conversations/search", EVERYTHING, pagination={"per_page": 150})
    assert "next" not in page["pages"]
    assert len(page["conversations"]) == 5


def test_search_and_list_items_carry_no_parts(fake_intercom) -> None:
    fake = fake_intercom(seed=2, conversations=5, contacts=5)
    api = Api(fake)
    listed = api.get("/conversations").json()["conversations"]
    searched = api.search("/conversations/search", EVERYTHING)["conversations"]
    assert all("conversation_parts" not in c for c in listed + searched)


def test_invalid_cursor_is_a_400(fake_intercom) -> None:
    fake = fake_intercom(seed=2, conversations=5, contacts=5)
    response = Api(fake).get("/conversations", starting_after="not a cursor!")
    assert response.status_code == 400


def test_deleted_conversations_use_page_numbers_with_a_full_next_url(fake_intercom) -> None:
    fake = fake_intercom(seed=2, conversations=40, contacts=10)
    for seed in range(1, 4):
        fake.workspace.mutate(seed=seed)
    api = Api(fake)
    deleted = fake.truth().deleted_conversations
    first = api.get("/conversations/deleted", per_page=2).json()
    assert first["total_count"] == len(deleted) == 3
    assert first["pages"]["total_pages"] == 2
    assert first["pages"]["next"].startswith(f"{fake.url}/conversations/deleted?")
    second = api.session.get(first["pages"]["next"], timeout=10).json()
    assert second["pages"]["next"] is None
    ids = [c["id"] for c in first["conversations"] + second["conversations"]]
    assert sorted(ids) == sorted(deleted)
    assert [deleted[i] for i in ids] == sorted(deleted.values(), reverse=True)  # desc by default
    assert api.get("/conversations/deleted", per_page=100).json()["pages"]["per_page"] == 60


def _scroll(api: Api, param: str | None = None):
    return api.get("/companies/scroll", **({"scroll_param": param} if param else {}))


def test_scroll_returns_every_company_then_an_empty_page_that_frees_it(fake_intercom) -> None:
    fake = fake_intercom(seed=2, companies=7, contacts=5, scroll_page_size=3)
    api = Api(fake)
    response = _scroll(api)
    seen, sizes = [], []
    while True:
        body = response.json()
        assert body["pages"] is None
        assert body["total_count"] is None
        sizes.append(len(body["data"]))
        seen += [c["id"] for c in body["data"]]
        if not body["data"]:
            break
        response = _scroll(api, body["scroll_param"])
    assert sizes == [3, 3, 1, 0]
    assert sorted(seen) == sorted(fake.truth().companies)
    assert _scroll(api).status_code == 200, "the finished scroll no longer blocks a new one"


def test_a_second_scroll_is_refused_while_one_is_open(fake_intercom) -> None:
    fake = fake_intercom(seed=2, companies=7, contacts=5, scroll_page_size=3)
    api = Api(fake)
    assert _scroll(api).status_code == 200
    second = _scroll(api)
    assert second.status_code == 400
    assert error_codes(second) == ["scroll_exists"]
    assert second.json()["errors"][0]["message"] == "scroll already exists for this app/workspace"


def test_an_idle_scroll_expires(fake_intercom) -> None:
    fake = fake_intercom(seed=2, companies=7, contacts=5, scroll_page_size=3,
                         scroll_expiry_seconds=0.3)  # fmt: skip
    api = Api(fake)
    param = _scroll(api).json()["scroll_param"]
    time.sleep(0.5)
    expired = _scroll(api, param)
    assert expired.status_code == 404
    assert _scroll(api).status_code == 200, "a new scroll may start once the old one expired"


def test_a_contact_embeds_10_tags_and_companies_and_lists_the_rest_at_its_urls(
    fake_intercom,
) -> None:
    fake = fake_intercom(seed=4, contacts=6, tags=13, companies=12, fully_linked_contacts=1)
    api = Api(fake)
    contacts = api.search_all("/contacts/search", EVERYTHING, UPDATED_ASC, per_page=50)
    linked = next(c for c in contacts if c["tags"]["total_count"] == 13)
    assert len(linked["tags"]["data"]) == 10
    assert linked["tags"]["has_more"] is True
    assert len(linked["companies"]["data"]) == 10
    assert linked["companies"]["has_more"] is True

    tags = api.get(linked["tags"]["url"]).json()["data"]
    assert sorted(t["id"] for t in tags) == sorted(fake.truth().tags)
    companies, page, pages = [], 1, []
    while True:
        body = api.get(linked["companies"]["url"], per_page=5, page=page).json()
        companies += [c["id"] for c in body["data"]]
        pages.append(body["pages"])
        if not body["pages"]["next"]:
            break
        page += 1
    assert sorted(companies) == sorted(fake.truth().companies)
    assert [p["page"] for p in pages] == [1, 2, 3]
    assert pages[0]["total_pages"] == 3
    assert all(c["companies"]["has_more"] is False for c in contacts if c is not linked)
