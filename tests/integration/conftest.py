import pytest

from tests.integration.portals import portal_factory


@pytest.fixture
def portals(tmp_path):
    """``portals(name)``: a portal of its own (tests/integration/portals.py), its database
    dropped after the test."""
    new, cleanup = portal_factory(tmp_path)
    try:
        yield new
    finally:
        cleanup()
