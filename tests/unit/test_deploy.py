"""The deployment files: the Dockerfile, the Kubernetes manifests and nginx's config.

Nothing is built or deployed here (no container engine, no cluster).  The
manifests are checked offline against the Kubernetes API schemas that
kubernetes-validate bundles, in strict mode (an unknown field is an error),
and against each other: the names, labels and ports that tie them together.
The nginx config is rendered as ``make cluster`` renders it and checked with
``nginx -t``.
"""

from __future__ import annotations

import copy
import json
import re
import shlex
import shutil
import subprocess
from fnmatch import fnmatch
from pathlib import Path

import jinja2
import kubernetes_validate
import pytest
import yaml

from tests.conftest import IN_CI, ROOT, free_port

K8S = ROOT / "deploy" / "k8s"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.j2"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# A recent Kubernetes release whose schemas kubernetes-validate bundles.
K8S_VERSION = "1.33"
APP_LABELS = {"app.kubernetes.io/name": "ketamine-course"}
SERVE_PORT = 8866


# ---- loading ----------------------------------------------------------------

def manifest_files() -> list[Path]:
    return sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def load_all() -> list[dict]:
    found = []
    for path in manifest_files():
        found += [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return found


def one(kind: str) -> dict:
    matches = [r for r in load_all() if r["kind"] == kind]
    assert len(matches) == 1, f"expected one {kind} in deploy/k8s, found {len(matches)}"
    return matches[0]


def pod_spec() -> dict:
    return one("Deployment")["spec"]["template"]["spec"]


def container() -> dict:
    containers = pod_spec()["containers"]
    assert len(containers) == 1, "the course pod has one container"
    return containers[0]


def container_port(port: int | str) -> int:
    """A port given by number or by name, as the container's port number."""
    ports = container()["ports"]
    if isinstance(port, int):
        assert port in [p["containerPort"] for p in ports], f"no container port {port}"
        return port
    named = [p["containerPort"] for p in ports if p.get("name") == port]
    assert named, f"no container port named {port!r}"
    return named[0]


def quantity(value: str | int) -> float:
    """A Kubernetes quantity ("512Mi", "250m", "1") as a plain number."""
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9, "m": 1e-3}
    match = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(value))
    assert match, f"not a quantity: {value!r}"
    number, unit = match.groups()
    return float(number) * units.get(unit, 1)


def nginx_size(value: str) -> int:
    """An nginx size ("64k", "1m", "512") in bytes."""
    match = re.fullmatch(r"([0-9]+)([kKmM]?)", value)
    assert match, f"not an nginx size: {value!r}"
    return int(match.group(1)) * {"": 1, "k": 2**10, "m": 2**20}[match.group(2).lower()]


# ---- every manifest is valid Kubernetes -------------------------------------

