#!/usr/bin/env python3
"""Run the real moto server with two fixes sesame's integration tests need, plus an STS call log.

Usage: moto_sesame.py [-H HOST] [-p PORT]

This is moto 5.x's own server application (``DomainDispatcherApplication(create_backend_app)``,
served by werkzeug exactly as ``moto.server.main`` serves it), with signature checking available
through moto's standard switch: ``INITIAL_NO_AUTH_ACTION_COUNT`` (unset = never check) or
``POST /moto-api/reset-auth`` with body ``0`` once fixtures exist. From then on every request must
carry a valid SigV4 signature by a key moto knows, and the caller's IAM policies (and a role's
trust policy, for AssumeRole) must allow the action. Everything below is stock moto, signature
verification included, except what is listed here.

Why patch at all: stock moto's GetSessionToken returns one fixed example key
(``AKIAIOSFODNN7EXAMPLE`` / ``wJalrXUtnFEMI/...``, see ``moto/sts/responses.py``) that its own
authenticator does not know (``moto/iam/access_control.py``: ``create_access_key`` only finds IAM
user keys and AssumeRole keys). So with signature checking on, any call signed with a
GetSessionToken session -- which is what sesame does for MFA and for role chains -- is rejected
even when it is signed correctly. Hence:

1. ``TokenResponse.get_session_token`` (sts/responses.py) mints a unique ``ASIA...`` access key,
   a random 40-character secret and a random session token on every call; remembers them with
   the IAM user whose long-term key signed the request; and honours DurationSeconds (AWS's
   default 43200 s) for the Expiration. The SerialNumber / TokenCode the call carried are kept
   in the call log below (moto does not validate MFA codes; neither do we).
2. ``moto.iam.access_control.create_access_key`` (the authenticator's key lookup) accepts such a
   session key only together with the exact ``X-Amz-Security-Token`` it was issued with (else
   InvalidClientTokenId, as for a wrong AssumeRole token), and then treats the caller as that IAM
   user: the user's inline/attached/group policies authorise the action, and the user's ARN
   (``arn:aws:iam::ACCOUNT:user/NAME``) is the principal checked against a role's trust policy.
   The signature is still verified with the session's secret by moto's own code.
3. ``STSBackend.get_caller_identity`` returns that user (UserId, Arn, Account) for a session
   key, where stock moto would answer with a made-up ``user/moto``.
4. ``TokenResponse.get_federation_token`` has the same problem as GetSessionToken (one fixed
   example key), so it too mints a unique session, authorised as the IAM user whose long-term key
   called it (an allow-all session policy, which is what sesame sends, leaves exactly the user's
   permissions; other policies are not intersected). GetCallerIdentity answers for it with the
   federated user (``arn:aws:sts::ACCOUNT:federated-user/NAME``, UserId ``ACCOUNT:NAME``), as AWS
   does. As AWS does, it refuses to be called with session credentials (AccessDenied).

5. Signatures are checked against the body as sent. Stock moto (``IAMRequestBase.
   _create_aws_request``) signs ``self._body or self._data``; under werkzeug a form-encoded body
   has already been consumed into ``request.form``, so ``_body`` is empty and moto re-encodes
   the parsed parameters with ``urlencode`` (a space becomes ``+``). A client that encodes a
   space as ``%20`` -- sesame does, and AWS accepts both because it hashes the bytes it
   received -- then gets SignatureDoesNotMatch for a correctly signed request. The call-log
   middleware below already reads the body; it keeps the bytes for the request's thread, and
   the signature check uses them whenever the request had a body.
6. AssumeRole and GetSessionToken validate their parameters as AWS does (stock moto accepts
   anything): RoleSessionName 2-64 characters of ``[\w+=,.@-]``, AssumeRole DurationSeconds
   900-43200, GetSessionToken DurationSeconds 900-129600; otherwise 400 ValidationError. (The
   role's MaxSessionDuration and the one-hour limit of role chaining are not checked.)

Call log (ours, server side): every request whose SigV4 credential scope names the ``sts``
service (or, unsigned, whose Action is an STS action) is recorded after moto answered it as
``{"seq", "action", "params", "access_key_id", "signing_region", "issued_access_key_id",
"status"}``; ``params`` holds the request's parameters except Action/Version (e.g.
SerialNumber, TokenCode, DurationSeconds, RoleArn, RoleSessionName, ExternalId);
``access_key_id`` and ``signing_region`` come from the SigV4 credential scope (the key that
signed, the region it was signed for); ``issued_access_key_id`` is the AccessKeyId the answer
handed out (GetSessionToken, AssumeRole, GetFederationToken), so a later call signed with it can
be traced to the call that minted it. Rejected requests are logged too, with their HTTP status.
``GET /_sesame/sts-calls`` returns the list as JSON (``?since=N``: only calls with seq >= N);
``DELETE /_sesame/sts-calls`` empties it.
``GET /_sesame/ready`` answers 200 once the server accepts connections.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import secrets
import string
import sys
import threading
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import moto.iam.access_control as access_control
from moto.core.responses import ActionResult
from moto.iam.models import iam_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.sts.exceptions import STSClientError, STSValidationError
from moto.sts.models import STSBackend, Token
from moto.sts.responses import TokenResponse
from moto.sts.utils import random_session_token
from moto.utilities.utils import get_partition
from werkzeug.serving import run_simple

STS_ACTIONS = {
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "DecodeAuthorizationMessage",
    "GetAccessKeyInfo",
    "GetCallerIdentity",
    "GetFederationToken",
    "GetSessionToken",
}
_KEY_ALPHABET = string.ascii_uppercase + string.digits
# The credentials an STS answer hands out (XML; the first AccessKeyId is the Credentials' one).
_ISSUED_KEY = re.compile(rb"<AccessKeyId>([^<]+)</AccessKeyId>")
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


@dataclass(frozen=True)
class SessionKey:
    """A GetSessionToken result and the IAM user it stands for."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    account_id: str
    partition: str
    user_name: str | None  # None when the caller's key was unknown (signature checking off)
    federated_name: str | None = None  # set for GetFederationToken sessions


