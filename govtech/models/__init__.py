"""All models, imported in one place so Alembic and the app see the whole schema."""
from govtech.models.base import Base
from govtech.models.enums import OrgKind, OrgState, Role
from govtech.models.history import HistoryEvent
from govtech.models.organisation import Organisation
from govtech.models.user import User

__all__ = ["Base", "HistoryEvent", "OrgKind", "OrgState", "Organisation", "Role", "User"]
