"""Flask + Flask-JWT-Extended with tokens in cookies and double-submit CSRF, as its docs show.

`waitress-serve --call tests.apps.flask_jwt_cookies.app:create_app`. Environment:
APP_ACCESS_TTL_SECONDS (300), APP_REFRESH_TTL_SECONDS (86400), APP_USERS (see
tests/apps/seed.py), HARNESS_TEST_CLOCK=1 (serves /__harness__/clock, harness.adapters.wsgi).

Access tokens are read from an `Authorization: Bearer` header first, then from the
`access_token_cookie` cookie (with the `X-CSRF-TOKEN` header copied from `csrf_access_token`
on POST): a client may hold the access token in memory (login and refresh also return it in
the body) and ignore the access cookies. The refresh token is read from its cookie only, with
the `X-CSRF-TOKEN` header copied from `csrf_refresh_token`, and is not rotated.
"""

from __future__ import annotations

import os
from datetime import timedelta

from flask import Flask, Response, jsonify, request
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    get_jwt_identity,
    jwt_required,
    set_access_cookies,
    set_refresh_cookies,
    unset_jwt_cookies,
)
from werkzeug.security import check_password_hash, generate_password_hash

from harness.adapters.wsgi import TestClockMiddleware
from tests.apps.seed import seed_users, ttl_seconds


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        JWT_SECRET_KEY=os.environ.get("APP_SECRET_KEY", "flask-jwt-test-app-key-" + "0" * 40),
        JWT_TOKEN_LOCATION=["headers", "cookies"],
        JWT_COOKIE_CSRF_PROTECT=True,
        JWT_COOKIE_SECURE=False,  # served over http://127.0.0.1 in tests
        JWT_ACCESS_TOKEN_EXPIRES=timedelta(seconds=ttl_seconds("APP_ACCESS_TTL_SECONDS", 300)),
        JWT_REFRESH_TOKEN_EXPIRES=timedelta(seconds=ttl_seconds("APP_REFRESH_TTL_SECONDS", 86400)),
    )
    JWTManager(app)
    passwords = {name: generate_password_hash(pw) for name, pw in seed_users().items()}
    _add_routes(app, passwords)
    app.wsgi_app = TestClockMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    return app


def _add_routes(app: Flask, passwords: dict[str, str]) -> None:
    @app.post("/api/login")
    def login() -> tuple[Response, int] | Response:
        body = request.get_json(silent=True)
        username = body.get("username") if isinstance(body, dict) else None
        password = body.get("password") if isinstance(body, dict) else None
        if not isinstance(username, str) or not isinstance(password, str):
            return jsonify(msg="username and password are required"), 400
        stored = passwords.get(username)
        if stored is None or not check_password_hash(stored, password):
            return jsonify(msg="Bad username or password"), 401
        access_token = create_access_token(identity=username)
        response = jsonify(msg="login successful", access_token=access_token)
        set_access_cookies(response, access_token)
        set_refresh_cookies(response, create_refresh_token(identity=username))
        return response

    @app.post("/api/refresh")
    @jwt_required(refresh=True, locations=["cookies"])
    def refresh() -> Response:
        access_token = create_access_token(identity=get_jwt_identity())
        response = jsonify(msg="refreshed", access_token=access_token)
        set_access_cookies(response, access_token)
        return response

    @app.post("/api/logout")
    def logout() -> Response:
        response = jsonify(msg="logout successful")
        unset_jwt_cookies(response)
        return response

    @app.get("/api/me")
    @jwt_required()
    def me() -> Response:
        return jsonify(username=get_jwt_identity())

    @app.post("/api/echo")
    @jwt_required()
    def echo() -> tuple[Response, int] | Response:
        body = request.get_json(silent=True)
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, str):
            return jsonify(msg="message must be a string"), 400
        return jsonify(reply=message)
