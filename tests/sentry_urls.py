from django.urls import path


def boom(request):
    raise RuntimeError("Kaboom for the test")


urlpatterns = [path("boom/", boom)]
