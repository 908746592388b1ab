"""The app's own endpoints: who am I, and an authenticated action."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response


class EchoSerializer(serializers.Serializer):  # type: ignore[misc]
    message = serializers.CharField(max_length=2000)


@api_view(["GET"])
def me(request: Request) -> Response:
    return Response({"id": request.user.id, "username": request.user.username})


@api_view(["POST"])
def echo(request: Request) -> Response:
    serializer = EchoSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response({"reply": serializer.validated_data["message"]})
