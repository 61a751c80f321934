"""sesame's settings (SESAME_* variables, src/app/settings.cpp): one policy for a bad value. The
real binary refuses to run any command with a value it cannot read, naming the variable, before it
touches the vault or STS; a misspelt setting name gets a warning, other SESAME_* names nothing."""

from __future__ import annotations

import unittest

from harness import SesameTestCase, section

BAD_VALUES = [
    ("SESAME_LOCK_WAIT", "5mins", "is not a duration"),
    ("SESAME_KEY_CACHE", "agnet", "is not a valid choice"),
    ("SESAME_UNLOCK_TTL", "xyz", "is not a duration"),
    ("SESAME_MIN_TTL", "1 h", "is not a duration"),
    ("SESAME_SERVER_MIN_TTL", "soon", "is not a duration"),
    ("SESAME_FILE_DIR", "relative/vault", "is not a path"),
]

COMMANDS = [
    ["exec", "alice", "--", "true"],
    ["exec", "--no-session", "alice", "--", "true"],
    ["export", "alice", "--format", "json"],
    ["status"],
    ["list"],
    ["prompt", "--shell", "plain"],
    ["--version"],
]


class SettingsTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(section("alice"))
        self.add_alice()
        self.before = self.sb.vault_snapshot()

    def test_a_bad_value_fails_every_command_naming_the_variable(self) -> None:
        for name, value, what in BAD_VALUES:
            for command in COMMANDS:
                with self.subTest(variable=name, command=command[0]):
                    mark = self.moto.mark()
                    proc = self.sb.run(command, env_extra={name: value})
                    stderr = self.assertFails(proc, f'{name}="{value}" {what}')
                    self.assertRegex(stderr, r"(?m)^hint: ", "the hint gives the accepted form")
                    self.assertEqual(proc.stdout, "")
                    self.assertEqual(self.moto.sts_calls(mark), [], "STS was called with a bad setting")
                    self.assertVaultUnchanged(self.before)

    def test_the_hint_gives_the_accepted_form_and_the_default(self) -> None:
        proc = self.sb.run(["exec", "alice", "--", "true"], env_extra={"SESAME_KEY_CACHE": "agnet"})
        stderr = self.assertFails(proc, "SESAME_KEY_CACHE", "auto, keyring, agent or none")
        self.assertIn('did you mean "agent"?', stderr)
        self.assertIn("unset, it is auto", stderr)
        proc = self.sb.run(["status"], env_extra={"SESAME_LOCK_WAIT": "5 mins"})
        stderr = self.assertFails(proc, 'SESAME_LOCK_WAIT="5 mins" is not a duration: it has a space')
        self.assertIn("1h30m", stderr)
        self.assertIn("unset, it is 5m", stderr)

    def test_good_values_are_used(self) -> None:
        env = {"SESAME_LOCK_WAIT": "1s", "SESAME_KEY_CACHE": "none", "SESAME_UNLOCK_TTL": "0", "SESAME_MIN_TTL": "1m"}
        proc = self.sb.run(["exec", "alice", "--", "true"], env_extra=env)
        self.assertOk(proc)
        self.assertEqual(proc.stderr, "")
        status = self.sb.run(["status"], env_extra=env)
        self.assertOk(status)
        self.assertIn("SESAME_UNLOCK_TTL=0", status.stdout)

    def test_a_misspelt_setting_is_a_warning_with_the_name_meant(self) -> None:
        proc = self.sb.run(["exec", "alice", "--", "true"], env_extra={"SESAME_MINTTL": "1h"})
        self.assertOk(proc)
        self.assertIn(
            "sesame: warning: SESAME_MINTTL is not a sesame setting: ignored (did you mean SESAME_MIN_TTL?)",
            proc.stderr,
        )

    def test_other_programs_sesame_names_are_left_alone(self) -> None:
        proc = self.sb.run(["exec", "alice", "--", "true"], env_extra={"SESAME_BIN": "/usr/bin/sesame"})
        self.assertOk(proc)
        self.assertNotIn("SESAME_BIN", proc.stderr)
        debug = self.sb.run(["--debug", "exec", "alice", "--", "true"], env_extra={"SESAME_BIN": "/usr/bin/sesame"})
        self.assertOk(debug)
        self.assertIn("SESAME_BIN is not a sesame setting: ignored", debug.stderr)


if __name__ == "__main__":
    unittest.main()
