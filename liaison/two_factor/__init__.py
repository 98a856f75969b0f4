"""Two-factor sign-in (issue #10, 等保 level 3): a TOTP code from an authenticator app, or a
printed recovery code, as a step of its own after the password. Required for county staff
and superusers (who can unmask every citizen's phone), optional for everyone else, and then
required for them too once they enrolled. A small Django app of its own inside the liaison
floor (label ``two_factor``) so that its admin, its signal and its command are found like
any app's; it has no models: the devices are django-otp's."""