_sessions: dict[str, SessionKey] = {}
_sessions_lock = threading.Lock()


def _new_session(account_id: str, partition: str, user_name: str | None, federated_name: str | None = None) -> SessionKey:
    """A fresh random session key pair and token, registered so that moto accepts its signatures."""
    session = SessionKey(
        access_key_id="ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16)),
        secret_access_key="".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40)),
        session_token=random_session_token(),
        account_id=account_id,
        partition=partition,
        user_name=user_name,
        federated_name=federated_name,
    )
    with _sessions_lock:
        _sessions[session.access_key_id] = session
    return session


def _find_session(access_key_id: str) -> SessionKey | None:
    with _sessions_lock:
        return _sessions.get(access_key_id)


# --- fix 1: GetSessionToken mints a real, unique session -------------------------------------


def _get_session_token(self: TokenResponse) -> ActionResult:
    _check_duration(self, 129600)
    duration = self._get_int_param("DurationSeconds", 43200)
    token = Token(duration=duration)
    caller_key = self.get_access_key()
    partition = get_partition(self.region)
    iam = iam_backends[self.current_account][partition]
    user = iam.get_user_from_access_key_id(caller_key)
    if user is None:
        # Signed by a session key: stand for the same user (AWS refuses this call with session
        # credentials, but only after authentication, which has already accepted the key).
        parent = _find_session(caller_key)
        user_name = parent.user_name if parent else None
    else:
        user_name = user.name
    session = _new_session(self.current_account, partition, user_name)
    return ActionResult(
        {
            "Credentials": {
                "AccessKeyId": session.access_key_id,
                "SecretAccessKey": session.secret_access_key,
                "SessionToken": session.session_token,
                "Expiration": token.expiration,
            }
        }
    )


# --- fix 4: GetFederationToken mints a real, unique session too ----------------------------


_stock_get_federation_token = TokenResponse.get_federation_token


