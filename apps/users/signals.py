"""Signals other apps listen to, so that this app imports none of them."""

from django.dispatch import Signal

# Sent (on commit) whenever what fans see of a creator changes: profile, links, handle,
# suspension. Arguments: user, handles (every handle the public page was or is served at).
public_profile_changed = Signal()
