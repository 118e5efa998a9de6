"""Tools for educators and testers: content checks, the lesson contract, new lessons, reference lists.

``make check``, ``python -m widgets.validate``, ``make new-lesson``, ``make refs``,
``python -m widgets.authoring.execute``.  Lessons never import this package.
"""
