"""Domain errors: services raise them, views and error handlers turn them into messages."""


class DomainError(Exception):
    """A rule was broken; `message` is already translated for the user."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class InvalidTransition(DomainError):
    status = 409


class ConcurrentChange(DomainError):
    """Someone else changed the record since the form was opened."""

    status = 409
