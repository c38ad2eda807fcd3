"""GET /conversations/{id}: at most the 500 most recent parts, the true count alongside."""

from __future__ import annotations

from fake.api import Api, error_codes

PART_LIMIT = 500


def test_a_huge_conversation_returns_its_500_most_recent_parts(fake_intercom) -> None:
    fake = fake_intercom(seed=6, conversations=4, contacts=5, huge_conversations=1)
    truth = fake.truth().conversations
    huge_id, huge = next(
        (cid, c)
        for cid, c in truth.items()
        if len(c["conversation_parts"]["conversation_parts"]) > PART_LIMIT
    )
    every_part = huge["conversation_parts"]["conversation_parts"]
    served = Api(fake).get(f"/conversations/{huge_id}").json()
    parts = served["conversation_parts"]["conversation_parts"]
    assert [p["id"] for p in parts] == [p["id"] for p in every_part[-PART_LIMIT:]]
    assert served["conversation_parts"]["total_count"] == len(every_part)
    # The count includes the source message (airbytehq/airbyte#39463).
    assert served["statistics"]["count_conversation_parts"] == len(every_part) + 1


def test_the_part_count_includes_the_source_message_as_intercom_counts(fake_intercom) -> None:
    fake = fake_intercom(seed=6, conversations=8, contacts=5)
    for cid, conversation in fake.truth().conversations.items():
        served = Api(fake).get(f"/conversations/{cid}").json()
        parts = served["conversation_parts"]
        assert (
            served["statistics"]["count_conversation_parts"]
            == len(conversation["conversation_parts"]["conversation_parts"]) + 1
        )
        assert parts["total_count"] == len(parts["conversation_parts"])


def test_conversation_teammates_come_under_admins_as_the_real_api_sends_them(
    fake_intercom,
) -> None:
    """intercom/Intercom-OpenAPI#220: `teammates.admins`, not the old description's
    `teammates.teammates`."""
    fake = fake_intercom(seed=6, conversations=8, contacts=5)
    served = [Api(fake).get(f"/conversations/{cid}").json() for cid in fake.truth().conversations]
    assert all("teammates" not in c["teammates"] for c in served)
    assert any(c["teammates"]["admins"] for c in served)


def test_parts_added_later_are_among_the_most_recent(fake_intercom) -> None:
    fake = fake_intercom(seed=6, conversations=1, contacts=5, huge_conversations=1)
    (huge_id,) = fake.truth().conversations
    fake.workspace.mutate(seed=1)
    every_part = fake.truth().conversations[huge_id]["conversation_parts"]["conversation_parts"]
    served = Api(fake).get(f"/conversations/{huge_id}").json()["conversation_parts"]
    assert [p["id"] for p in served["conversation_parts"]] == [p["id"] for p in every_part[-500:]]
    assert served["total_count"] == len(every_part)


def test_small_conversations_return_every_part_in_all_versions(fake_intercom) -> None:
    fake = fake_intercom(seed=6, conversations=8, contacts=5)
    for cid, conversation in fake.truth().conversations.items():
        for version in ("2.14", "2.16"):
            served = Api(fake, version).get(f"/conversations/{cid}").json()
            assert served["conversation_parts"] == conversation["conversation_parts"]


def test_display_as_plaintext_strips_html_and_keeps_link_urls(fake_intercom) -> None:
    fake = fake_intercom(seed=6, conversations=40, contacts=5)
    api = Api(fake)
    truth = fake.truth().conversations
    cid = next(cid for cid, c in truth.items() if "<a href=" in c["source"]["body"])
    html_body = truth[cid]["source"]["body"]
    url = html_body.split('<a href="')[1].split('"')[0]
    plain = api.get(f"/conversations/{cid}", display_as="plaintext").json()
    assert "<p>" not in plain["source"]["body"]
    assert f"({url})" in plain["source"]["body"]
    assert all(
        "<p>" not in (p["body"] or "") for p in plain["conversation_parts"]["conversation_parts"]
    )
    assert api.get(f"/conversations/{cid}").json()["source"]["body"] == html_body


def test_unknown_and_deleted_conversations_are_404(fake_intercom) -> None:
    fake = fake_intercom(seed=6, conversations=10, contacts=5)
    api = Api(fake)
    assert error_codes(api.get("/conversations/999")) == ["not_found"]
    deleted = fake.workspace.mutate(seed=1).deleted_conversations[0]
    response = api.get(f"/conversations/{deleted}")
    assert response.status_code == 404


def test_tickets_come_back_whole_by_id(fake_intercom) -> None:
    fake = fake_intercom(seed=6, conversations=1, contacts=5, tickets=3)
    api = Api(fake)
    for tid, ticket in fake.truth().tickets.items():
        assert api.get(f"/tickets/{tid}").json() == ticket
    assert api.get("/tickets/1").status_code == 404
