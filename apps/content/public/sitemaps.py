from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from apps.users.models import User

from ..models import ContentItem


class _HuntazeSitemap(Sitemap):
    @property
    def protocol(self):
        return "https" if settings.SITE_URL.startswith("https") else "http"


class CreatorSitemap(_HuntazeSitemap):
    changefreq = "daily"

    def items(self):
        return User.objects.public_creators().only("handle", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("public_page", args=[item.handle])

    def lastmod(self, item):
        return item.updated_at


class PostSitemap(_HuntazeSitemap):
    changefreq = "weekly"

    def items(self):
        return (
            ContentItem.objects.filter(
                status=ContentItem.Status.PUBLISHED,
                user__in=User.objects.public_creators(),
            )
            .select_related("user")
            .only("slug", "updated_at", "user__handle")
            .order_by("pk")
        )

    def location(self, item):
        return reverse("public_post", args=[item.user.handle, item.slug])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"creators": CreatorSitemap, "posts": PostSitemap}
