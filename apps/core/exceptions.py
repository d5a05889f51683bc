"""Exceptions that services raise across layers. The web pages and the API each turn them
into a response in one place (a form error, or the DRF exception handler in `core.api`)."""


class UpgradeRequired(Exception):
    """The user's plan does not cover what was asked; nothing was done or charged.

    `upgrade_url` is the page where a bigger plan can be bought.
    """

    status_code = 402

    def __init__(self, message: str, upgrade_url: str):
        super().__init__(message)
        self.message = message
        self.upgrade_url = upgrade_url
