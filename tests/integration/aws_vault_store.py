"""Writes aws-vault's stores as aws-vault would, without aws-vault (it cannot be built here): an
independent implementation of the same standards with Python's `cryptography` primitives, used by
test_import_aws_vault.py and by tests/unit/crypto/gen_jwe_vectors.py.

What each piece follows (repository, file):
- 99designs/keyring keyring.go: `Item{Key, Data []byte, Label, Description,
  KeychainNotTrustApplication, KeychainNotSynchronizable}`, stored as Go's json.Marshal of it
  (field names as declared; []byte as standard base64 with padding).
- 99designs/keyring file.go: one file per item in the folder (aws-vault: ~/.awsvault/keys/,
  AWS_VAULT_FILE_DIR), named filenameEscape(key) = mtibben/percent Encode(key, "/") (`%` and `/`
  as %XX, upper-case hex), mode 0600, holding jose.Encrypt(json(item), PBES2_HS256_A128KW,
  A256GCM, passphrase, Headers{"created": time.Now().String()}).
- dvsekhvalnov/jose2go jose.go encrypt() and pbse2_hmac_aeskw.go WrapNewKey: header {alg, enc,
  p2c: 8192, p2s: base64url(12 random bytes), created}, marshalled by Go (keys sorted); salt =
  alg || 0x00 || p2s bytes; KEK = PBKDF2-HMAC-SHA256(passphrase, salt, p2c, 16 bytes); a random
  32-byte CEK wrapped with AES Key Wrap (RFC 3394); aes_gcm.go: 12-byte IV, AAD = the header's
  base64url text, a 16-byte tag; compact serialization (RFC 7516 §7.1), base64url unpadded.
- 99designs/keyring pass.go: `pass insert -m -f <prefix>/<key>` of json(item); keys are the
  .gpg files under PASSWORD_STORE_DIR/<prefix>.
- 99designs/aws-vault vault/credentialkeyring.go Set: Item{Key: profile, Label: "aws-vault
  (profile)", Data: json(credentials), KeychainNotTrustApplication: true}; v7's credentials are
  aws-sdk-go-v2 aws.Credentials {AccessKeyID, SecretAccessKey, SessionToken, Source, CanExpire,
  Expires}.
- vault/sessionkeyring.go: sessions under "<type>,<base64url(profile)>,<base64url(mfa)>,<unix
  expiry>", Data = json(sts.Credentials {AccessKeyId, SecretAccessKey, SessionToken,
  Expiration}), Description "aws-vault session"; vault/oidctokenkeyring.go: "oidc:<start url>".
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Mapping

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

ALG = "PBES2-HS256+A128KW"
ENC = "A256GCM"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def go_json(value: object) -> str:
    """Go's encoding/json output for maps and structs of strings, bools, numbers, []byte
    (pre-encoded): compact, no spaces; HTML characters escaped as Go does."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def jwe_encrypt(payload: bytes, passphrase: str, *, p2c: int = 8192, salt: bytes | None = None,
                cek: bytes | None = None, iv: bytes | None = None,
                created: str = "2024-05-01 10:00:00.000000000 +0000 UTC") -> str:
    salt = os.urandom(12) if salt is None else salt
    cek = os.urandom(32) if cek is None else cek
    iv = os.urandom(12) if iv is None else iv
    # Go marshals a map with its keys sorted.
    header = go_json({"alg": ALG, "created": created, "enc": ENC, "p2c": p2c, "p2s": b64url(salt)})
    protected = b64url(header.encode())
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=16, salt=ALG.encode() + b"\0" + salt, iterations=p2c)
    kek = kdf.derive(passphrase.encode())
    wrapped = aes_key_wrap(kek, cek)
    sealed = AESGCM(cek).encrypt(iv, payload, protected.encode())
    ciphertext, tag = sealed[:-16], sealed[-16:]
    return ".".join([protected, b64url(wrapped), b64url(iv), b64url(ciphertext), b64url(tag)])


def item_json(key: str, data: bytes, label: str = "", description: str = "",
              not_trust: bool = False) -> bytes:
    return go_json({
        "Key": key,
        "Data": base64.b64encode(data).decode(),
        "Label": label,
        "Description": description,
        "KeychainNotTrustApplication": not_trust,
        "KeychainNotSynchronizable": False,
    }).encode()


