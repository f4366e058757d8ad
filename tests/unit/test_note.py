"""C2SP signed notes, checkpoints and cosignatures against the published Go vectors."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.evidence import note
from gateway.evidence.canonical import MalformedEvidence

# golang.org/x/mod/sumdb/note, note.go's package example and note_test.go (BSD-3-Clause).
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = ("If you think cryptography is the answer to your problem,\n"
           "then you don't know what your problem is.\n")
GO_NOTE = (GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZ"
           "SNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")
# transparency-dev/formats note/note_cosigv1_test.go: a cosignature/v1 (0x04) verifier key.
COSIGNATURE_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"


def _go_private_key() -> Ed25519PrivateKey:
    material = GO_SKEY.split("+", 4)[4]
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(material)[1:])


def test_signing_reproduces_go_byte_for_byte():
    signature = note.sign(GO_TEXT, "PeterNeumann", _go_private_key())
    assert note.Note(GO_TEXT, (signature,)).format() == GO_NOTE
    assert note.Verifier("PeterNeumann", _go_private_key().public_key()).vkey == GO_VKEY


def test_the_go_note_opens_and_a_changed_text_does_not():
    verifier = note.Verifier.from_vkey(GO_VKEY)
    parsed = note.Note.parse(GO_NOTE)
    assert parsed.text == GO_TEXT and note.verified_by(parsed, [verifier])
    altered = note.Note.parse(GO_NOTE.replace("cryptography", "cryptographY"))
    assert note.verified_by(altered, [verifier]) == []


# transparency-dev/formats note/note_cosigv1_test.go: a 0x01 key whose base64 contains a '+'.
PLUS_VKEY = "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"


def test_verifier_keys_check_their_key_id():
    assert note.Verifier.from_vkey(COSIGNATURE_VKEY).alg == note.ALG_COSIGNATURE_V1
    assert note.Verifier.from_vkey(PLUS_VKEY).vkey == PLUS_VKEY
    with pytest.raises(MalformedEvidence, match="id does not match"):
        note.Verifier.from_vkey(GO_VKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(MalformedEvidence):
        note.Verifier.from_vkey("PeterNeumann+c74f20a3")


def test_a_cosignature_verifies_only_over_its_checkpoint_and_time():
    key = Ed25519PrivateKey.generate()
    checkpoint = note.Checkpoint("gov.example/log", 42, bytes(range(32)))
    text = checkpoint.text()
    cosig = note.cosign(text, "witness.example/w1", key, 1_700_000_000)
    verifier = note.Verifier("witness.example/w1", key.public_key(), note.ALG_COSIGNATURE_V1)
    assert cosig.timestamp == 1_700_000_000 and len(cosig.signature) == 72
    assert note.signature_holds(text, cosig, verifier)
    other = note.Checkpoint("gov.example/log", 43, bytes(range(32))).text()
    assert not note.signature_holds(other, cosig, verifier)
    moved = note.NoteSignature(cosig.name, cosig.key_id, (1).to_bytes(8, "big") + cosig.signature[8:])
    assert not note.signature_holds(text, moved, verifier)
    # a plain note signature by the same key is not a cosignature (distinct key ids, 0x01 vs 0x04)
    plain = note.sign(text, "witness.example/w1", key)
    assert not note.signature_holds(text, plain, verifier)


def test_checkpoint_text_round_trips_and_is_strict():
    checkpoint = note.Checkpoint("gov.example/log", 7, b"\x01" * 32, ("ext line",))
    assert note.Checkpoint.from_text(checkpoint.text()) == checkpoint
    for bad in ("gov.example/log\n07\n" + base64.b64encode(b"\1" * 32).decode() + "\n",
                "gov.example/log\n7\nAAAA\n", "gov.example/log\n7\n", "o\n-1\nAAAA\n"):
        with pytest.raises(MalformedEvidence):
            note.Checkpoint.from_text(bad)


@pytest.mark.parametrize("message", [
    "no signatures\n\n", "text\n— name", "text\n\n— name !!!\n", "text\n\nnot a signature line\n",
    "con\x01trol\n\n— PeterNeumann x08go/ZJku\n", b"\xff\n\n\xe2\x80\x94 a AAAAAAAA\n",
])
def test_malformed_notes_are_refused(message):
    with pytest.raises(MalformedEvidence):
        note.Note.parse(message)
