from email import message_from_bytes
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from core.mail import OutboxEmailBackend, SmtpEmailBackend


def test_each_message_becomes_one_readable_eml_file(tmp_path):
    backend = OutboxEmailBackend(file_path=str(tmp_path))
    messages = [
        EmailMultiAlternatives("Hello", "Plain body", "from@nhs.net", [f"person{i}@nhs.net"]) for i in range(3)
    ]
    assert backend.send_messages(messages) == 3
    files = sorted(Path(tmp_path).glob("*.eml"))
    assert len(files) == 3
    parsed = message_from_bytes(files[0].read_bytes())
    assert parsed["Subject"] == "Hello"
    assert parsed["To"] == "person0@nhs.net"


ADDRESSES = [
    "person@nhs.net", "first.last+tag@trust.nhs.uk", "o'neil@nhs.net", "a_b-c@sub-domain.nhs.uk",
    "Staff peer support <no-reply@localhost>", "webmaster", '"quoted name"@nhs.net', "Anne <anne@nhs.net>",
    "person@bücher.example", "Zoë <zoe@nhs.net>",
]
INVALID = ["a..b@nhs.net", "person@nhs.net\r\nBcc: x@evil.example", "one@nhs.net, two@nhs.net", "@nhs.net",
           "pérson@nhs.net"]


@pytest.fixture
def backends(settings):
    """(Django's SMTP backend, ours), neither connected."""
    options = {"host": "127.0.0.1", "port": 1, "username": "", "password": "", "use_tls": False}
    settings.MAILERS = {"django": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options},
                        "ours": {"BACKEND": "core.mail.SmtpEmailBackend", "OPTIONS": options}}
    return mail.mailers["django"], mail.mailers["ours"]


@pytest.mark.parametrize("address", ADDRESSES)
def test_the_smtp_backend_prepares_each_address_as_djangos_does(address, backends):
    django_backend, backend = backends
    expected = django_backend.prep_address(address)
    assert isinstance(backend, SmtpEmailBackend)
    assert backend.prep_address(address) == expected
    assert backend.prep_address(address) == expected  # and again, from what it kept


@pytest.mark.parametrize("address", INVALID)
def test_the_smtp_backend_refuses_what_djangos_refuses(address, backends):
    for backend in backends:
        with pytest.raises(ValueError, match="Invalid address"):
            backend.prep_address(address)
