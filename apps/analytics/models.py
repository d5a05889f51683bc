from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """Something that happened, for creator analytics: a page view, a link click.

    Fans are never identified: `visitor` is a hash under a random salt that lives one day
    (services.visitor_hash); no address is kept.
    """

    class Kind(models.TextChoices):
        PAGE_VIEW = "page_view", _("Page view")
        LINK_CLICK = "link_click", _("Link click")

    class Device(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        TABLET = "tablet", _("Tablet")
        DESKTOP = "desktop", _("Desktop")

    kind = models.CharField(max_length=20, choices=Kind)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analytics_events"
    )
    link_id = models.UUIDField(null=True, blank=True)
    content_id = models.BigIntegerField(null=True, blank=True)
    visitor = models.CharField(max_length=64, blank=True)
    device = models.CharField(max_length=10, choices=Device, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["creator", "kind", "created_at"], name="event_creator_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.creator_id}"
