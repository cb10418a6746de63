from email import message_from_bytes
from pathlib import Path

from django.core.mail import EmailMultiAlternatives

from core.mail import OutboxEmailBackend


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
