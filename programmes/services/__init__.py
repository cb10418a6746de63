"""Everything in programmes that writes. Split by feature; import from here.

- roles: who holds which role, invitations (roles.py);
- the programmes themselves: creating them, their details, who may join,
  their "Need help now?" entries (programmes.py).
"""

from programmes.services.programmes import (
    programme_create,
    programme_update,
    signpost_add,
    signpost_move,
    signpost_remove,
    signpost_update,
)
from programmes.services.roles import (
    LAST_ADMIN,
    InvitationRefused,
    invitation_accept,
    invitation_problem,
    invitation_send,
    invitation_withdraw,
    programme_role_grant,
    programme_role_revoke,
    programme_role_revoke_by_email,
    token_hash,
)

__all__ = [
    "programme_create", "programme_update", "signpost_add", "signpost_move", "signpost_remove", "signpost_update",
    "LAST_ADMIN", "InvitationRefused", "invitation_accept", "invitation_problem", "invitation_send",
    "invitation_withdraw", "programme_role_grant", "programme_role_revoke", "programme_role_revoke_by_email",
    "token_hash",
]
