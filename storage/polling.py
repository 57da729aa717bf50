"""A source's HTTP validators (ETag, Last-Modified), kept apart from its poll timing.

They are written only after the documents a poll brought are stored, so a crash or a
failed store never turns the next poll into a 304 that silently skips them.
"""

from __future__ import annotations

from sqlalchemy import Engine, update

from models.tables import Source
from storage.db import session_scope


def save_validators(engine: Engine, source_id: int, etag: str | None,
                    last_modified: str | None) -> None:
    with session_scope(engine) as s:
        s.execute(update(Source).where(Source.id == source_id)
                  .values(etag=etag, last_modified=last_modified))
