"""``python -m widgets.server``: run the course server (what ``make serve`` runs)."""

from widgets.server.serve import main

raise SystemExit(main())
