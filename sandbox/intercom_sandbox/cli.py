"""`intercom-sandbox`: run the sandbox's servers in the foreground.

Subcommands register themselves in SUBCOMMANDS; each adds its arguments and returns its runner.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intercom_sandbox.fake import OutageSpec

Runner = Callable[[argparse.Namespace], int]


def add_fake_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("fake", help="serve a fake Intercom API until interrupted")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1)
    for name, default in (("conversations", 500), ("contacts", 800), ("companies", 50),
                          ("tickets", 40), ("admins", 8), ("teams", 3), ("tags", 12),
                          ("segments", 4), ("huge-conversations", 2),
                          ("fully-linked-contacts", 3)):  # fmt: skip
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--timezone", default="UTC", help="the workspace timezone (IANA name)")
    parser.add_argument("--token", default="demo-token", help="the bearer token clients must send")
    parser.add_argument("--rate-limit-per-10s", type=int, default=None)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=1)
    parser.add_argument(
        "--outage",
        action="append",
        default=[],
        metavar="N:SECONDS",
        help="after the N-th request, every request fails (502/503/504) for SECONDS; repeatable",
    )
    parser.add_argument(
        "--fail-scroll-request",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="the N-th /companies/scroll request answers 500 'restart the scroll'; repeatable",
    )
    parser.add_argument(
        "--deny",
        action="append",
        default=[],
        metavar="RESOURCE",
        help="answer 401 token_unauthorized on this resource, as Intercom does for a token "
        "without its permission (e.g. tickets; repeatable)",
    )
    parser.set_defaults(run=run_fake)


def parse_outage(text: str) -> OutageSpec:
    from intercom_sandbox.fake import OutageSpec

    after, _, seconds = text.partition(":")
    try:
        return OutageSpec(after_requests=int(after), seconds=float(seconds))
    except ValueError:
        raise SystemExit(f"--outage wants N:SECONDS (e.g. 200:45), got {text!r}") from None


def run_fake(args: argparse.Namespace) -> int:
    from intercom_sandbox.fake import FakeIntercom, FaultSpec, WorkspaceSpec

    spec = WorkspaceSpec(
        seed=args.seed,
        conversations=args.conversations,
        contacts=args.contacts,
        companies=args.companies,
        tickets=args.tickets,
        admins=args.admins,
        teams=args.teams,
        tags=args.tags,
        segments=args.segments,
        huge_conversations=args.huge_conversations,
        fully_linked_contacts=args.fully_linked_contacts,
        timezone=args.timezone,
    )
    fake = FakeIntercom(
        spec,
        token=args.token,
        rate_limit_per_10s=args.rate_limit_per_10s,
        latency_ms=args.latency_ms,
        faults=FaultSpec(rate=args.fault_rate, seed=args.fault_seed),
        outages=tuple(parse_outage(text) for text in args.outage),
        failed_scroll_requests=tuple(args.fail_scroll_request),
        denied_resources=args.deny,
        host=args.host,
        port=args.port,
    )
    url = fake.start()
    print(url, flush=True)
    wait_for_interrupt()
    fake.stop()
    return 0


def wait_for_interrupt() -> None:
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()


SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [add_fake_command]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="intercom-sandbox", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for add_command in SUBCOMMANDS:
        add_command(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    runner: Runner = args.run
    return runner(args)


if __name__ == "__main__":
    raise SystemExit(main())
