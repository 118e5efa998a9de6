"""Readers of the course's own files: lessons, course map, glossary, references, data rules.

Kernel side: the figures and views use these, and so do the server and the
authoring tools.  Nothing here imports ``widgets.server`` or ``widgets.authoring``.
"""
