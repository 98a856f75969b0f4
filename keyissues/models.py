"""keyissues models: filled by issue #11."""
