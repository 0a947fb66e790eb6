"""The session the licence services take: a plain one, or the app's scoped session."""

from __future__ import annotations

from typing import Any, TypeAlias

from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import scoped_session

Session: TypeAlias = OrmSession | scoped_session[Any]
