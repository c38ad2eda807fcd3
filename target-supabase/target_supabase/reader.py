"""Reading Singer messages with msgspec: about four times faster than the standard library.

Numbers with a fraction or exponent become Decimal, as with the SDK's reader, so `numeric`
columns receive exactly the digits the tap wrote.
"""

from __future__ import annotations

import decimal

import msgspec
from singer_sdk.io_base import SingerReader
from singer_sdk.singerlib.exceptions import InvalidInputLine

_DECODER = msgspec.json.Decoder(float_hook=decimal.Decimal)


class FastSingerReader(SingerReader):
    def deserialize_json(self, line: str) -> dict:
        try:
            message = _DECODER.decode(line)
        except msgspec.DecodeError as exc:
            msg = f"Unable to parse line as JSON ({exc}): {line[:200]}"
            raise InvalidInputLine(msg) from None
        if not isinstance(message, dict):
            msg = f"A Singer message must be a JSON object: {line[:200]}"
            raise InvalidInputLine(msg)
        return message
