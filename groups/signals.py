"""Signals other apps listen to, so groups never imports them.

sessions_materialised(sender=PeerGroup, group, sessions): new sessions exist
    (sign-ups gives a closed group's members their standing places).
session_changed(sender=GroupSession, session, change, previous_starts_at):
    a facilitator moved ("moved") or cancelled ("cancelled") one session, or
    restoring an archived group brought a cancelled one back ("restored")
    (notifications tells everyone booked or waiting).
capacity_changed(sender=PeerGroup, group, session=None): a group's (or one
    session's) capacity was raised (sign-ups promotes people waiting).

All three are sent from `transaction.on_commit`, so receivers hear only about
saved changes and run outside the sender's transaction.
"""

from django.dispatch import Signal

sessions_materialised = Signal()
session_changed = Signal()
capacity_changed = Signal()
