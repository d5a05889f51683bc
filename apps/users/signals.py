"""Signals other apps listen to, so that this app imports none of them."""

from django.dispatch import Signal

# Sent (on commit) whenever what fans see of a creator changes: profile, links, handle,
# suspension. Arguments: user, handles (every handle the public page was or is served at).
public_profile_changed = Signal()

# Sent inside the deleting transaction, before the user's rows go: apps that keep files or
# other things outside the database for the user remove them (on commit). Argument: user.
user_deleting = Signal()
