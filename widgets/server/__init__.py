"""The course server: renders each lesson once per content version, serves pages, grades answers.

``python -m widgets.server`` (``make serve``).  Lessons never import this package.
"""
