"""Envelope encryption: payloads only open for their own item with their dataset's key."""

from __future__ import annotations

import os

import pytest

from pii.vault import (
    NONCE_BYTES,
    VaultError,
    decrypt_payload,
    encrypt_payload,
    new_data_key,
    rewrap_key,
    unwrap_key,
    wrap_key,
)

PLAINTEXT = b'{"prompt": "Call Anna Kowalska on +48 512 345 678"}'


@pytest.fixture
def data_key() -> bytes:
    return new_data_key()


@pytest.fixture
def master_key() -> bytes:
    return os.urandom(32)


def test_when_payload_encrypted_then_it_decrypts_for_the_same_item(data_key: bytes) -> None:
    sealed = encrypt_payload(data_key, "item-1", PLAINTEXT)

    assert decrypt_payload(data_key, "item-1", sealed) == PLAINTEXT
    assert PLAINTEXT not in sealed


def test_when_ciphertext_moved_to_another_item_then_decryption_fails(data_key: bytes) -> None:
    sealed = encrypt_payload(data_key, "item-1", PLAINTEXT)

    with pytest.raises(VaultError):
        decrypt_payload(data_key, "item-2", sealed)


def test_when_wrong_data_key_then_decryption_fails(data_key: bytes) -> None:
    sealed = encrypt_payload(data_key, "item-1", PLAINTEXT)

    with pytest.raises(VaultError):
        decrypt_payload(new_data_key(), "item-1", sealed)


@pytest.mark.parametrize("position", [0, NONCE_BYTES, -1])
def test_when_ciphertext_tampered_then_decryption_fails(data_key: bytes, position: int) -> None:
    sealed = bytearray(encrypt_payload(data_key, "item-1", PLAINTEXT))
    sealed[position] ^= 0x01

    with pytest.raises(VaultError):
        decrypt_payload(data_key, "item-1", bytes(sealed))


def test_when_ciphertext_truncated_then_vault_error(data_key: bytes) -> None:
    with pytest.raises(VaultError, match="truncated"):
        decrypt_payload(data_key, "item-1", b"short")


def test_when_same_payload_encrypted_twice_then_ciphertexts_differ(data_key: bytes) -> None:
    first = encrypt_payload(data_key, "item-1", PLAINTEXT)
    second = encrypt_payload(data_key, "item-1", PLAINTEXT)

    assert first[:NONCE_BYTES] != second[:NONCE_BYTES]
    assert first != second


def test_when_decryption_fails_then_message_holds_no_plaintext_or_key(data_key: bytes) -> None:
    sealed = encrypt_payload(data_key, "item-1", PLAINTEXT)

    with pytest.raises(VaultError) as caught:
        decrypt_payload(new_data_key(), "item-1", sealed)

    message = str(caught.value)
    assert "Anna" not in message
    assert "512" not in message
    assert data_key.hex() not in message


def test_when_data_key_wrapped_then_it_unwraps_with_master_key_and_key_id(
    data_key: bytes, master_key: bytes
) -> None:
    wrapped = wrap_key(data_key, master_key, "dataset-7")

    assert unwrap_key(wrapped, master_key, "dataset-7") == data_key
    assert data_key not in wrapped


def test_when_wrapped_key_copied_to_another_dataset_then_unwrap_fails(
    data_key: bytes, master_key: bytes
) -> None:
    wrapped = wrap_key(data_key, master_key, "dataset-7")

    with pytest.raises(VaultError):
        unwrap_key(wrapped, master_key, "dataset-8")


def test_when_wrong_master_key_then_unwrap_fails(data_key: bytes, master_key: bytes) -> None:
    wrapped = wrap_key(data_key, master_key, "dataset-7")

    with pytest.raises(VaultError):
        unwrap_key(wrapped, os.urandom(32), "dataset-7")


def test_when_master_key_rotated_then_old_payloads_open_with_rewrapped_key(
    data_key: bytes, master_key: bytes
) -> None:
    sealed = encrypt_payload(data_key, "item-1", PLAINTEXT)
    new_master = os.urandom(32)

    rewrapped = rewrap_key(wrap_key(data_key, master_key, "dataset-7"), master_key, new_master, "dataset-7")

    assert decrypt_payload(unwrap_key(rewrapped, new_master, "dataset-7"), "item-1", sealed) == PLAINTEXT
    with pytest.raises(VaultError):
        unwrap_key(rewrapped, master_key, "dataset-7")


def test_when_wrapped_key_used_as_payload_then_it_does_not_open(data_key: bytes, master_key: bytes) -> None:
    wrapped = wrap_key(data_key, master_key, "x")

    with pytest.raises(VaultError):
        decrypt_payload(master_key, "x", wrapped)


@pytest.mark.parametrize("bad_key", [b"", b"0" * 16, b"0" * 31, b"0" * 33])
def test_when_key_has_wrong_length_then_vault_error(bad_key: bytes) -> None:
    with pytest.raises(VaultError, match="32 bytes"):
        encrypt_payload(bad_key, "item-1", PLAINTEXT)


def test_when_new_data_key_then_it_is_random_and_32_bytes() -> None:
    assert len(new_data_key()) == 32
    assert new_data_key() != new_data_key()
