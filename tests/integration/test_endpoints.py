"""Loopback credential endpoints (`exec --ecs-server`, `exec --ec2-server`, `sesame server`) with
the aws CLI / botocore as the real client, against signature-checking moto; every refusal the
endpoints make; refresh before expiry with short-lived sessions."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import re
import signal
import socket
import subprocess
import sys
import time
import unittest

import boto3

from harness import (
    ADMIN_ROLE_ARN,
    Keys,
    REGION,
    SesameTestCase,
    rfc3339_to_epoch,
    section,
    sesame_bin,
)

ADMIN_ARN_PREFIX = "arn:aws:sts::123456789012:assumed-role/admin/"
DUMP_ENV = [sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"]


def http_request(port: int, method: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode(errors="replace")
    finally:
        conn.close()


def sanitizer_build() -> bool:
    """Whether the sesame binary carries AddressSanitizer: its runtime reads /proc/self/environ
    into a buffer of its own at start (sanitizer_common's GetEnv), before sesame can overwrite
    SESAME_FILE_PASSPHRASE, so that copy is the runtime's, beyond sesame's reach."""
    with open(sesame_bin(), "rb") as f:
        return b"__asan_init" in f.read()


def process_memory(pid: int) -> bytes:
    """Every readable, writable mapping of a process (its heap, stacks, data): what a core dump or
    a reader of /proc/PID/mem would see. Needs root (or ptrace rights) for a non-dumpable process."""
    chunks = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if not fields[1].startswith("rw") or end - start > 1 << 30:
                continue
            try:
                mem.seek(start)
                chunks.append(mem.read(end - start))
            except OSError:
                continue
    return b"".join(chunks)


class EndpointTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(
            section("alice", region=REGION) + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN)
        )
        self.add_alice()
        self.servers: list[subprocess.Popen[str]] = []
        self.addCleanup(self.stop_servers)

    def stop_servers(self) -> None:
        for p in self.servers:
            if p.poll() is None:
                p.kill()
                p.wait()

    def start_server(self, *args: str, env_extra: dict[str, str | None] | None = None) -> tuple[subprocess.Popen[str], dict[str, str]]:
        """Starts `sesame server ARGS` and returns it with the variables it printed."""
        proc = subprocess.Popen(
            [sesame_bin(), "server", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=self.sb.child_env(env_extra),
            start_new_session=True,
        )
        self.servers.append(proc)
        variables: dict[str, str] = {}
        assert proc.stdout is not None
        while True:
            line = proc.stdout.readline()
            if not line:
                self.fail(f"server ended before printing its variables: {proc.stderr.read() if proc.stderr else ''}")
            m = re.fullmatch(r"export (\w+)='([^']*)'\n", line)
            self.assertIsNotNone(m, f"not an export line: {line!r}")
            assert m is not None
            variables[m.group(1)] = m.group(2)
            if m.group(1) == "AWS_DEFAULT_REGION":
                break
        return proc, variables

    def port_of(self, url: str) -> int:
        m = re.match(r"http://127\.0\.0\.1:(\d+)/", url)
        self.assertIsNotNone(m, url)
        assert m is not None
        return int(m.group(1))

    # --- exec with an endpoint ---

    def test_exec_ecs_server_serves_the_aws_cli(self) -> None:
        script = 'aws sts get-caller-identity --query Arn --output text; test -f "$AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" && echo token-file-ok; exit 7'
        proc = self.sb.run(["exec", "admin", "--ecs-server", "--", "sh", "-c", script])
        self.assertEqual(proc.returncode, 7, proc.stderr)
        self.assertIn(ADMIN_ARN_PREFIX, proc.stdout)
        self.assertIn("token-file-ok", proc.stdout)

    def test_exec_ecs_server_environment(self) -> None:
        proc = self.sb.run(["exec", "admin", "--ecs-server", "--", *DUMP_ENV],
                           env_extra={"AWS_ACCESS_KEY_ID": "AKIASTALE", "AWS_PROFILE": "admin"})
        self.assertOk(proc)
        env = json.loads(proc.stdout)
        for gone in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
            self.assertNotIn(gone, env)
        self.assertRegex(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"], r"^http://127\.0\.0\.1:\d+/\w+")
        self.assertRegex(env["AWS_CONTAINER_AUTHORIZATION_TOKEN"], r"^[0-9a-f]{64}$")
        token_file = env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]
        self.assertFalse(os.path.exists(token_file), "the token file outlived the run")
        self.assertEqual(env["SESAME_PROFILE"], "admin")
        self.assertEqual(env["AWS_REGION"], REGION)
        # A fresh token per run.
        again = json.loads(self.sb.run(["exec", "admin", "--ecs-server", "--", *DUMP_ENV]).stdout)
        self.assertNotEqual(again["AWS_CONTAINER_AUTHORIZATION_TOKEN"], env["AWS_CONTAINER_AUTHORIZATION_TOKEN"])

    def test_exec_ec2_server_serves_the_aws_cli(self) -> None:
        proc = self.sb.run(
            ["exec", "admin", "--ec2-server", "--", "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"],
            env_extra={"AWS_EC2_METADATA_DISABLED": "true"},
        )
        self.assertOk(proc)
        self.assertIn(ADMIN_ARN_PREFIX, proc.stdout)

    def test_exec_forwards_signals_and_returns_the_childs_status(self) -> None:
        proc = subprocess.Popen(
            [sesame_bin(), "exec", "admin", "--ecs-server", "--", sys.executable, "-c",
             "import signal, sys, time\n"
             "signal.signal(signal.SIGTERM, lambda *a: sys.exit(42))\n"
             "print('ready', flush=True)\n"
             "time.sleep(30)\n"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            env=self.sb.child_env(), start_new_session=True,
        )
        self.servers.append(proc)
        assert proc.stdout is not None
        self.assertEqual(proc.stdout.readline().strip(), "ready")
        proc.send_signal(signal.SIGTERM)  # to sesame, the parent
        self.assertEqual(proc.wait(timeout=10), 42, "the child did not get SIGTERM or its code was lost")

    def test_no_session_is_refused_for_endpoints(self) -> None:
        proc = self.sb.run(["exec", "alice", "--ecs-server", "--no-session", "--", "true"])
        self.assertFails(proc, "--no-session")

    def test_endpoint_flags_are_checked(self) -> None:
        self.assertFails(self.sb.run(["exec", "admin", "--ecs-server", "--ec2-server", "--", "true"]), "choose one")
        self.assertFails(self.sb.run(["exec", "admin", "--imdsv1", "--ecs-server", "--", "true"]), "--imdsv1")
        self.assertFails(self.sb.run(["server", "admin"]), "choose one of --ecs and --ec2")

    # --- sesame server ---

    def test_server_ecs_standalone_and_clean_stop(self) -> None:
        proc, variables = self.start_server("admin", "--ecs")
        self.assertIn("AWS_CONTAINER_CREDENTIALS_FULL_URI", variables)
        env = {k: v for k, v in variables.items()}
        out = self.sb.run_cmd(["aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"], env_extra=env)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(ADMIN_ARN_PREFIX, out.stdout)
        token_file = variables["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]
        self.assertTrue(os.path.exists(token_file))
        self.assertEqual(os.stat(token_file).st_mode & 0o777, 0o600)
        proc.send_signal(signal.SIGINT)
        self.assertEqual(proc.wait(timeout=10), 0)
        self.assertFalse(os.path.exists(token_file), "token file left behind after SIGINT")

    def test_a_killed_servers_token_folder_is_removed_by_the_next_one(self) -> None:
        dead, dead_vars = self.start_server("admin", "--ecs")
        live, live_vars = self.start_server("admin", "--ecs")
        dead_dir = os.path.dirname(dead_vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"])
        live_dir = os.path.dirname(live_vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"])
        dead.kill()  # SIGKILL: no chance to clean up
        dead.wait(timeout=10)
        self.assertTrue(os.path.isdir(dead_dir))
        time.sleep(2.2)  # older than the grace a just-created folder gets
        _, new_vars = self.start_server("admin", "--ecs")
        self.assertFalse(os.path.exists(dead_dir), "a killed server's token folder survived the next start")
        self.assertTrue(os.path.exists(live_vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]),
                        "a running server's token was removed")
        self.assertTrue(os.path.isdir(live_dir))
        self.assertTrue(os.path.exists(new_vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]))
        live.send_signal(signal.SIGINT)
        self.assertEqual(live.wait(timeout=10), 0)

    def test_a_server_keeps_no_other_profiles_keys_in_memory(self) -> None:
        """The server reads the vault once; afterwards its memory must hold the keys of its own
        chain only: another profile's secret, decrypted along with the vault, must be wiped."""
        bob = Keys("AKIABOBBOBBOBBOB0000", "bob-secret-" + secrets.token_hex(16))
        self.assertOk(self.sb.add("bob", bob))
        proc, variables = self.start_server("admin", "--ecs")
        out = self.sb.run_cmd(["aws", "sts", "get-caller-identity"], env_extra=variables)
        self.assertEqual(out.returncode, 0, out.stderr)
        memory = process_memory(proc.pid)
        self.assertGreater(len(memory), 100_000, "could not read the server's memory")
        # (assertTrue, not assertNotIn: the message must not print the memory)
        self.assertTrue(bob.secret_access_key.encode() not in memory, "another profile's secret is in the server's memory")
        self.assertTrue(bob.access_key_id.encode() not in memory, "another profile's key id is in the server's memory")
        if not sanitizer_build():
            self.assertTrue(b"correct horse battery staple" not in memory, "the vault passphrase is in the server's memory")

    def test_exec_with_an_endpoint_keeps_no_other_profiles_keys_in_memory(self) -> None:
        bob = Keys("AKIABOBBOBBOBBOB0000", "bob-secret-" + secrets.token_hex(16))
        self.assertOk(self.sb.add("bob", bob))
        ready = self.sb.root / "ready"
        proc = subprocess.Popen(
            [sesame_bin(), "exec", "admin", "--ecs-server", "--", "sh", "-c",
             f"aws sts get-caller-identity >/dev/null && touch {ready} && sleep 30"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            env=self.sb.child_env(), start_new_session=True)
        self.servers.append(proc)  # type: ignore[arg-type]
        deadline = time.time() + 30
        while not ready.exists() and proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        self.assertTrue(ready.exists(), "the command under exec --ecs-server did not get credentials")
        memory = process_memory(proc.pid)
        self.assertGreater(len(memory), 100_000, "could not read the parent's memory")
        self.assertTrue(bob.secret_access_key.encode() not in memory, "another profile's secret is in exec's memory")
        if not sanitizer_build():
            self.assertTrue(b"correct horse battery staple" not in memory, "the vault passphrase is in exec's memory")

    def test_server_ec2_standalone_and_sigterm(self) -> None:
        proc, variables = self.start_server("admin", "--ec2")
        out = self.sb.run_cmd(
            ["aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"],
            env_extra={**variables, "AWS_EC2_METADATA_DISABLED": None},
        )
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(ADMIN_ARN_PREFIX, out.stdout)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=10), 0)

    def test_server_port_option_and_port_in_use(self) -> None:
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            proc = self.sb.run(["server", "admin", "--ecs", "--port", str(port)], timeout=20)
            self.assertFails(proc, f"127.0.0.1:{port}")

    # --- refusals ---

    def test_ecs_refusals(self) -> None:
        _, variables = self.start_server("admin", "--ecs")
        url = variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        port = self.port_of(url)
        path = url.split(str(port), 1)[1]
        token = variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        host = f"127.0.0.1:{port}"
        status, body = http_request(port, "GET", path, {"Host": host, "Authorization": token})
        self.assertEqual(status, 200)
        creds = json.loads(body)
        self.assertEqual(set(creds), {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"})
        secret = creds["SecretAccessKey"]
        cases = [
            ("no token", {"Host": host}, 401),
            ("wrong token", {"Host": host, "Authorization": token[:-1] + ("0" if token[-1] != "0" else "1")}, 401),
            ("foreign Host", {"Host": f"evil.example:{port}", "Authorization": token}, 403),
            ("other port in Host", {"Host": f"127.0.0.1:{port + 1}", "Authorization": token}, 403),
        ]
        for why, headers, expected in cases:
            with self.subTest(why):
                status, body = http_request(port, "GET", path, headers)
                self.assertEqual(status, expected)
                self.assertNotIn(secret, body)
        with self.subTest("oversize request"):
            status, body = http_request(port, "GET", path, {"Host": host, "Authorization": token, "X-Junk": "x" * 20000})
            self.assertIn(status, (413, 431))
            self.assertNotIn(secret, body)

    def test_imds_refusals(self) -> None:
        _, variables = self.start_server("admin", "--ec2")
        port = self.port_of(variables["AWS_EC2_METADATA_SERVICE_ENDPOINT"])
        host = f"127.0.0.1:{port}"
        creds_path = "/latest/meta-data/iam/security-credentials/admin"
        status, _ = http_request(port, "GET", creds_path, {"Host": host})
        self.assertEqual(status, 401, "IMDSv2: a GET without a token must be refused")
        status, token = http_request(port, "PUT", "/latest/api/token", {"Host": host, "X-aws-ec2-metadata-token-ttl-seconds": "60"})
        self.assertEqual(status, 200)
        status, body = http_request(port, "GET", creds_path, {"Host": host, "X-aws-ec2-metadata-token": token})
        self.assertEqual(status, 200)
        creds = json.loads(body)
        self.assertRegex(creds["Expiration"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        status, _ = http_request(port, "GET", creds_path, {"Host": f"attacker.example:{port}", "X-aws-ec2-metadata-token": token})
        self.assertEqual(status, 403)
        status, _ = http_request(port, "PUT", "/latest/api/token", {"Host": host})
        self.assertEqual(status, 400, "a token request needs a TTL")

    def as_other_user(self, port: int, request: str) -> str:
        """Sends `request` to 127.0.0.1:port as the uid `nobody` (setpriv, bash's /dev/tcp) and
        returns the response's status line, or what went wrong."""
        # A refused client is answered as soon as it connects, before it has sent anything: read
        # first (writing to the closed socket would end bash with SIGPIPE), then send and read.
        script = ('exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 9; trap "" PIPE; '
                  'if ! IFS= read -r -t 2 line <&3; then printf "%b" "$2" >&3; IFS= read -r -t 5 line <&3; fi; '
                  'printf "%s" "$line"')
        proc = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/bash", "-c", script, "-", str(port),
             request.replace("\r\n", "\\r\\n")],
            capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})
        return proc.stdout.strip() or f"exit {proc.returncode}: {proc.stderr}"

    def test_another_user_is_refused_by_both_endpoints_even_with_the_token(self) -> None:
        if os.geteuid() != 0:
            self.skipTest("needs root to act as another uid (setpriv)")
        _, ecs = self.start_server("admin", "--ecs")
        url = ecs["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        port = self.port_of(url)
        path = url.split(str(port), 1)[1]
        token = ecs["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {token}\r\n\r\n"
        self.assertEqual(self.as_other_user(port, request), "HTTP/1.1 403 Forbidden", "ECS, with the right token")
        status, _ = http_request(port, "GET", path, {"Host": f"127.0.0.1:{port}", "Authorization": token})
        self.assertEqual(status, 200, "the user who started it is still served")

        _, ec2 = self.start_server("admin", "--ec2", "--imdsv1")
        port = self.port_of(ec2["AWS_EC2_METADATA_SERVICE_ENDPOINT"])
        token_request = (f"PUT /latest/api/token HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                         "X-aws-ec2-metadata-token-ttl-seconds: 60\r\nContent-Length: 0\r\n\r\n")
        self.assertEqual(self.as_other_user(port, token_request), "HTTP/1.1 403 Forbidden", "an IMDSv2 token")
        read = f"GET /latest/meta-data/iam/security-credentials/admin HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        self.assertEqual(self.as_other_user(port, read), "HTTP/1.1 403 Forbidden", "a token-less IMDSv1 read")
        status, _ = http_request(port, "PUT", "/latest/api/token",
                                 {"Host": f"127.0.0.1:{port}", "X-aws-ec2-metadata-token-ttl-seconds": "60"})
        self.assertEqual(status, 200)

    def test_a_good_client_is_served_while_10000_junk_connections_arrive(self) -> None:
        import threading
        _, ecs = self.start_server("admin", "--ecs")
        url = ecs["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        port = self.port_of(url)
        path = url.split(str(port), 1)[1]
        headers = {"Host": f"127.0.0.1:{port}", "Authorization": ecs["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}
        status, _ = http_request(port, "GET", path, headers)  # the first fetch, before the flood
        self.assertEqual(status, 200)
        opened = 0
        done = threading.Event()

        def flood() -> None:
            # 10,000 connections without a token, up to 900 held open at once (the limit is 512):
            # half silent, half asking without a token and then idling on keep-alive.
            nonlocal opened
            held: list[socket.socket] = []
            deadline = time.monotonic() + 60
            while opened < 10_000 and time.monotonic() < deadline:
                try:
                    s = socket.create_connection(("127.0.0.1", port), timeout=2)
                except OSError:
                    continue
                opened += 1
                if opened % 2:
                    s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
                held.append(s)
                if len(held) > 900:
                    held.pop(0).close()
            for s in held:
                s.close()
            done.set()

        thread = threading.Thread(target=flood)
        thread.start()
        served = failures = 0
        while not done.is_set():
            try:
                status, body = http_request(port, "GET", path, headers)
                served += status == 200 and "AccessKeyId" in body
                failures += status != 200
            except OSError as e:
                failures += 1
                print(f"good client failed: {e}")
            time.sleep(0.02)
        thread.join()
        print(f"junk connections: {opened}, good requests served: {served}, failed: {failures}")
        self.assertEqual(opened, 10_000, "the flood finished in time")
        self.assertGreater(served, 0, "the client was served during the flood")
        self.assertEqual(failures, 0)

    def test_imdsv1_allows_tokenless_reads(self) -> None:
        _, variables = self.start_server("admin", "--ec2", "--imdsv1")
        port = self.port_of(variables["AWS_EC2_METADATA_SERVICE_ENDPOINT"])
        status, body = http_request(port, "GET", "/latest/meta-data/iam/security-credentials/admin", {"Host": f"127.0.0.1:{port}"})
        self.assertEqual(status, 200)
        self.assertIn("AccessKeyId", body)

    # --- behaviour ---

    def test_role_arn_path_assumes_and_caches_per_arn(self) -> None:
        _, variables = self.start_server("alice", "--ecs")
        url = variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        port = self.port_of(url)
        headers = {"Host": f"127.0.0.1:{port}", "Authorization": variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}
        mark = self.moto.mark()
        status, body = http_request(port, "GET", f"/role-arn/{ADMIN_ROLE_ARN}", headers)
        self.assertEqual(status, 200, body)
        creds = json.loads(body)
        sts = boto3.client("sts", endpoint_url=self.moto.url, region_name=REGION,
                           aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                           aws_session_token=creds["Token"])
        self.assertTrue(sts.get_caller_identity()["Arn"].startswith(ADMIN_ARN_PREFIX))
        status, again = http_request(port, "GET", f"/role-arn/{ADMIN_ROLE_ARN}", headers)
        self.assertEqual(json.loads(again)["AccessKeyId"], creds["AccessKeyId"])
        self.assertEqual(len(self.moto.sts_calls(mark, "AssumeRole")), 1, "the role session was not cached")
        status, body = http_request(port, "GET", "/role-arn/arn:aws:iam::123456789012:user/alice", headers)
        self.assertEqual(status, 503)
        self.assertIn("not a role ARN", json.loads(body)["Message"])

    def test_lazy_fetches_on_first_request(self) -> None:
        mark = self.moto.mark()
        _, variables = self.start_server("admin", "--ecs", "--lazy")
        self.assertEqual(self.moto.minting_calls(mark), [], "--lazy made STS calls at start")
        out = self.sb.run_cmd(["aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"], env_extra=variables)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(len(self.moto.sts_calls(mark, "AssumeRole")), 1)

    def test_short_sessions_are_served_without_a_call_per_request(self) -> None:
        """15-minute role sessions (duration_seconds = 900, the shortest STS gives) cannot meet the
        default 15-minute minimum: the endpoint says so once, fits its policy (serve while 10 minutes
        are left, what botocore accepts) and serves 50 requests from one AssumeRole."""
        self.sb.write_config(
            section("alice", region=REGION)
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, duration_seconds="900")
        )
        mark = self.moto.mark()
        proc, variables = self.start_server("admin", "--ecs")
        url = variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        port = self.port_of(url)
        path = url.split(str(port), 1)[1]
        headers = {"Host": f"127.0.0.1:{port}", "Authorization": variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}
        keys = set()
        for _ in range(50):
            status, body = http_request(port, "GET", path, headers)
            self.assertEqual(status, 200, body)
            creds = json.loads(body)
            self.assertGreaterEqual(rfc3339_to_epoch(creds["Expiration"]) - time.time(), 10 * 60 - 5)
            keys.add(creds["AccessKeyId"])
            time.sleep(0.05)
        out = self.sb.run_cmd(["aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"],
                              env_extra=variables)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(len(keys), 1)
        self.assertEqual(len(self.moto.sts_calls(mark, "AssumeRole")), 1, "STS called on the request path")
        proc.terminate()
        _, err = proc.communicate(timeout=10)
        self.assertEqual(err.count("the sessions obtained last 15m"), 1, err)
        self.assertIn("serving them while 10m are left", err)

    def test_a_minimum_the_sessions_cannot_give_is_refused_clearly(self) -> None:
        self.sb.write_config(
            section("alice", region=REGION)
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, duration_seconds="900")
        )
        mark = self.moto.mark()
        proc, variables = self.start_server("admin", "--ecs", env_extra={"SESAME_SERVER_MIN_TTL": "20m"})
        url = variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        port = self.port_of(url)
        path = url.split(str(port), 1)[1]
        headers = {"Host": f"127.0.0.1:{port}", "Authorization": variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}
        for _ in range(20):
            status, body = http_request(port, "GET", path, headers)
            self.assertEqual(status, 503, body)
            self.assertIn("SESAME_SERVER_MIN_TTL", json.loads(body)["Message"] + body)
        self.assertLessEqual(len(self.moto.sts_calls(mark, "AssumeRole")), 2, "refusals must not call STS")
        proc.terminate()
        proc.communicate(timeout=10)

    def test_refresh_before_expiry_with_short_sessions(self) -> None:
        """15-minute role sessions, and an endpoint told to serve nothing with less than 14m50s
        left: within seconds the first session falls below that and must be replaced, never served."""
        self.sb.write_config(
            section("alice", region=REGION)
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, duration_seconds="900")
        )
        _, variables = self.start_server("admin", "--ecs", env_extra={"SESAME_SERVER_MIN_TTL": "14m50s"})
        url = variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        port = self.port_of(url)
        path = url.split(str(port), 1)[1]
        headers = {"Host": f"127.0.0.1:{port}", "Authorization": variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}
        seen = []
        deadline = time.time() + 25
        while time.time() < deadline:
            status, body = http_request(port, "GET", path, headers)
            self.assertEqual(status, 200, body)
            creds = json.loads(body)
            left = rfc3339_to_epoch(creds["Expiration"]) - time.time()
            self.assertGreaterEqual(left, 14 * 60 + 50 - 2, "served credentials with less than the minimum left")
            if not seen or seen[-1] != creds["AccessKeyId"]:
                seen.append(creds["AccessKeyId"])
            if len(seen) >= 3:
                break
            time.sleep(1)
        self.assertGreaterEqual(len(seen), 3, "the endpoint did not refresh expiring credentials")


if __name__ == "__main__":
    unittest.main()
