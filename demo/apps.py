from django.apps import AppConfig


class DemoConfig(AppConfig):
    # No models: the app exists for its two management commands, load_demo and demo_info.
    name = "demo"
