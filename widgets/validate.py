"""``python -m widgets.validate``: kept so the command educators know still works.

The checker itself is :mod:`widgets.authoring.validate`.  This file runs it by
name, so the kernel side never imports the authoring tools.
"""

import runpy

if __name__ == "__main__":
    runpy.run_module("widgets.authoring.validate", run_name="__main__", alter_sys=True)
