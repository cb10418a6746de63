"""The message schema alone, including properties over arbitrary input."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rooms import protocol
from rooms.protocol import ProtocolError, TokenBucket, parse


def test_it_keeps_only_known_fields():
    assert parse('{"type": "chat", "text": "hi", "extra": 1}') == {"type": "chat", "text": "hi"}


def test_an_optional_field_is_kept_only_when_sent_and_checked_when_it_is():
    assert parse('{"type": "video_join"}') == {"type": "video_join"}
    assert parse('{"type": "video_join", "receive": "low"}') == {"type": "video_join", "receive": "low"}
    for wrong in ('"ultra"', "null", "1", '["high"]', "true"):
        with pytest.raises(ProtocolError) as refused:
            parse(f'{{"type": "video_join", "receive": {wrong}}}')
        assert refused.value.code == "invalid"


def test_facilitator_controls_need_a_facilitator():
    raw = json.dumps({"type": "lock", "locked": True})
    with pytest.raises(ProtocolError) as refused:
        parse(raw)
    assert refused.value.code == "forbidden"
    assert parse(raw, is_facilitator=True) == {"type": "lock", "locked": True}


def test_a_signal_carries_only_a_description_or_a_candidate():
    offer = parse(json.dumps({"type": "signal", "to": "abc", "kind": "offer",
                              "data": {"type": "offer", "sdp": "v=0", "evil": "x"}}))
    assert offer["data"] == {"type": "offer", "sdp": "v=0"}
    candidate = parse(json.dumps({"type": "signal", "to": "abc", "kind": "candidate",
                                  "data": {"candidate": "c", "sdpMid": "0", "sdpMLineIndex": 0}}))
    assert candidate["data"] == {"candidate": "c", "sdpMid": "0", "sdpMLineIndex": 0}
    with pytest.raises(ProtocolError):
        parse(json.dumps({"type": "signal", "to": "abc", "kind": "offer", "data": {"sdpMLineIndex": True}}))


def test_a_bool_is_not_a_number_and_a_number_is_not_a_bool():
    with pytest.raises(ProtocolError):
        parse('{"type": "hand", "raised": 1}')
    with pytest.raises(ProtocolError):
        parse(json.dumps({"type": "signal", "to": "a", "kind": "candidate",
                          "data": {"candidate": "c", "sdpMLineIndex": True}}))


def test_error_messages_never_quote_the_input():
    secret = "a private thing " * 80
    with pytest.raises(ProtocolError) as refused:
        parse(json.dumps({"type": "chat", "text": secret}))
    assert "private" not in str(refused.value)


def test_deeply_nested_json_is_refused_not_crashed():
    with pytest.raises(ProtocolError):
        parse("[" * 5000 + "]" * 5000)


def test_the_token_bucket_refills_over_time():
    bucket = TokenBucket(capacity=2, rate=1.0, now=0.0)
    assert bucket.take(0.0)
    assert bucket.take(0.0)
    assert not bucket.take(0.5)
    assert bucket.take(1.6)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from([*protocol.TYPES, "other"]), fields=st.dictionaries(
    st.sampled_from(["text", "raised", "participant", "to", "kind", "data", "locked", "enabled", "audio", "video",
                     "receive"]),
    json_values | st.sampled_from(["high", "low", "audio"]), max_size=6))
def test_any_message_is_either_clean_or_refused(kind, fields):
    raw = json.dumps({"type": kind, **fields})
    try:
        message = parse(raw, is_facilitator=True)
    except ProtocolError as error:
        refused = error.code
    else:
        refused = None
        spec = protocol.TYPES[kind]
        assert set(message) == {"type", *spec.fields, *(name for name in spec.optional if name in fields)}
    assert refused in {None, "invalid", "too_long", "too_large", "unknown_type"}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300) | st.binary(max_size=50))
def test_any_text_is_either_a_message_or_refused(raw):
    try:
        parse(raw)
    except ProtocolError:
        pass


# Any code point, lone surrogates included (hypothesis's characters() never gives them).
any_text = st.lists(st.characters() | st.integers(0xD800, 0xDFFF).map(chr), max_size=40).map("".join)
REFUSALS = {"invalid", "too_long", "too_large", "unknown_type", "forbidden"}


def _refusal_or_relay(raw, *, is_facilitator: bool = True) -> str | None:
    """The refusal's code; or, for a message, None once it has gone where the
    room sends it: through the channel layer (channels_redis packs it with
    msgpack as UTF-8) and out as JSON text."""
    import msgpack

    try:
        message = parse(raw, is_facilitator=is_facilitator)
    except ProtocolError as error:
        return error.code
    msgpack.packb(message, use_bin_type=True)
    json.dumps(message, ensure_ascii=False).encode("utf-8")
    return None


@pytest.mark.parametrize("raw", [
    '{"type": "chat", "text": "\ud800"}',  # a lone surrogate in the text itself
    '{"type": "chat", "text": "\\ud800"}',  # the same as a JSON escape
    '{"type": "chat", "text": "a\\udc00b"}',
    '{"type": "chat", "text": "\\ud83d\\ud83d"}',  # two high halves are no pair
    '{"type": "signal", "to": "abc", "kind": "offer", "data": {"type": "offer", "sdp": "\\ud800"}}',
    '{"type": "signal", "to": "abc", "kind": "candidate", "data": {"candidate": "\\udfff"}}',
    '{"type": "ping", "\\ud800": 1}',
])
def test_a_lone_surrogate_is_invalid(raw):
    with pytest.raises(ProtocolError) as refused:
        parse(raw, is_facilitator=True)
    assert refused.value.code == "invalid"


def test_a_surrogate_pair_is_a_character_like_any_other():
    assert parse('{"type": "chat", "text": "\\ud83d\\ude00"}')["text"] == "\U0001f600"


@settings(max_examples=200, deadline=None)
@given(text=any_text, escaped=st.booleans())
def test_any_chat_text_is_either_relayable_or_refused_as_invalid(text, escaped):
    raw = json.dumps({"type": "chat", "text": text}, ensure_ascii=escaped)
    assert _refusal_or_relay(raw, is_facilitator=False) in {None, "invalid", "too_long"}


@settings(max_examples=200, deadline=None)
@given(raw=any_text | st.binary(max_size=50), facilitator=st.booleans())
def test_any_frame_is_either_a_relayable_message_or_a_known_refusal(raw, facilitator):
    assert _refusal_or_relay(raw, is_facilitator=facilitator) in {None, *REFUSALS}


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(list(protocol.TYPES)), fields=st.dictionaries(
    st.sampled_from(["text", "raised", "participant", "to", "kind", "data", "locked", "enabled", "audio", "video"]),
    st.recursive(any_text | st.booleans() | st.integers(),
                 lambda children: st.dictionaries(any_text, children, max_size=3), max_leaves=6),
    max_size=6))
def test_any_message_with_any_text_is_relayable_or_refused(kind, fields):
    assert _refusal_or_relay(json.dumps({"type": kind, **fields})) in {None, *REFUSALS}


def test_deeply_nested_text_is_checked_without_recursing():
    raw = '{"type": "ping", "pad": ' + "[" * 900 + '"\\ud800"' + "]" * 900 + "}"
    with pytest.raises(ProtocolError) as refused:
        parse(raw)
    assert refused.value.code == "invalid"
