import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from accounts.choices import CareerStage, Profession, Region


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


def new_name_code() -> str:
    return secrets.token_urlsafe(16)


class User(AbstractUser):
    """A person. Their email signs them in; others only see `display_name`."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True, max_length=254)

    display_name = models.CharField(max_length=40, blank=True)
    # Random, never shown: a short tag derived from it tells apart two people
    # with the same display name (accounts.selectors.public_name).
    name_code = models.CharField(max_length=24, default=new_name_code, editable=False)
    profession = models.CharField(max_length=20, choices=Profession.choices, blank=True)
    career_stage = models.CharField(max_length=20, choices=CareerStage.choices, blank=True)
    region = models.CharField(max_length=20, choices=Region.choices, blank=True)
    organisation = models.CharField(max_length=120, blank=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        permissions = [
            ("facilitate_groups", "Can create and run peer-support groups"),
            ("manage_programme", "Can see every group and participation reports"),
        ]

    def __str__(self) -> str:
        return self.display_name or f"Person {self.pk}"

    @property
    def is_onboarded(self) -> bool:
        return self.onboarded_at is not None
