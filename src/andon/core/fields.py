"""Field conventions: quantities and money are Decimals with fixed precision everywhere."""

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models

NON_NEGATIVE = MinValueValidator(Decimal("0"))


def quantity(**kwargs: Any) -> models.DecimalField[Any, Any]:
    """A non-negative quantity in the item's unit of measure."""
    validators = kwargs.pop("validators", [NON_NEGATIVE])
    return models.DecimalField(max_digits=18, decimal_places=4, validators=validators, **kwargs)


def signed_quantity(**kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(max_digits=18, decimal_places=4, **kwargs)


def money(**kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(max_digits=16, decimal_places=4, validators=[NON_NEGATIVE], **kwargs)
