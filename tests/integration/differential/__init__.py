"""Differential test of profile resolution: sesame against botocore, both against moto.

botocore is the oracle for how ~/.aws/config and ~/.aws/credentials resolve (sesame's README
promises the AWS CLI's behaviour), so generated configs are resolved by both and what each did is
compared: the identity reached (or a refusal), the STS calls made (action, role, session name,
external id, duration, MFA serial, the key that signed and the region it signed for), and the
region a child command gets.

  case.py           a generated case: both files, the environment, the profile, sesame's vault;
                    sesame's deliberate inheritance (a) applied for botocore's copy of the config
  generator.py      random cases from a seed: chains of 1-4 roles, MFA, keys and settings in both
                    files, env overrides, duration spellings, credential_source/credential_process,
                    names with spaces and quotes, odd section syntax
  fixture.py        the IAM users, roles and credential_process scripts the cases refer to
  botocore_side.py  botocore in-process (as `aws sts get-caller-identity` resolves), its HTTP
                    redirected to moto after signing
  sesame_side.py    the real binary: `sesame add` for the vault, `sesame exec ... -- env -0`
  compare.py        normalisation of deliberate differences (b), (c) and of names both sides pick
                    at random; the aspects that differ; the issue's items that explain them
  runner.py         one moto for many cases, shrinking a difference to a minimal reproduction,
                    the report; `python3 -m differential --help` runs any seed and count by hand
"""
