"""Errors that services raise and every interface turns into a clear message.

A service never returns half a result: it raises one of these before it writes anything, or inside
its transaction so that nothing it wrote survives. The `code` is stable (clients switch on it); the
`detail` is for a person.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    file: str = ""
    row: int | None = None
    column: str = ""

    def where(self) -> str:
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class DomainError(Exception):
    """A request the plant's rules refuse; `status` is the HTTP status the API answers with."""

    detail: str
    code: str = "invalid"
    status: int = 400
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return self.detail


class ValidationFailed(DomainError):
    def __init__(self, detail: str, problems: list[Problem] | None = None, code: str = "invalid"):
        super().__init__(detail=detail, code=code, status=400, problems=problems or [])


class NotFound(DomainError):
    def __init__(self, detail: str, code: str = "not_found"):
        super().__init__(detail=detail, code=code, status=404)


class Conflict(DomainError):
    def __init__(self, detail: str, code: str = "conflict"):
        super().__init__(detail=detail, code=code, status=409)


class Forbidden(DomainError):
    def __init__(self, detail: str = "Your role does not allow this.", code: str = "forbidden"):
        super().__init__(detail=detail, code=code, status=403)
