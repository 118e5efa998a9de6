from __future__ import annotations

import socket

from widgets import serve


def test_busy_port_is_refused_with_a_clear_message(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        rc = serve.main(["--port", str(port)])
    assert rc == 2
    err = capsys.readouterr().err
    assert f"Port {port}" in err and "already in use" in err and "PORT=" in err


def test_app_configuration():
    app, args = serve.build_app(["--port", "9999", "--cull-idle", "30"])
    cfg = app.config
    assert cfg.Voila.port_retries == 0
    assert cfg.VoilaConfiguration.template == "course"
    assert cfg.VoilaConfiguration.show_tracebacks is False
    assert cfg.VoilaConfiguration.strip_sources is True
    assert cfg.MappingKernelManager.cull_idle_timeout == 30
    assert cfg.MappingKernelManager.cull_connected is False
    assert "jupyterlab-plotly" not in cfg.VoilaConfiguration.extension_allowlist