def _get_federation_token(self: TokenResponse) -> ActionResult:
    caller_key = self.get_access_key()
    if _find_session(caller_key) is not None:
        raise STSClientError(
            "AccessDenied", "Cannot call GetFederationToken with session credentials"
        )
    stock = _stock_get_federation_token(self)  # validates Name/Policy and builds FederatedUser
    partition = get_partition(self.region)
    user = iam_backends[self.current_account][partition].get_user_from_access_key_id(caller_key)
    name = self._get_param("Name")
    session = _new_session(self.current_account, partition, user.name if user is not None else None, name)
    result: dict[str, Any] = stock.result  # type: ignore[assignment]
    result["Credentials"]["AccessKeyId"] = session.access_key_id
    result["Credentials"]["SecretAccessKey"] = session.secret_access_key
    result["Credentials"]["SessionToken"] = session.session_token
    return stock


# --- fix 2: the authenticator knows session keys ---------------------------------------------


class SessionUserAccessKey(access_control.IAMUserAccessKey):
    """A GetSessionToken key as moto's authenticator sees it: the owning user, plus a token."""

    def __init__(self, session: SessionKey, headers: Any):
        # Deliberately not calling super().__init__: it searches long-term user keys only.
        if session.user_name is None:
            raise access_control.CreateAccessKeyFailure(reason="InvalidId")
        if headers.get("X-Amz-Security-Token") != session.session_token:
            raise access_control.CreateAccessKeyFailure(reason="InvalidToken")
        self.account_id = session.account_id
        self.partition = session.partition
        self._owner_user_name = session.user_name
        self._access_key_id = session.access_key_id
        self._secret_access_key = session.secret_access_key
        self._session_token = session.session_token

    def create_credentials(self) -> access_control.Credentials:
        return access_control.Credentials(
            self._access_key_id, self._secret_access_key, self._session_token
        )


_stock_create_access_key = access_control.create_access_key


def _create_access_key(
    account_id: str, partition: str, access_key_id: str, headers: Any
) -> Any:
    session = _find_session(access_key_id)
    if session is not None:
        return SessionUserAccessKey(session, headers)
    return _stock_create_access_key(account_id, partition, access_key_id, headers)


# --- fix 3: GetCallerIdentity knows session keys ---------------------------------------------

_stock_get_caller_identity = STSBackend.get_caller_identity


def _get_caller_identity(
    self: STSBackend, access_key_id: str, region: str
) -> tuple[str, str, str]:
    session = _find_session(access_key_id)
    if session is not None and session.federated_name is not None:
        name, account = session.federated_name, session.account_id
        return f"{account}:{name}", f"arn:{session.partition}:sts::{account}:federated-user/{name}", account
    if session is not None and session.user_name is not None:
        user = iam_backends[session.account_id][session.partition].get_user(
            session.user_name
        )
        return user.id, user.arn, user.account_id
    return _stock_get_caller_identity(self, access_key_id, region)


# --- fix 5: signatures are checked against the body as sent ----------------------------------

# The body bytes of the request this thread is serving (werkzeug's threaded server gives each
# request its own thread); set by StsCallLog for every request it passes to moto.
_wire = threading.local()

_stock_create_aws_request = access_control.IAMRequestBase._create_aws_request


def _create_aws_request(self: access_control.IAMRequestBase) -> Any:
    request = _stock_create_aws_request(self)
    body = getattr(_wire, "body", b"")
    if body:
        # Stock moto hands the parsed parameters to AWSRequest, which re-encodes them; the
        # signature covers the bytes the client sent, so those are what is hashed.
        request.data = body
    return request


# --- fix 6: parameters are validated as AWS validates them -----------------------------------

_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)


def _check_duration(self: TokenResponse, highest: int) -> None:
    value = self._get_param("DurationSeconds")  # an int once moto has parsed it against the model
    if value is None:
        return
    raw = str(value)
    if not raw.lstrip("-").isdigit() or not 900 <= int(raw) <= highest:
        raise STSValidationError(
            f"1 validation error detected: Value '{raw}' at 'durationSeconds' failed to satisfy constraint: "
            f"Member must have value between 900 and {highest}"
        )


_stock_assume_role = TokenResponse.assume_role


def _assume_role(self: TokenResponse) -> ActionResult:
    name = self._get_param("RoleSessionName") or ""
    if not _SESSION_NAME.fullmatch(name):
        raise STSValidationError(
            f"1 validation error detected: Value '{name}' at 'roleSessionName' failed to satisfy constraint: "
            "Member must have length between 2 and 64 and match [\\w+=,.@-]*"
        )
    _check_duration(self, 43200)
    return _stock_assume_role(self)


