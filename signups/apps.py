from django.apps import AppConfig


class SignupsConfig(AppConfig):
    name = "signups"
    verbose_name = "Sign-ups: bookings, memberships, attendance and feedback"

    def ready(self) -> None:
        from groups import signals as group_signals
        from signups import receivers

        group_signals.sessions_materialised.connect(
            receivers.give_members_places, dispatch_uid="signups.give_members_places"
        )
        group_signals.capacity_changed.connect(receivers.promote_waiting, dispatch_uid="signups.promote_waiting")
