"""The Meltano SDK's standard tap tests, against a small fake Intercom workspace."""

from __future__ import annotations

from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec
from singer_sdk.testing import get_tap_test_class
from tap_intercom.tap import TapIntercom

# The suite is built when this module is imported, so the fake starts here; it is a daemon
# thread on a loopback port and ends with the test process.
_FAKE = FakeIntercom(
    WorkspaceSpec(seed=3, conversations=12, contacts=10, companies=4, tickets=3), token="sdk-token"
)
_FAKE.start()
_FAKE.workspace.mutate(seed=2)  # one deleted conversation, so every stream has a record

TestTapIntercom = get_tap_test_class(
    TapIntercom,
    config={"access_token": "sdk-token", "api_url": _FAKE.url, "max_workers": 4},
)
