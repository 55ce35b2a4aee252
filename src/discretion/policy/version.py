"""The version of the policy: rules and profiles together.

Any change to what the rules decide, or to a profile, bumps it and adds an
entry to CHANGELOG.md; ``tests/test_policy_version.py`` holds the
fingerprint of each version's rulings and fails when they drift unbumped.
"""

POLICY_VERSION = "1.3.1"