def install_patches() -> None:
    TokenResponse.get_session_token = _get_session_token  # type: ignore[method-assign]
    TokenResponse.get_federation_token = _get_federation_token  # type: ignore[method-assign]
    access_control.create_access_key = _create_access_key  # type: ignore[assignment]
    STSBackend.get_caller_identity = _get_caller_identity  # type: ignore[method-assign]
    access_control.IAMRequestBase._create_aws_request = _create_aws_request  # type: ignore[method-assign]
    TokenResponse.assume_role = _assume_role  # type: ignore[method-assign]


# --- the STS call log ------------------------------------------------------------------------


class StsCallLog:
    """WSGI middleware: records STS requests and serves /_sesame/* in front of moto's app."""

    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self._app = app
        self._calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_sesame/"):
            return self._serve_own(environ, start_response, path)

        body = self._read_body(environ)
        _wire.body = body
        params = self._params(environ, body)
        action = params.pop("Action", "")
        params.pop("Version", None)
        service, access_key_id, signing_region = self._credential_scope(environ, params)
        if service != "sts" and not (service == "" and action in STS_ACTIONS):
            return self._app(environ, start_response)

        status_holder: list[int] = []

        def recording_start_response(status: str, headers: Any, *rest: Any) -> Any:
            status_holder.append(int(status.split(" ", 1)[0]))
            return start_response(status, headers, *rest)

        result = list(self._app(environ, recording_start_response))
        issued = _ISSUED_KEY.search(b"".join(result))
        with self._lock:
            self._calls.append(
                {
                    "seq": len(self._calls),
                    "action": action,
                    "params": params,
                    "access_key_id": access_key_id,
                    "signing_region": signing_region,
                    "issued_access_key_id": issued.group(1).decode() if issued else "",
                    "status": status_holder[0] if status_holder else 0,
                }
            )
        return result

    def _serve_own(self, environ: dict[str, Any], start_response: Callable[..., Any], path: str) -> Any:
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/_sesame/ready":
            payload: Any = {"status": "ok"}
        elif path == "/_sesame/sts-calls" and method == "GET":
            query = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))
            since = int(query["since"]) if query.get("since", "").isdigit() else 0
            with self._lock:
                payload = self._calls[since:]
        elif path == "/_sesame/sts-calls" and method == "DELETE":
            with self._lock:
                self._calls.clear()
            payload = {"status": "ok"}
        else:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"error": "unknown /_sesame endpoint"}']
        data = json.dumps(payload).encode()
        start_response(
            "200 OK",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        return [data]

    @staticmethod
    def _read_body(environ: dict[str, Any]) -> bytes:
        stream = environ["wsgi.input"]
        length = environ.get("CONTENT_LENGTH") or ""
        if length.isdigit():
            body = stream.read(int(length))
        elif environ.get("wsgi.input_terminated"):
            body = stream.read()
        else:
            body = b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return body

    @staticmethod
    def _params(environ: dict[str, Any], body: bytes) -> dict[str, str]:
        params = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        content_type = environ.get("CONTENT_TYPE", "")
        if body and (content_type.startswith("application/x-www-form-urlencoded") or not content_type):
            try:
                params.update(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
            except UnicodeDecodeError:
                pass
        return params

    @staticmethod
    def _credential_scope(environ: dict[str, Any], params: dict[str, str]) -> tuple[str, str, str]:
        """(service, access key id, signing region) from the SigV4 Authorization header or a
        presigned query: Credential=KEY/DATE/REGION/SERVICE/aws4_request."""
        credential = ""
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if "Credential=" in auth:
            credential = auth.split("Credential=", 1)[1].split(",", 1)[0].strip()
        elif "X-Amz-Credential" in params:
            credential = params["X-Amz-Credential"]
        parts = credential.split("/")
        if len(parts) >= 5:
            return parts[3], parts[0], parts[2]
        return "", "", ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args(argv)
    install_patches()
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True  # type: ignore[attr-defined]
    run_simple(args.host, args.port, StsCallLog(app), threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
