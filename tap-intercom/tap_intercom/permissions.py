"""Which Developer Hub permission each stream needs, and a missing one told from a bad token.

A token without a permission gets 401 `token_unauthorized` on that endpoint only, while `/me`
works (intercom/intercom-php#189 for segments, intercom/intercom-ruby#364,
airbytehq/airbyte#64110 for tickets); a bad token gets 401 `unauthorized` everywhere, `/me`
included. So a 401 `token_unauthorized` is a missing permission only once `/me` has answered.

Permission names are the checkboxes of the app's Configure > Authentication page, as listed on
Intercom's "OAuth Scopes" page
(https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/oauth-scopes):
"Read conversations" (view conversations), "Read and list users and companies" (list and view
all segments, users and companies), "Read tags", "Read tickets", "Read admins". That page names
no permission for teams or data attributes: teams are groups of admins, data attributes describe
users and companies; those two rows are our inference, and the hint says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from tap_intercom.client import IntercomClient
from tap_intercom.errors import IntercomPermissionError, StreamUnavailableError

CONVERSATIONS = "Read conversations"
PEOPLE = "Read and list users and companies"
ADMINS = "Read admins"


@dataclass(frozen=True)
class Permission:
    name: str
    documented: bool = True  # False: not on Intercom's scopes page, inferred (module docstring)

    def grant_hint(self) -> str:
        hint = (
            f"Grant the app the “{self.name}” permission in Intercom's Developer Hub "
            "(your app > Configure > Authentication), then run again"
        )
        if not self.documented:
            hint += " (Intercom does not document which permission this endpoint needs)"
        return hint


STREAM_PERMISSIONS: dict[str, Permission] = {
    "conversations": Permission(CONVERSATIONS),
    "conversation_parts": Permission(CONVERSATIONS),
    "conversation_tags": Permission(CONVERSATIONS),
    "deleted_conversations": Permission(CONVERSATIONS),
    "contacts": Permission(PEOPLE),
    "companies": Permission(PEOPLE),
    "contact_ids_snapshot": Permission(PEOPLE),
    "company_ids_snapshot": Permission(PEOPLE),
    "segments": Permission(PEOPLE),
    "data_attributes": Permission(PEOPLE, documented=False),
    "tags": Permission("Read tags"),
    "tickets": Permission("Read tickets"),
    "admins": Permission(ADMINS),
    "teams": Permission(ADMINS, documented=False),
}


def permission_for(stream: str) -> Permission:
    return STREAM_PERMISSIONS[stream]


def missing_permission(
    stream: str, error: IntercomPermissionError, client: IntercomClient
) -> StreamUnavailableError:
    """The stream's missing permission, once `/me` proves the token itself is good; a bad token
    raises `/me`'s own error (IntercomAuthError), which fails the run as before."""
    client.get("/me")
    reason = f"Intercom refused the token on {error.endpoint} ({_answer(error)})"
    return StreamUnavailableError(stream, reason, permission_for(stream).grant_hint())


def _answer(error: IntercomPermissionError) -> str:
    answer = f"HTTP {error.status} token_unauthorized"
    return f"{answer}, request_id {error.request_id}" if error.request_id else answer
