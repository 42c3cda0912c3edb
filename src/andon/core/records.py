"""Input handling shared by the master-data services.

The API, the forms and imports all hand services a mapping of field values. These helpers make
sure every caller gets the same answer to the same mistake: an unknown field, or a reference to a
record that does not exist, is a `ValidationFailed` naming the field, never a 500.
"""

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from django.db import models

from andon.core.errors import NotFound, Problem, ValidationFailed

M = TypeVar("M", bound=models.Model)

# The field each referenced model is known by outside the database.
NATURAL_KEYS: dict[str, str] = {"catalog.item": "sku"}


def natural_key(model: type[models.Model]) -> str:
    return NATURAL_KEYS.get(model._meta.label_lower, "code")


def find(model: type[M], key: str) -> M:
    """The record known by `key` (its code, or SKU for items); NotFound (404) otherwise."""
    name = natural_key(model)
    found = model._default_manager.filter(**{name: key}).first()
    if found is None:
        raise NotFound(f"No {model._meta.verbose_name} with {name} {key!r}.")
    return found


def reference(model: type[M], value: Any, column: str) -> M | None:
    """Resolve a reference given as a record or its key; unknown keys are a located problem."""
    if value is None or value == "" or isinstance(value, model):
        return value or None
    name = natural_key(model)
    found = model._default_manager.filter(**{name: str(value)}).first()
    if found is None:
        label = model._meta.verbose_name
        raise ValidationFailed(
            f"There is no {label} with {name} {value!r}.",
            [Problem(message=f"Unknown {label} {value!r}.", column=column)],
            code=f"unknown_{model._meta.model_name}",
        )
    return found


def field_values(
    model: type[models.Model], data: Mapping[str, Any], allowed: Collection[str]
) -> dict[str, Any]:
    """Check the field names in `data` and resolve foreign keys given by their code."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationFailed(
            f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
            [Problem(message="Unknown field.", column=name) for name in unknown],
            code="unknown_field",
        )
    values: dict[str, Any] = {}
    for name, value in data.items():
        field = model._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            values[name] = reference(field.related_model, value, name)
        else:
            values[name] = value
    return values
