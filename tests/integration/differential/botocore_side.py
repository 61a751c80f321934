"""botocore resolves a case in this process, as `aws sts get-caller-identity [--profile P]` would.

In-process rather than spawning `aws`: a CLI start costs ~0.5 s, botocore here ~30 ms (its data
loader is shared between cases, so service models are read once).

Faithful to the CLI where it matters:
- the session's profile is the command line's (Session(profile=...)), else botocore's own
  AWS_DEFAULT_PROFILE / AWS_PROFILE lookup;
- the credential resolver is created with the region the client gets, as Session.create_client
  does (botocore signs every AssumeRole of a chain with that one client region: item 10);
- MFA codes come from a prompter that answers MFA_CODE (the CLI would ask on the terminal);
- no AWS_ENDPOINT_URL: botocore resolves the real endpoint and signs for it, and only then is the
  request redirected to moto (a `before-send` hook sends the signed bytes with the original Host
  header, which moto dispatches on). With AWS_ENDPOINT_URL set botocore would need a region even
  for the global STS endpoint, a refusal real users never see.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping
from urllib.parse import urlsplit

import botocore.credentials
import botocore.loaders
import botocore.session
import requests
from botocore.awsrequest import AWSResponse

MFA_CODE = "123456"


@dataclass
class Resolved:
    """What one side produced for a case, before normalisation."""

    credentials: tuple[str, str, str | None] | None  # key id, secret, token; None if refused
    refused: str = ""  # why, when credentials is None
    region: str | None = None  # the region a command run with these credentials uses
    detail: dict[str, Any] = field(default_factory=dict)


@contextlib.contextmanager
def environment(env: Mapping[str, str]) -> Iterator[None]:
    """os.environ is exactly `env` inside (botocore and the processes it starts read it)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class _Body:
    """The `raw` an AWSResponse reads its content from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


class Botocore:
    def __init__(self, moto_url: str) -> None:
        self._moto_url = moto_url
        self._http = requests.Session()
        self._loader = botocore.loaders.create_loader()

    def close(self) -> None:
        self._http.close()

    def _to_moto(self, request: Any, **_: Any) -> AWSResponse:
        """before-send: the signed request goes to moto instead of AWS, byte for byte."""
        url = urlsplit(request.url)
        headers = dict(request.headers.items())
        headers["Host"] = url.netloc
        target = self._moto_url + url.path + ("?" + url.query if url.query else "")
        body = request.body.read() if hasattr(request.body, "read") else request.body
        answer = self._http.request(request.method, target, headers=headers, data=body, timeout=30)
        return AWSResponse(request.url, answer.status_code, answer.headers, _Body(answer.content))

    def resolve(self, env: Mapping[str, str], profile: str | None) -> Resolved:
        with environment(env):
            try:
                session = botocore.session.Session(profile=profile)
                session.register_component("data_loader", self._loader)
                session.register("before-send", self._to_moto)
                region = session.get_config_variable("region")
                resolver = botocore.credentials.create_credential_resolver(session, region_name=region)
                assume_role = resolver.get_provider("assume-role")
                assume_role._prompter = lambda prompt: MFA_CODE  # noqa: SLF001 (the CLI's getpass)
                session.register_component("credential_provider", resolver)
                client = session.create_client("sts", region_name=region)
                credentials = client._request_signer._credentials  # noqa: SLF001
                if credentials is None:
                    return Resolved(None, "NoCredentials: botocore found no credentials", region or None)
                frozen = credentials.get_frozen_credentials()  # runs AssumeRole / the process now
                method = getattr(credentials, "method", "")
            except Exception as e:  # every refusal is an outcome, whatever its type
                return Resolved(None, f"{type(e).__name__}: {e}", None)
        return Resolved((frozen.access_key, frozen.secret_key, frozen.token), "", region or None, {"method": method})