@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: p.name)
def test_manifest_is_valid_kubernetes_in_strict_mode(path):
    docs = [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    assert docs, f"{path.name} holds no resource"
    for resource in docs:
        try:
            checked = kubernetes_validate.validate(resource, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as e:
            where = ".".join(str(x) for x in e.path)
            pytest.fail(f"{path.name}: {resource['kind']} is not valid Kubernetes {K8S_VERSION}: {where}: {e.message}")
        assert checked == K8S_VERSION, f"validated against {checked}, not {K8S_VERSION}"


def test_the_expected_resources_are_there_with_one_app_label():
    kinds = sorted(r["kind"] for r in load_all())
    assert kinds == sorted(["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress"])
    for r in load_all():
        assert r["metadata"]["name"] == "ketamine-course", r["kind"]
        assert APP_LABELS.items() <= r["metadata"].get("labels", {}).items(), r["kind"]
    assert one("HorizontalPodAutoscaler")["apiVersion"] == "autoscaling/v2"
    assert one("PodDisruptionBudget")["apiVersion"] == "policy/v1"
    assert one("Ingress")["apiVersion"] == "networking.k8s.io/v1"


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    assert sorted(kustomization["resources"]) == [p.name for p in manifest_files()]


# ---- and a broken one is caught ---------------------------------------------

def _misspelt_field(deployment: dict) -> None:
    c = deployment["spec"]["template"]["spec"]["containers"][0]
    c["readinesProbe"] = c.pop("readinessProbe")


def _wrong_type(deployment: dict) -> None:
    deployment["spec"]["replicas"] = "two"


def _missing_required(deployment: dict) -> None:
    del deployment["spec"]["selector"]


@pytest.mark.parametrize("breakage", [_misspelt_field, _wrong_type, _missing_required],
                         ids=["misspelt-field", "wrong-type", "missing-selector"])
def test_a_broken_deployment_fails_validation(breakage):
    broken = copy.deepcopy(one("Deployment"))
    breakage(broken)
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


def test_strict_mode_is_what_catches_a_misspelt_optional_field():
    broken = copy.deepcopy(one("Deployment"))
    _misspelt_field(broken)
    # Without strict mode an unknown field passes: this is why the tests use it.
    assert kubernetes_validate.validate(broken, K8S_VERSION, strict=False) == K8S_VERSION


# ---- the manifests agree with each other ------------------------------------

def test_deployment_selects_its_own_pods():
    d = one("Deployment")
    pod_labels = d["spec"]["template"]["metadata"]["labels"]
    assert d["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert APP_LABELS.items() <= pod_labels.items()
    assert d["spec"]["replicas"] >= 2


def test_service_selects_the_pods_and_targets_the_container_port():
    service, d = one("Service"), one("Deployment")
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert service["spec"]["selector"].items() <= d["spec"]["template"]["metadata"]["labels"].items()
    assert service["spec"].get("sessionAffinity", "None") == "None", "no sticky sessions"
    for port in service["spec"]["ports"]:
        assert container_port(port["targetPort"]) == SERVE_PORT


def test_probes_ask_the_servers_health_endpoints():
    c = container()
    assert c["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["livenessProbe"]["httpGet"]["path"] == "/livez"
    startup = c["startupProbe"]
    assert startup["httpGet"]["path"] in ("/healthz", "/livez")
    # Generous: a cold pod that has to render every lesson gets minutes, not seconds.
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 120
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container_port(c[probe]["httpGet"]["port"]) == SERVE_PORT, probe


def test_hpa_scales_the_deployment_on_cpu():
    hpa, d = one("HorizontalPodAutoscaler"), one("Deployment")
    ref = hpa["spec"]["scaleTargetRef"]
    assert (ref["apiVersion"], ref["kind"], ref["name"]) == ("apps/v1", "Deployment", d["metadata"]["name"])
    assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    cpu = [m for m in hpa["spec"]["metrics"] if m["type"] == "Resource" and m["resource"]["name"] == "cpu"]
    assert cpu and cpu[0]["resource"]["target"]["type"] == "Utilization"
    # Utilization is a share of the CPU request, so the pods must have one.
    assert "cpu" in container()["resources"]["requests"]


def test_pdb_covers_the_deployments_pods():
    pdb, d = one("PodDisruptionBudget"), one("Deployment")
    assert pdb["spec"]["minAvailable"] == 1
    assert pdb["spec"]["selector"]["matchLabels"] == d["spec"]["selector"]["matchLabels"]
    assert pdb["spec"]["minAvailable"] < d["spec"]["replicas"], "a drain could never evict a pod"


def test_ingress_sends_everything_to_the_service():
    ingress, service = one("Ingress"), one("Service")
    service_ports = {p["port"] for p in service["spec"]["ports"]} | {p.get("name") for p in service["spec"]["ports"]}
    backends = [path["backend"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]
    assert backends
    for backend in backends:
        assert backend["service"]["name"] == service["metadata"]["name"]
        port = backend["service"]["port"]
        assert port.get("name", port.get("number")) in service_ports


def test_ingress_matches_the_nginx_config_and_has_no_sticky_sessions():
    annotations = one("Ingress")["metadata"].get("annotations", {})
    assert not [k for k in annotations if "affinity" in k or "sticky" in k], "no sticky sessions are needed"
    template = NGINX_TEMPLATE.read_text(encoding="utf-8")
    body = re.search(r"client_max_body_size\s+(\S+);", template).group(1)
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == body
    assert nginx_size(body) <= 1024 * 1024, "the body limit stays small"
    assert "non_idempotent" in annotations["nginx.ingress.kubernetes.io/proxy-next-upstream"].split()


def test_pod_runs_unprivileged_with_a_read_only_root():
    spec, c = pod_spec(), container()
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    assert spec.get("automountServiceAccountToken") is False
    sc = c["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]], "/tmp must be writable: a rendering kernel keeps files there"


def test_resources_fit_the_server_and_a_rendering_kernel():
    resources = container()["resources"]
    for part in ("requests", "limits"):
        assert {"cpu", "memory"} <= resources[part].keys(), part
    # About 200 MB serving plus about 150 MB for a kernel while a lesson renders.
    assert quantity(resources["limits"]["memory"]) >= 350 * 2**20
    assert quantity(resources["requests"]["memory"]) >= 200 * 2**20
    assert quantity(resources["requests"]["memory"]) <= quantity(resources["limits"]["memory"])
    assert quantity(resources["requests"]["cpu"]) <= quantity(resources["limits"]["cpu"])


def test_trusted_proxies_setting_is_in_the_deployment():
    env = {e["name"]: e.get("value") for e in container().get("env", [])}
    assert "COURSE_TRUSTED_PROXIES" in env


# ---- the Dockerfile ---------------------------------------------------------

def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined."""
    instructions, pending = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = pending + stripped
        pending = ""
        word, _, rest = full.partition(" ")
        instructions.append((word.upper(), rest.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def args_of(name: str) -> list[str]:
    return [rest for word, rest in dockerfile() if word == name]


def exec_form(text: str) -> list[str]:
    """A JSON (exec form) command, or a shell-form one split as the shell would."""
    try:
        parsed = json.loads(text)
    except ValueError:
        return shlex.split(text)
    assert isinstance(parsed, list), text
    return parsed


def test_dockerfile_base_is_python_311_on_bookworm():
    base = args_of("FROM")
    assert base and re.match(r"python:3\.11[\w.-]*-bookworm\b", base[0]), base


def test_dockerfile_runs_as_a_non_root_user_that_matches_the_deployment():
    users = args_of("USER")
    assert users, "no USER: the server would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    words = [word for word, _ in dockerfile()]
    last_user = max(i for i, word in enumerate(words) if word == "USER")
    assert words.index("CMD") > last_user, "the server must start as that user"
    if user.isdigit():
        assert int(user) == pod_spec()["securityContext"]["runAsUser"]


def test_dockerfile_exposes_the_servers_port():
    assert str(SERVE_PORT) in " ".join(args_of("EXPOSE")).split()
    assert SERVE_PORT == container_port("http")


def test_dockerfile_installs_with_the_constraints():
    installs = [r for r in args_of("RUN") if re.search(r"\bpip install\b", r)]
    assert installs, "no pip install"
    for run in installs:
        for command in re.split(r"&&|;", run):
            if re.search(r"\bpip install\b", command):
                assert "-c constraints.txt" in command, f"unconstrained install: {command.strip()}"
                assert "[test]" not in command, "the image needs no test tools"


def test_dockerfile_renders_every_lesson_at_build_time_as_the_server_user():
    order = dockerfile()
    renders = [i for i, (word, rest) in enumerate(order) if word == "RUN" and "--render-only" in rest]
    assert renders, "no --render-only step: containers would start cold"
    assert "widgets.server" in order[renders[-1]][1]
    last_copy = max(i for i, (word, _) in enumerate(order) if word == "COPY")
    last_user = max(i for i, (word, _) in enumerate(order) if word == "USER")
    assert renders[-1] > last_copy, "render after the lessons are copied in"
    assert renders[-1] > last_user, "render as the user that will serve, so it can read its cache"


def test_dockerfile_cache_is_not_hidden_by_a_mounted_volume():
    env = " ".join(args_of("ENV"))
    match = re.search(r"COURSE_CACHE_DIR=(\S+)", env)
    assert match, "the image sets COURSE_CACHE_DIR"
    cache = match.group(1)
    for mount in container()["volumeMounts"]:
        assert not (cache + "/").startswith(mount["mountPath"].rstrip("/") + "/"), (
            f"{mount['mountPath']} would hide the pages rendered into {cache} at build time")


def test_dockerfile_has_a_healthcheck_without_curl():
    checks = args_of("HEALTHCHECK")
    assert checks, "no HEALTHCHECK"
    assert "curl" not in checks[0] and "python" in checks[0]
    assert "/healthz" in checks[0] or "/livez" in checks[0]


def test_dockerfile_cmd_serves_the_course_on_all_interfaces():
    cmds = args_of("CMD")
    assert cmds, "no CMD"
    cmd = exec_form(cmds[-1])
    assert "-m" in cmd and cmd[cmd.index("-m") + 1] == "widgets.server", cmd
    assert "--host" in cmd and cmd[cmd.index("--host") + 1] == "0.0.0.0", cmd
    assert "--render-only" not in cmd and "--preview" not in cmd
    if "--port" in cmd:
        assert int(cmd[cmd.index("--port") + 1]) == SERVE_PORT


def test_dockerignore_keeps_local_clutter_out_and_the_course_in():
    patterns = [line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    for needed in (".venv", ".git", ".cache", "**/__pycache__", "**/node_modules"):
        assert needed in patterns, f".dockerignore should leave out {needed}"
    assert any(p.startswith("bench") for p in patterns), "bench results stay out"

    def ignored(path: str) -> bool:
        return any(fnmatch(path, p) or fnmatch(path, p.removeprefix("**/")) for p in patterns)

    for needed in ("pyproject.toml", "constraints.txt", "README.md", "widgets", "deploy",
                   "lessons", "assets", "widgets/views"):
        assert not ignored(needed), f".dockerignore leaves out {needed}, which the image needs"


# ---- nginx in front of N instances ------------------------------------------

def _need_nginx() -> None:
    if Path(NGINX).exists():
        return
    msg = f"nginx not found at {NGINX}: the nginx config check was NOT RUN (apt-get install nginx)"
    if IN_CI:
        pytest.fail(msg + " -- under CI=true this is a failure")
    pytest.skip(msg)


def test_nginx_config_renders_and_passes_nginx_t(tmp_path):
    _need_nginx()
    ports, port = [free_port(), free_port()], free_port()
    conf = jinja2.Template(NGINX_TEMPLATE.read_text(encoding="utf-8"), undefined=jinja2.StrictUndefined).render(
        prefix=tmp_path, ports=ports, host="127.0.0.1", port=port)
    path = tmp_path / "nginx.conf"
    path.write_text(conf, encoding="utf-8")
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(path)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr

    for p in ports:
        assert re.search(rf"^\s*server 127\.0\.0\.1:{p}\b", conf, re.M), f"instance on port {p} missing"
    assert re.search(rf"^\s*listen 127\.0\.0\.1:{port};", conf, re.M)
    retries = re.findall(r"^\s*proxy_next_upstream\s+([^;]*);", conf, re.M)
    assert retries and "non_idempotent" in retries[0].split(), "the grading POST is retried on another instance"
    directives = re.sub(r"#.*", "", conf)
    assert not re.search(r"^\s*(ip_hash|hash|sticky)\b", directives, re.M), "no sticky sessions"
