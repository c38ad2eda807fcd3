"""One full sync of a small workspace: every stream, its keys, fields and types; the contracts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec
from tap_replica import KEYS, Replica
from tap_truth import assert_matches_truth
from taprun import TOKEN, TapOutput, catalog_selecting, config_for, run_tap

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@pytest.fixture(scope="module")
def workspace(module_fake: Callable[..., FakeIntercom]) -> FakeIntercom:
    spec = WorkspaceSpec(
        seed=11,
        conversations=25,
        contacts=30,
        companies=12,
        tags=13,
        fully_linked_contacts=2,  # more than the 10 tags and companies a contact embeds
        tickets=5,
        huge_conversations=1,
    )
    fake = module_fake(spec, token=TOKEN)
    fake.workspace.mutate(seed=1)  # so that one conversation is deleted
    return fake


@pytest.fixture(scope="module")
def full_run(workspace: FakeIntercom, tmp_path_factory: pytest.TempPathFactory) -> TapOutput:
    return run_tap(tmp_path_factory.mktemp("full"), config_for(workspace))


def test_full_sync_delivers_exactly_the_workspace(
    workspace: FakeIntercom, full_run: TapOutput
) -> None:
    assert_matches_truth(Replica().apply(full_run.messages), workspace.truth())
    assert set(full_run.records) == set(KEYS)


def test_contacts_carry_every_tag_and_company_beyond_the_10_embedded(
    workspace: FakeIntercom, full_run: TapOutput
) -> None:
    linked = [r for r in full_run.records["contacts"] if len(r["tags"]["data"]) > 10]
    assert len(linked) == 2
    for record in linked:
        assert {t["id"] for t in record["tags"]["data"]} == set(workspace.truth().tags)
        assert len(record["companies"]["data"]) == record["companies"]["total_count"] == 12
        assert record["tags"]["has_more"] is False
        assert record["companies"]["has_more"] is False
        assert len(record["notes"]["data"]) == record["notes"]["total_count"] > 100
        assert record["notes"]["has_more"] is False


def test_contacts_keep_the_fields_only_the_examples_document(
    workspace: FakeIntercom, full_run: TapOutput
) -> None:
    """utm_*, referrer and the subscription types: in every contact example of the 2.16
    description (L8134-8152) but not in its contact schema."""
    truth = workspace.truth().contacts
    fields = ("utm_campaign", "utm_content", "utm_medium", "utm_source", "utm_term", "referrer",
              "opted_in_subscription_types", "opted_out_subscription_types",
              "enabled_push_messaging")  # fmt: skip
    for record in full_run.records["contacts"]:
        for field in fields:
            assert record[field] == truth[record["contact_id"]][field], field
    assert any(record["utm_source"] for record in full_run.records["contacts"])
    assert any(r["opted_out_subscription_types"]["data"] for r in full_run.records["contacts"])


def test_every_record_fits_its_schema_and_has_its_key(full_run: TapOutput) -> None:
    for stream, records in full_run.records.items():
        schema = json.loads((SCHEMAS / f"{stream}.json").read_text())
        validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
        for record in records:
            validator.validate(record)
            assert set(record) == set(schema["properties"]), stream
            assert all(record[key] is not None for key in KEYS[stream]), stream


def test_conversation_fields_follow_the_column_mapping(
    workspace: FakeIntercom, full_run: TapOutput
) -> None:
    truth = workspace.truth().conversations
    record = next(r for r in full_run.records["conversations"] if r["conversation_id"] in truth)
    source = truth[record["conversation_id"]]["source"]
    assert record["source_type"] == source["type"]
    assert record["source_author_id"] == source["author"]["id"]
    assert record["source_author_email"] == source["author"]["email"]
    assert record["created_at"].endswith("+00:00")
    assert isinstance(record["statistics"], dict)
    part = full_run.records["conversation_parts"][0]
    assert part["author_type"] is not None
    assert part["conversation_id"] in {
        r["conversation_id"] for r in full_run.records["conversations"]
    }


def test_the_500_part_limit_is_flagged(full_run: TapOutput) -> None:
    truncated = [r for r in full_run.records["conversations"] if r["parts_truncated"]]
    assert len(truncated) == 1
    assert truncated[0]["parts_total_count"] > truncated[0]["parts_returned_count"] == 500
    assert full_run.stderr.count("500-part limit") == 1


def test_a_conversation_with_all_its_parts_is_not_flagged(full_run: TapOutput) -> None:
    """Intercom's count_conversation_parts includes the source message (airbytehq/airbyte#39463);
    read naively, it flags every conversation as truncated."""
    whole = [r for r in full_run.records["conversations"] if r["parts_returned_count"] < 500]
    assert len(whole) > 10
    for record in whole:
        assert record["parts_total_count"] == record["parts_returned_count"], record
        assert record["parts_truncated"] is False, record


def test_conversations_keep_their_teammates(workspace: FakeIntercom, full_run: TapOutput) -> None:
    """The real API sends `teammates.admins` (intercom/Intercom-OpenAPI#220)."""
    truth = workspace.truth().conversations
    records = [r for r in full_run.records["conversations"] if r["conversation_id"] in truth]
    for record in records:
        expected = truth[record["conversation_id"]]["teammates"]["admins"]
        assert record["teammates"] == expected, record["conversation_id"]
    assert sum(bool(record["teammates"]) for record in records) > 5


def test_each_conversation_is_followed_by_its_parts_and_tags(full_run: TapOutput) -> None:
    current = None
    written: set[str] = set()
    for message in full_run.messages:
        if message["type"] != "RECORD":
            continue
        record = message["record"]
        if message["stream"] == "conversations":
            current = record["conversation_id"]
            written.add(current)
        elif message["stream"] in ("conversation_parts", "conversation_tags"):
            assert record["conversation_id"] == current


def test_state_carries_the_sync_marker_and_ends_complete(full_run: TapOutput) -> None:
    states = full_run.states
    markers = [state["sync"] for state in states]
    assert {marker["run_id"] for marker in markers} == {markers[0]["run_id"]}
    assert all(marker["type"] == "full" for marker in markers)
    assert [marker["complete"] for marker in markers] == [False] * (len(states) - 1) + [True]
    assert full_run.messages[-1]["type"] == "STATE"
    bookmarks = states[-1]["bookmarks"]
    for stream in ("conversations", "contacts", "tickets", "companies"):
        assert bookmarks[stream]["replication_key_value"], stream


def test_stdout_is_only_singer_messages_and_the_token_never_shows(full_run: TapOutput) -> None:
    assert {m["type"] for m in full_run.messages} <= {
        "SCHEMA",
        "RECORD",
        "STATE",
        "ACTIVATE_VERSION",
    }
    assert TOKEN not in full_run.stdout
    assert TOKEN not in full_run.stderr


def test_conversation_ids_syncs_only_those(workspace: FakeIntercom, tmp_path: Path) -> None:
    chosen = sorted(workspace.truth().conversations)[:2]
    output = run_tap(tmp_path, config_for(workspace, conversation_ids=[*chosen, "999999"]))
    assert {r["conversation_id"] for r in output.records["conversations"]} == set(chosen)
    assert set(output.records) <= {"conversations", "conversation_parts", "conversation_tags"}
    assert output.states[-1]["sync"]["type"] == "conversations"
    assert "replication_key_value" not in output.states[-1]["bookmarks"].get("conversations", {})


def test_plaintext_bodies(workspace: FakeIntercom, tmp_path: Path) -> None:
    output = run_tap(tmp_path, config_for(workspace, body_format="plaintext"))
    bodies = [r["body"] for r in output.records["conversation_parts"] if r["body"]]
    assert bodies
    assert not any("<p>" in body for body in bodies)


def test_parts_alone_can_be_selected(workspace: FakeIntercom, tmp_path: Path) -> None:
    config = config_for(workspace)
    catalog = catalog_selecting(tmp_path, config, {"conversation_parts"})

    output = run_tap(tmp_path, config, None, *catalog)

    assert set(output.records) == {"conversation_parts"}
    assert output.states[-1]["bookmarks"]["conversations"]["replication_key_value"]


def test_streams_read_whole_send_activate_version_before_their_versioned_records(
    full_run: TapOutput,
) -> None:
    # The target removes (or marks) rows of an older version once the run is complete.
    activations = {
        m["stream"]: m["version"] for m in full_run.messages if m["type"] == "ACTIVATE_VERSION"
    }
    assert set(activations) == {"admins", "tags", "teams", "segments", "data_attributes"}
    for message in full_run.messages:
        if message["type"] == "RECORD" and message["stream"] in activations:
            assert message["version"] == activations[message["stream"]]
