from django.contrib import admin

from rooms.models import Room


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    """Room controls only. Presence (who came) is not listed: attendance is
    seen through sign-ups, and rooms hold no content to show."""

    list_display = ("session", "opened_at", "closed_at", "locked", "lobby_enabled")
    raw_id_fields = ("session",)

