"""The one pagination every API list uses: limit/offset with bounds the database can take.

Ninja's own offset is unbounded, and an offset past 2**63 makes SQLite fail with a server error;
a request that asks for it gets a 422 instead.
"""

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 10**12


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.PAGINATION_PER_PAGE, ge=1, le=settings.PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
