"""mediation models: filled by issue #11."""
