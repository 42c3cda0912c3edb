"""The registry of rule kinds: each module here watches one condition of the plant.

A kind is a `RuleKind`: a pydantic model that validates its parameters (a bad threshold is a
clear error when the rule is saved, not a failure at 3 a.m.) and a function from the database
state to the `Finding`s in that condition now. Findings carry a stable subject key so that the
same machine, order or certificate maps to the same open alert evaluation after evaluation.

Adding a kind (the quality and budget rules to come) is one module calling `register`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from andon.core.errors import Problem, ValidationFailed


class Params(BaseModel):
    """Base of every kind's parameters: unknown keys are refused, so a typo is not ignored."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Finding:
    """One subject in the watched condition: what the alert says and where the evidence is."""

    subject_key: str
    title: str
    detail: str
    evidence_url: str = ""


Evaluate = Callable[[Any, dt.datetime], list[Finding]]


@dataclass(frozen=True)
class RuleKind:
    """A kind of rule: its name, what it watches, its parameter schema and its evaluation."""

    kind: str
    label: str
    description: str
    params: type[Params]
    evaluate: Evaluate

    def validate(self, raw: dict[str, Any] | None) -> dict[str, Any]:
        """The parameters checked and completed with defaults, or ValidationFailed saying why."""
        try:
            return self.params.model_validate(raw or {}).model_dump(mode="json")
        except ValidationError as exc:
            problems = [
                Problem(message=e["msg"], column=".".join(str(p) for p in e["loc"]))
                for e in exc.errors()
            ]
            detail = "; ".join(str(p) for p in problems)
            raise ValidationFailed(
                f"Invalid parameters for {self.kind}: {detail}", problems, code="invalid_parameters"
            ) from None

    def fields(self) -> list[dict[str, Any]]:
        """The parameters as a form shows them: name, label, type, default, help."""
        out = []
        for name, info in self.params.model_fields.items():
            annotation = info.annotation
            kind = (
                "bool"
                if annotation is bool
                else "int"
                if annotation is int
                else "float"
                if annotation is float
                else "list"
                if getattr(annotation, "__origin__", None) is list
                else "str"
            )
            out.append(
                {
                    "name": name,
                    "label": name.replace("_", " ").capitalize(),
                    "type": kind,
                    "default": info.get_default(call_default_factory=True),
                    "help": info.description or "",
                }
            )
        return out


KINDS: dict[str, RuleKind] = {}


def register(kind: RuleKind) -> RuleKind:
    KINDS[kind.kind] = kind
    return kind


def get(kind: str) -> RuleKind:
    """The registered kind, or ValidationFailed naming the ones there are."""
    _load()
    if kind not in KINDS:
        raise ValidationFailed(
            f"Unknown rule kind {kind!r}; one of {', '.join(sorted(KINDS))}.", code="unknown_kind"
        )
    return KINDS[kind]


def choices() -> list[tuple[str, str]]:
    _load()
    return [(k.kind, k.label) for k in sorted(KINDS.values(), key=lambda k: k.label)]


def _load() -> None:
    """Import the kind modules once; each registers itself."""
    from andon.alerts.rules import (  # noqa: F401 (imported for registration)
        certification_expiry,
        late_order,
        machine_down,
        material_shortage,
        scrap_rate,
        staffing_gap,
    )
