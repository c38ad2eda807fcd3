"""What the tap and the target rely on inside singer-sdk, one test per `@final` or private member
they override or call (the list, with the reasons, is in docs/architecture.md, "What we rely on in
singer-sdk"). Each test reads the SDK's own code or objects, so an SDK release that changes one of
these fails here, naming the member, instead of silently changing a run.
"""

from __future__ import annotations

import inspect
import re
from importlib.metadata import version
from pathlib import Path

from packaging.specifiers import SpecifierSet
from singer_sdk import Stream, Tap
from singer_sdk.plugin_base import PluginBase
from singer_sdk.sinks import Sink
from singer_sdk.target_base import Target
from target_supabase.sink import ValidatingSink

ROOT = Path(__file__).resolve().parents[2]


def source(member: object) -> str:
    return inspect.getsource(member)  # type: ignore[arg-type]


def assert_in_order(text: str, *fragments: str) -> None:
    """`fragments` appear in `text`, in this order."""
    position = 0
    for fragment in fragments:
        found = text.find(fragment, position)
        assert found >= 0, f"{fragment!r} no longer follows in the SDK's code"
        position = found + len(fragment)


def test_installed_sdk_is_in_the_pinned_range() -> None:
    for plugin in ("tap-intercom", "target-supabase"):
        text = (ROOT / plugin / "pyproject.toml").read_text()
        [pin] = re.findall(r'"singer-sdk([^"]+)"', text)
        assert version("singer-sdk") in SpecifierSet(pin), plugin


# --- the target (target_supabase/target.py, sdk_bridge.py) ---


def test_listen_reads_the_lines_then_ends_the_pipe() -> None:
    """`listen` (@final) is wrapped so the connection closes however the run ends."""
    assert_in_order(source(Target.listen), "self.process_lines(", "self.process_endofpipe()")


def test_process_lines_dispatches_to_the_message_hooks() -> None:
    """`process_lines` (@final) is wrapped so any failure while reading reaches the sync log; the
    hooks it calls are the ones target.py overrides."""
    text = source(Target.process_lines)
    for kind in ("schema", "record", "state", "activate_version", "batch"):
        assert f"self._process_{kind}_message" in text


def test_env_var_config_is_read_in_init() -> None:
    """`_env_var_config` is replaced so `number` settings from the environment are numbers."""
    assert_in_order(source(PluginBase.__init__), "if parse_env_config:", "self._env_var_config")


def test_validate_config_is_called_by_init() -> None:
    """`_validate_config` is wrapped so validation messages carry no secret."""
    assert "self._validate_config(raise_errors=validate_config)" in source(PluginBase.__init__)


def test_termination_signals_go_to_handle_termination() -> None:
    """`_handle_termination` raises instead of draining inside a signal handler."""
    text = source(PluginBase._setup_signal_handlers)
    assert "signal.SIGINT, self._handle_termination" in text
    assert "signal.SIGTERM, self._handle_termination" in text


def test_drain_all_runs_only_from_record_age_and_end_of_pipe() -> None:
    """The target never calls `drain_all` (it would print state before rows are committed): it
    overrides every place the SDK calls it from."""
    text = source(Target)
    callers = re.findall(
        r"def (\w+)\([^)]*\)[^:]*:(?:(?!\n    def ).)*?self\.drain_all\(", text, re.S
    )
    overridden = ["_handle_max_record_age", "_handle_termination", "process_endofpipe"]
    assert sorted(set(callers)) == overridden


def test_add_sink_builds_sinks_with_keyword_arguments() -> None:
    """`add_sink` (@final) calls `get_sink_class(stream_name=...)` and the class with keyword
    arguments: get_sink_class returns a factory with the run bound (`partial(..., run=run)`)."""
    assert_in_order(
        source(Target.add_sink),
        "self.get_sink_class(stream_name=stream_name)",
        "target=self",
        "stream_name=stream_name",
        "schema=schema",
        "key_properties=key_properties",
        "sink.setup()",
        "self._sinks_active[stream_name] = sink",
    )


def test_sinks_live_in_sinks_active_and_sinks_to_clear() -> None:
    """sdk_bridge.SinkRegistry reads the run's sinks from these two attributes."""
    text = source(Target.get_sink)
    assert "self._sinks_to_clear.append(self._sinks_active.pop(stream_name))" in text


def test_drain_one_skips_an_empty_sink_and_processes_a_batch() -> None:
    """`drain_one` (@final): the run flushes a sink itself when `current_size` is 0 (a batch of
    set-aside rows only), because drain_one returns at once then."""
    assert_in_order(
        source(Target.drain_one),
        "if sink.current_size == 0:",
        "return",
        "sink.start_drain()",
        "sink.process_batch(draining_status)",
        "sink.mark_drained()",
    )


def test_record_path_steps_are_the_sdks() -> None:
    """sdk_bridge.PlainRecords repeats the SDK's record loop minus the steps this target's sinks
    leave as the SDK's no-ops; if the SDK adds or reorders a step, this fails."""
    assert_in_order(
        source(Target._process_record_message),
        "sink._remove_sdc_metadata_from_record(transformed_record)",
        "sink._validate_and_parse(transformed_record)",
        "sink.preprocess_record(transformed_record, context)",
        "sink._singer_validate_message(transformed_record)",
        "sink.tally_record_read()",
        "sink.process_record(transformed_record, context)",
        "sink.record_counter_metric.increment()",
        "sink._after_process_record(context)",
        "if sink.is_full:",
    )
    # The steps PlainRecords leaves out do nothing in this target's sinks.
    assert ValidatingSink.preprocess_record is Sink.preprocess_record
    assert ValidatingSink._after_process_record is Sink._after_process_record
    assert "return record" in source(Sink.preprocess_record)


def test_sink_validation_hooks_keep_their_signatures() -> None:
    """ValidatingSink replaces `_validate_and_parse` and `_singer_validate_message` (rejection
    instead of failure)."""
    for name in ("_validate_and_parse", "_singer_validate_message"):
        ours = inspect.signature(getattr(ValidatingSink, name))
        theirs = inspect.signature(getattr(Sink, name))
        assert list(ours.parameters) == list(theirs.parameters), name


def test_message_hooks_take_the_message() -> None:
    for kind in ("schema", "record", "state", "activate_version", "batch"):
        hook = getattr(Target, f"_process_{kind}_message")
        assert list(inspect.signature(hook).parameters) == ["self", "message_dict"], kind
    assert list(inspect.signature(Target._write_state_message).parameters) == ["self", "state"]


# --- the tap (tap_intercom/tap.py, streams/) ---


def test_sync_all_writes_the_state_it_holds() -> None:
    """`sync_all` (@final) is extended: the `sync` marker set in `self.state` before it runs is
    in every STATE it writes, and the final STATE follows."""
    assert_in_order(source(Tap.sync_all), "self._state_writer.write_state(self.state)")
    assert_in_order(source(Tap.sync_all), "stream.sync()")


def test_run_connection_test_is_a_dry_run() -> None:
    """`run_connection_test` (@final) is extended with the access table first."""
    assert "self.run_sync_dry_run(" in source(Tap.run_connection_test)


def test_streams_write_pending_state_with_write_state_message() -> None:
    """Streams call the SDK's `_write_state_message()` to write a checkpoint themselves."""
    assert list(inspect.signature(Stream._write_state_message).parameters) == ["self"]
