import factory
from allauth.account.models import EmailAddress

from apps.users.models import User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"creator{n}@example.com")
    name = factory.Sequence(lambda n: f"Creator {n}")
    handle = factory.Sequence(lambda n: f"creator{n}")
    role = User.Role.CREATOR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.save()
        if extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
