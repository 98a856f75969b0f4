"""How personal data is shown: pure functions, no database, importable from every floor."""


def mask_phone(phone: str) -> str:
    """138****1234: the one place a phone number is masked for display.

    Mobile numbers keep their first 3 and last 4 digits; shorter numbers keep at most two
    digits at each end, so that at least half of any number is hidden.
    """
    digits = (phone or "").strip()
    if not digits:
        return ""
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 8:
        return f"{digits[:2]}****{digits[-2:]}"
    return "****"
