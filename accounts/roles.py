"""Roles are held in programmes (programmes.models.ProgrammeRole): programme
admin of X, facilitator in X. Here, the questions every layer may ask
without knowing programmes: does this person hold the role *somewhere*
(the two-factor rule, the header). The authentication backend
(programmes/backends.py) answers them from the person's programme roles as
the permissions below; which groups a role opens is asked per programme
(programmes.access, groups.access).

Every verified person is a practitioner.
"""

FACILITATOR = "facilitator"
PROGRAMME_ADMIN = "programme_admin"


def is_facilitator(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.facilitate_groups")


def is_programme_admin(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.manage_programme")
