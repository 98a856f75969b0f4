"""The study pages: the representative's (phone) and the staff's (in the admin's frame)."""
