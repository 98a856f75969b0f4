"""The demo county (柞水县): invented towns, stations, representatives, concerns and points,
loaded by `manage.py load_demo` for `make run` and the demo tests.

The top floor: it may import liaison, petitions and points; none of them imports it.
"""
