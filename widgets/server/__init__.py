"""The course server: renders each lesson once per content version, serves pages, grades answers.

``python -m widgets.server`` (``make serve``).  Lessons never import this package.

- ``serve``: the command line, start and stop (checks :mod:`widgets.compat` first);
- ``app``: the routes, security headers and request log; ``handlers``: the pages;
- ``pages``: rendered pages by content version, in memory and on disk;
  ``contentversion``: the hash a page is cached under; ``render``: one Voila render;
- ``gradeapi``: ``POST /course/api/grade``.
"""
