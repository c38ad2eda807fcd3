"""A fake Intercom REST API (versions 2.14-2.16) for tests, the demo and benchmarks.

from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec, FaultSpec

with FakeIntercom(WorkspaceSpec(seed=7, conversations=60)) as fake:
    requests.get(f"{fake.url}/me", headers={"Authorization": f"Bearer {fake.token}"})
"""

from .clock import VirtualClock
from .config import FAULT_KINDS, FaultSpec, OutageSpec, WorkspaceSpec
from .mutations import MutationSummary
from .server import FakeIntercom
from .workspace import Truth

__all__ = [
    "FAULT_KINDS",
    "FakeIntercom",
    "FaultSpec",
    "MutationSummary",
    "OutageSpec",
    "Truth",
    "VirtualClock",
    "WorkspaceSpec",
]
