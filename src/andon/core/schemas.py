"""Types shared by every API schema.

`Timestamp` accepts what a plant's clocks and integrations can mean: a UTC offset within ±14 hours
(the widest in use) and a year from 1900 to 9998. Python would take more (offsets up to ±24 hours,
year 9999 that overflows once converted to UTC), and PostgreSQL would then fail with a server
error; here it is a 422 that says why.
"""

import datetime as dt
from typing import Annotated, Any

from ninja import FilterLookup
from pydantic import AfterValidator

MAX_OFFSET = dt.timedelta(hours=14)


def _plausible(value: dt.datetime) -> dt.datetime:
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise ValueError("the UTC offset must be within ±14:00")
    if not 1900 <= value.year <= 9998:
        raise ValueError("the year must be between 1900 and 9998")
    return value


Timestamp = Annotated[dt.datetime, AfterValidator(_plausible)]

CodeOrName = Annotated[str | None, FilterLookup(["code__icontains", "name__icontains"])]
"""The `q` filter of master data known by a code and a name: part of either."""


def related(path: str) -> Any:
    """A resolver for a field read through a link that may be empty (`"shift.code"`): None then.

    A link that is always there needs none: `Field(alias="item.sku")` lets ninja follow it.
    """
    names = path.split(".")

    def resolve(obj: Any) -> Any:
        for name in names:
            obj = getattr(obj, name)
            if obj is None:
                return None
        return obj

    return staticmethod(resolve)
