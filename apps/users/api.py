from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class MeApi(APIView):
    """The account the API key belongs to."""

    class MeOutputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        name = serializers.CharField()
        handle = serializers.CharField(allow_null=True)
        role = serializers.CharField()
        tier = serializers.CharField()

    @extend_schema(responses=MeOutputSerializer, summary="Who am I")
    def get(self, request):
        return Response(self.MeOutputSerializer(request.user).data)
