"""What can go wrong talking to Intercom, as exceptions that carry endpoint, status, request_id."""

from __future__ import annotations


class IntercomError(Exception):
    """Base class: a failed request, described without any secret."""

    def __init__(
        self, message: str, *, endpoint: str, status: int | None, request_id: str | None
    ) -> None:
        details = f"{endpoint}: HTTP {status if status is not None else 'n/a'}"
        if request_id:
            details += f", request_id {request_id}"
        super().__init__(f"{message} ({details})")
        self.endpoint = endpoint
        self.status = status
        self.request_id = request_id


class IntercomAuthError(IntercomError):
    """401/403: retrying will not help."""


class IntercomNotFoundError(IntercomError):
    """404: the object is gone (or the path is wrong)."""


class IntercomRequestError(IntercomError):
    """Any other failure after the last retry, or a 4xx that retrying cannot fix."""


class RetriableError(Exception):
    """A failure worth another try: 5xx, timeouts, connection errors, truncated JSON."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        request_id: str | None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.request_id = request_id
        self.retry_after = retry_after  # seconds, when the server sent Retry-After


class IntercomPermissionError(IntercomAuthError):
    """401 `token_unauthorized`: a valid token without the permission this endpoint needs.

    Intercom answers "Not authorized to access resource" on that endpoint only, while `/me` and
    the others work (intercom/intercom-php#189, intercom/intercom-ruby#364,
    airbytehq/airbyte#64110 for tickets). A bad token answers 401 `unauthorized` everywhere.
    """


class StreamUnavailableError(Exception):
    """A stream the tap cannot read this run: it is skipped and reported, or fails the run when
    `on_stream_unavailable` is `fail`. `reason` and `hint` are human text without any secret."""

    def __init__(self, stream: str, reason: str, hint: str) -> None:
        self.stream = stream
        self.reason = reason.rstrip(". ")
        self.hint = hint.rstrip(". ")
        super().__init__(f"stream {stream} cannot be read: {self.summary}")

    @property
    def summary(self) -> str:
        """What the sync marker's `skipped_streams` says about this stream."""
        return f"{self.reason}. {self.hint[:1].upper()}{self.hint[1:]}."
