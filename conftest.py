"""Root conftest: the harness fixtures and markers come from the `session_harness` plugin.

pytester is enabled here because the plugin's own tests run pytest inside pytest.
"""

pytest_plugins = ("pytester",)
