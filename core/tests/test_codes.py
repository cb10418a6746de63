import pytest
from django.urls import Resolver404, resolve

from core.codes import is_public_code, new_code


def test_new_codes_are_public_codes_and_differ():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(is_public_code(code) and len(code) == 12 for code in codes)


@pytest.mark.parametrize("value", ["", "a\x00b", "x" * 17, "ab/cd", "ab cd", "é", None, 12, b"abc"])
def test_anything_else_is_not_a_code(value):
    assert not is_public_code(value)


@pytest.mark.parametrize("path", ["/groups/a%00b/", "/sessions/" + "x" * 17 + "/", "/rooms/a.b/",
                                  "/notifications/%C3%A9/read/", "/calendar/" + "x" * 65 + ".ics"])
def test_urls_refuse_what_is_not_a_code_before_any_view(path):
    with pytest.raises(Resolver404):
        resolve(path)
