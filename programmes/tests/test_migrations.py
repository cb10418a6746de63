"""Existing installations become one default programme: their groups join
it, and people who held the facilitator and programme admin roles through
auth groups hold them in it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("programmes", "0001_initial"), ("groups", "0005_archive_undo"), ("accounts", "0002_roles")]
AFTER = [("programmes", "0002_default_programme"), ("groups", "0006_peergroup_programme")]


@pytest.mark.django_db(transaction=True)
def test_existing_groups_and_roles_move_into_the_default_programme():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User, AuthGroup = old.get_model("accounts", "User"), old.get_model("auth", "Group")
    PeerGroup = old.get_model("groups", "PeerGroup")
    ruth = User.objects.create(email="ruth@nhs.net")
    priya = User.objects.create(email="priya@nhs.net")
    AuthGroup.objects.get_or_create(name="Facilitators")[0].user_set.add(ruth)
    AuthGroup.objects.get_or_create(name="Programme admins")[0].user_set.add(priya)
    group = PeerGroup.objects.create(code="oldgroup", title="Old", format="reflective", description="d",
                                     membership="open", capacity=8, duration_minutes=60)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        Programme, ProgrammeRole = new.get_model("programmes", "Programme"), new.get_model("programmes",
                                                                                              "ProgrammeRole")
        default = Programme.objects.get(is_default=True)
        assert default.all_nhs_staff
        assert new.get_model("groups", "PeerGroup").objects.get(pk=group.pk).programme_id == default.pk
        assert set(ProgrammeRole.objects.values_list("user__email", "role", "programme")) == {
            ("ruth@nhs.net", "facilitator", default.pk), ("priya@nhs.net", "programme_admin", default.pk)}
        assert not new.get_model("auth", "Group").objects.filter(name__in=["Facilitators",
                                                                           "Programme admins"]).exists()
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_need_help_entries_get_a_public_code_each():
    before, after = [("programmes", "0002_default_programme")], [("programmes", "0003_organisations_signpost_codes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    programme = old.get_model("programmes", "Programme").objects.create(code="trustcode", name="Trust")
    Signpost = old.get_model("programmes", "Signpost")
    for n in range(3):
        Signpost.objects.create(programme=programme, name=f"Entry {n}", detail="Call us")
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        codes = list(new.get_model("programmes", "Signpost").objects.values_list("code", flat=True))
        assert len(set(codes)) == 3
        assert all(code and len(code) <= 16 for code in codes)
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
