"""`python -m intercom_bench.loadgen URL TOKEN CONNECTIONS WARMUP SECONDS ID...`: a plain load
generator for the fake's own ceiling (fake_ceiling.py). Each connection is one thread with one
keep-alive HTTP/1.1 connection asking for conversation details back to back; it prints
{"requests": answered, "seconds": elapsed, "errors": failed} as JSON, counting only the answers
after the first WARMUP seconds (the first round trip answers nothing yet). Runs in a process of its
own, so that it does not share the fake's interpreter lock."""

from __future__ import annotations

import http.client
import itertools
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def hammer(
    url: str, token: str, ids: list[str], window: tuple[float, float], counts: list[int]
) -> None:
    counting_from, deadline = window
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    headers = {"Authorization": f"Bearer {token}", "Intercom-Version": "2.16"}
    connection = http.client.HTTPConnection(host, parts.port, timeout=30)
    for conversation_id in itertools.cycle(ids):
        if time.monotonic() >= deadline:
            return
        try:
            connection.request("GET", f"/conversations/{conversation_id}", headers=headers)
            response = connection.getresponse()
            response.read()
            if time.monotonic() >= counting_from:
                counts[0 if response.status == 200 else 1] += 1
        except (OSError, http.client.HTTPException):
            counts[1] += 1
            connection.close()
            connection = http.client.HTTPConnection(host, parts.port, timeout=30)


def main(argv: list[str]) -> int:
    url, token, connections, warmup, seconds, *ids = argv
    started = time.monotonic()
    window = (started + float(warmup), started + float(warmup) + float(seconds))
    counts = [[0, 0] for _ in range(int(connections))]
    threads = [
        threading.Thread(target=hammer, args=(url, token, ids[n::2] or ids, window, counts[n]))
        for n in range(int(connections))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - window[0]
    answered, errors = sum(c[0] for c in counts), sum(c[1] for c in counts)
    print(json.dumps({"requests": answered, "seconds": elapsed, "errors": errors}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
