"""Refresh storms of browser-like profiles, run with Locust in processes of their own.

Import `harness.load.runner` (or `plan`, `figures`, `report`) from any process: they load
neither Locust nor gevent. `locustfile`, `coordinator`, `tabs`, `wire`, `provision` and
`process` are loaded only by the `locust` command (Locust monkey-patches with gevent).
"""
