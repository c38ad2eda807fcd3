"""Run the singer-io tap-intercom (unmodified, from its own virtualenv) against the fake Intercom.

Its client fixes the base URL (`IntercomClient.__init__` sets `self.base_url =
'https://api.intercom.io'`) and the API version (module constant `API_VERSION = '2.12'`, which
the fake does not serve: it serves 2.14-2.16). This launcher points both at the fake, then calls
the tap's own `main()` with the command-line arguments it was given. Nothing else is changed.

    INTERCOM_BENCH_BASE_URL=http://127.0.0.1:PORT python singerio_launcher.py --config c.json ...
"""

from __future__ import annotations

import os

from tap_intercom import client, main

BASE_URL = os.environ["INTERCOM_BENCH_BASE_URL"]
API_VERSION = os.environ.get("INTERCOM_BENCH_API_VERSION", "2.14")

_original_init = client.IntercomClient.__init__


def _init_against_fake(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self.base_url = BASE_URL


client.IntercomClient.__init__ = _init_against_fake
client.API_VERSION = API_VERSION

if __name__ == "__main__":
    main()
