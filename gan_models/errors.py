class InvalidInputError(ValueError):
    """Raised for any input a user can get wrong (not an image, bad mask, too large, bad option).

    The message always says what was wrong and what to do instead; the app shows it verbatim.
    """
