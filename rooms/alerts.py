""""I need support" alerts of a live room, for its facilitators: kept in the
room's live state (the cache, shared by every server process) so a
facilitator who reloads still sees them, never in the database, and gone
when the room ends. One entry per person: asking again updates it; a
facilitator who has seen it ("Seen — I'll follow up") takes it off for
every facilitator."""

from django.core.cache import cache

KEY = "rooms:support:{code}"


async def support_alert_add(*, code: str, participant: str, name: str, at: str, ttl: int) -> dict:
    key = KEY.format(code=code)
    alerts: dict[str, dict] = await cache.aget(key) or {}
    entry = alerts.get(participant) or {"participant": participant, "first_at": at, "count": 0}
    entry = {**entry, "name": name, "at": at, "count": entry["count"] + 1}
    alerts.pop(participant, None)
    alerts[participant] = entry  # the latest last
    await cache.aset(key, alerts, timeout=max(ttl, 60))
    return entry


async def support_alert_dismiss(*, code: str, participant: str, ttl: int) -> bool:
    """Take one person's alert off; False if there was none (already seen
    by another facilitator, or the code is nobody's)."""
    key = KEY.format(code=code)
    alerts: dict[str, dict] = await cache.aget(key) or {}
    if alerts.pop(participant, None) is None:
        return False
    if alerts:
        await cache.aset(key, alerts, timeout=max(ttl, 60))
    else:
        await cache.adelete(key)
    return True


async def support_alerts(*, code: str) -> list[dict]:
    return list((await cache.aget(KEY.format(code=code)) or {}).values())


async def support_alerts_clear(*, code: str) -> None:
    await cache.adelete(KEY.format(code=code))
