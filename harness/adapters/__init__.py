"""Drop-in test-clock adapters: `/__harness__/clock` for apps the harness did not build.

`asgi` (FastAPI, Starlette), `wsgi` (Flask and any WSGI app) and `django` (middleware or URL
include) share one core, `clock_core`. Each runs in the app's server process and imports
nothing else from the harness. The protocol is in docs/test-clock.md.
"""
