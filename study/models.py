"""study models: filled by issue #11."""
