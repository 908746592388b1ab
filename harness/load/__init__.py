"""Refresh storms with Locust, run in their own process (Locust monkey-patches with gevent).

Import `harness.load.runner` from the test process; `harness.load.locustfile` is only ever
loaded by the `locust` command.
"""
