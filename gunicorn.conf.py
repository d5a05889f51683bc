"""gunicorn reads this file from the working directory (the image's /app).

It trusts X-Forwarded-Proto and X-Forwarded-For from the same proxies as the app does:
TRUSTED_PROXIES, when it lists their addresses or CIDR ranges (see huntaze/settings/base.py).
With a count there, name the addresses in FORWARDED_ALLOW_IPS; by default only the machine
itself is trusted.
"""

import os

_trusted = os.environ.get("TRUSTED_PROXIES", "").strip()
if _trusted and not _trusted.isdigit():
    forwarded_allow_ips = _trusted
else:
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
