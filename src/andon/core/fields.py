"""Field conventions: quantities and money are Decimals with fixed precision everywhere."""

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models

QTY_DIGITS = {"max_digits": 18, "decimal_places": 4}
MONEY_DIGITS = {"max_digits": 16, "decimal_places": 4}
NON_NEGATIVE = MinValueValidator(Decimal("0"))


def quantity(**kwargs: Any) -> models.DecimalField[Any, Any]:
    """A non-negative quantity in the item's unit of measure."""
    validators = kwargs.pop("validators", [NON_NEGATIVE])
    return models.DecimalField(**QTY_DIGITS, validators=validators, **kwargs)


def signed_quantity(**kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(**QTY_DIGITS, **kwargs)


def money(**kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(**MONEY_DIGITS, validators=[NON_NEGATIVE], **kwargs)
