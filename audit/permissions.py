from partners.models import Role
from partners.permissions import AnyUser, has_role


def can_read_audit_trail(user: AnyUser) -> bool:
    """The programme director reads the audit trail (and a superuser, for the system's keeper)."""
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.DIRECTOR))
