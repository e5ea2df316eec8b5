"""Domain errors: problems a user can cause, each with a message fit to show them."""


class PortalError(Exception):
    """Base of every error whose message is safe to show to the user (no PII, no internals)."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(PortalError):
    status_code = 404


class Refused(PortalError):
    """A rule said no (a gate, a cap, a lock-out); the message says which and why."""

    status_code = 409