def credentials_item(profile: str, access_key_id: str, secret_access_key: str) -> bytes:
    data = go_json({"AccessKeyID": access_key_id, "SecretAccessKey": secret_access_key, "SessionToken": "",
                    "Source": "", "CanExpire": False, "Expires": "0001-01-01T00:00:00Z"}).encode()
    return item_json(profile, data, label=f"aws-vault ({profile})", not_trust=True)


def session_name(profile: str, mfa_serial: str = "", expiry: int = 4102444800,
                 kind: str = "sts.GetSessionToken") -> str:
    return f"{kind},{b64url(profile.encode())},{b64url(mfa_serial.encode())},{expiry}"


def session_item(name: str, access_key_id: str, secret_access_key: str, token: str) -> bytes:
    data = go_json({"AccessKeyId": access_key_id, "SecretAccessKey": secret_access_key, "SessionToken": token,
                    "Expiration": "2100-01-01T00:00:00Z"}).encode()
    return item_json(name, data, label="aws-vault session for x (expires 2100-01-01T00:00:00Z)",
                     description="aws-vault session")


def filename_escape(key: str) -> str:
    """mtibben/percent Encode(key, "/"): '%' and '/' as %XX."""
    out = []
    for ch in key:
        if ch in "%/":
            out.extend(f"%{b:02X}" for b in ch.encode())
        else:
            out.append(ch)
    return "".join(out)


def write_file_store(folder: Path, items: Mapping[str, bytes], passphrase: str) -> None:
    """A keyring file backend folder: one JWE per item."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for key, item in items.items():
        path = folder / filename_escape(key)
        path.write_text(jwe_encrypt(item, passphrase))
        path.chmod(0o600)


def write_pass_store(items: Mapping[str, bytes], env: Mapping[str, str], prefix: str = "") -> None:
    """Inserts each item as keyring's pass backend does: `pass insert -m -f PREFIX/KEY`."""
    for key, item in items.items():
        name = f"{prefix}/{key}" if prefix else key
        subprocess.run(["pass", "insert", "-m", "-f", name], input=item, env=dict(env), check=True,
                       stdout=subprocess.DEVNULL)


# keyring's secret-service backend (99designs/keyring libsecret.go, with gsterjov/go-libsecret):
# Set() creates the collection <name> when missing (Service.CreateCollection) and then
# Collection.CreateItem(label = item.Key, attributes {"profile": item.Key}, secret = the Item JSON,
# content type application/json, replace). The items are written over D-Bus by the system
# python's GLib bindings (gi), an independent client of the same Secret Service API; the collection
# is made with gnome-keyring's CreateWithMasterPassword so that no prompt is needed.
SECRET_SERVICE_WRITER = r'''
import json, sys
from gi.repository import Gio, GLib
name, items = sys.argv[1], json.loads(sys.stdin.read())
bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
def call(path, iface, method, args, reply):
    return bus.call_sync("org.freedesktop.secrets", path, iface, method, args, GLib.VariantType(reply),
                         Gio.DBusCallFlags.NONE, -1, None).unpack()
_, session = call("/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "OpenSession",
                  GLib.Variant("(sv)", ("plain", GLib.Variant("s", ""))), "(vo)")
label = {"org.freedesktop.Secret.Collection.Label": GLib.Variant("s", name)}
(collection,) = call("/org/freedesktop/secrets", "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                     "CreateWithMasterPassword",
                     GLib.Variant("(a{sv}(oayays))", (label, (session, b"", b"collection-password", "text/plain"))),
                     "(o)")
for key, data in items.items():
    props = {"org.freedesktop.Secret.Item.Label": GLib.Variant("s", key),
             "org.freedesktop.Secret.Item.Attributes": GLib.Variant("a{ss}", {"profile": key})}
    secret = (session, b"", data.encode(), "application/json")
    call(collection, "org.freedesktop.Secret.Collection", "CreateItem",
         GLib.Variant("(a{sv}(oayays)b)", (props, secret, True)), "(oo)")
print(collection)
'''


def write_secret_service_collection(name: str, items: Mapping[str, bytes], env: Mapping[str, str]) -> str:
    """Writes aws-vault's items into a new collection `name` of the Secret Service on env's bus;
    returns the collection's object path."""
    payload = json.dumps({k: v.decode() for k, v in items.items()})
    proc = subprocess.run(["/usr/bin/python3", "-c", SECRET_SERVICE_WRITER, name], input=payload, env=dict(env),
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(f"writing the secret-service collection failed: {proc.stderr}")
    return proc.stdout.strip()
