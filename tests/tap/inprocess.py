"""Run the tap inside the test process, on a virtual clock shared with the fake.

For waits of minutes (an outage, a scroll held by someone else) that a test must not sleep
through: the tap's every wait advances the clock instead. Output is what the tap wrote to stdout.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from dataclasses import dataclass
from typing import Any

from intercom_sandbox.fake import FakeIntercom, VirtualClock
from tap_intercom.tap import TapIntercom
from taprun import TapOutput, parse_messages


@dataclass
class InProcessRun:
    output: TapOutput
    error: BaseException | None


def run_in_process(
    fake: FakeIntercom,
    clock: VirtualClock,
    *,
    streams: set[str] | None = None,
    state: dict[str, Any] | None = None,
    **settings: Any,
) -> InProcessRun:
    config = {"access_token": fake.token, "api_url": fake.url, "max_workers": 4, **settings}
    catalog = _selecting(TapIntercom(config=config), streams) if streams else None
    tap = TapIntercom(config=config, catalog=catalog, state=state)
    tap.clock = clock
    stdout = io.StringIO()
    error: BaseException | None = None
    with redirect_stdout(stdout):
        try:
            tap.sync_all()
        except Exception as raised:  # the CLI would print it and exit 1
            error = raised
    text = stdout.getvalue()
    return InProcessRun(TapOutput(parse_messages(text), text, "", 0 if error is None else 1), error)


def _selecting(tap: TapIntercom, streams: set[str]) -> dict[str, Any]:
    catalog: dict[str, Any] = json.loads(json.dumps(tap.catalog_dict))
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = entry["tap_stream_id"] in streams
    return catalog
