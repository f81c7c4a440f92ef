"""Test-session isolation: the suite never reads a developer's refreshed price snapshot or database."""
import os
import tempfile

# A user data folder of its own per test process: `pricing refresh` output and the default SQLite file of
# the developer running the suite are not seen, so results come from the embedded snapshot only.
os.environ["TIERSIZER_DATA_DIR"] = tempfile.mkdtemp(prefix="tiersizer-test-data-")
os.environ.pop("TIERSIZER_DATABASE_URL", None)
