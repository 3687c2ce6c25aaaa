"""An inverted index of search terms, the same on SQLite and PostgreSQL.

Japanese has no spaces, so LIKE on raw text neither finds 防災 inside 防災アプリ reliably nor
stays fast at tens of thousands of rows. Each document's words (SudachiPy, normalised forms)
and its facets (category, prefecture) are stored as rows here; a search is an indexed lookup.
"""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from govtech.models.base import Base


class SearchTerm(Base):
    __tablename__ = "search_term"

    entity_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    entity_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
