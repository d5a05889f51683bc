"""Reads for the fans' pages: only public creators, only published posts, only saved links."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from apps.users.models import Follow, Link, User

from ..models import ContentItem

POSTS_PER_PAGE = 12
FEED_POSTS_PER_PAGE = 20


def public_creator_get(*, handle: str) -> User:
    """The creator behind /@handle/; 404 for unknown, fan or suspended accounts."""
    user = (
        User.objects.public_creators()
        .filter(handle=handle.lower())
        .only("id", "handle", "name", "bio", "avatar", "cover", "accent", "updated_at")
        .first()
    )
    if user is None:
        raise Http404("No such creator")
    return user


def public_posts(*, creator: User) -> QuerySet[ContentItem]:
    return ContentItem.objects.filter(user=creator, status=ContentItem.Status.PUBLISHED).order_by(
        "-published_at", "-pk"
    )


def public_posts_page(*, creator: User, number: int) -> Page:
    posts = (
        public_posts(creator=creator)
        .select_related("media")
        .only(
            "id",
            "title",
            "body",
            "slug",
            "kind",
            "published_at",
            "media__name",
            "media__thumb_name",
            "media__is_public",
            "media__width",
            "media__height",
            "media__alt_text",
        )
    )
    paginator = Paginator(posts, POSTS_PER_PAGE)
    if number < 1 or (number > paginator.num_pages and number != 1):
        raise Http404("No such page")
    return paginator.page(number)


def public_post_get(*, creator: User, slug: str) -> ContentItem:
    post = public_posts(creator=creator).select_related("media").filter(slug=slug).first()
    if post is None:
        raise Http404("No such post")
    return post


def public_links(*, creator: User) -> list[Link]:
    return list(Link.objects.filter(user=creator).only("id", "title", "url"))


def public_link_get(*, creator: User, link_id) -> Link:
    """Only a link the creator saved: the redirect can never point anywhere else."""
    link = Link.objects.filter(user=creator, pk=link_id).only("id", "url").first()
    if link is None:
        raise Http404("No such link")
    return link


def follower_count(*, creator: User) -> int:
    return Follow.objects.filter(creator=creator).count()


def follow_exists(*, follower: User, creator: User) -> bool:
    return Follow.objects.filter(follower=follower, creator=creator).exists()


def followed_creator_get(*, handle: str) -> User:
    """The creator behind an unfollow: any account with that handle, so a fan can still
    unfollow a creator who was suspended or turned private since."""
    creator = User.objects.filter(handle__iexact=handle).only("id", "handle").first()
    if creator is None:
        raise Http404("No such creator")
    return creator


def feed_creators(*, follower: User) -> list[User]:
    """The public creators a fan follows."""
    return list(
        User.objects.public_creators()
        .filter(followers__follower=follower)
        .only("id", "handle", "name")
    )


def feed_posts_page(*, creators: list[User], number: str | None) -> Page:
    """A page of the followed creators' published posts, newest first."""
    posts = (
        ContentItem.objects.filter(user__in=creators, status=ContentItem.Status.PUBLISHED)
        .select_related("user")
        .only("id", "title", "body", "slug", "published_at", "user__handle", "user__name")
        .order_by("-published_at", "-pk")
    )
    return Paginator(posts, FEED_POSTS_PER_PAGE).get_page(number)
