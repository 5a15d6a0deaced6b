#!/usr/bin/env python3
"""Dependency guard: which workspace crate may depend on which, as an allow-list.

Every workspace crate must have a row in ALLOWED; a crate without one fails the check, so a
new crate starts with a decision about where it sits. Checked against `cargo metadata`:

- normal and build dependencies on workspace crates must be in the crate's row;
- dev-dependencies may also name the crate itself (to turn on its own test-support feature)
  and, above the core, the test-support crates: socialpub-ports (its fakes) and
  socialpub-platform-sim (the simulator);
- the core (domain, ports, application) reaches no I/O framework, even transitively;
- TLS is rustls on ring only: the banned crates appear nowhere in the graph, dev included.

Usage: scripts/check-dependencies.py            check the workspace
       scripts/check-dependencies.py --self-test show that each kind of violation is caught
"""

import copy
import json
import subprocess
import sys

CORE = ["socialpub-domain", "socialpub-ports"]
PLATFORM = CORE + ["socialpub-platform-http"]
ADAPTER = CORE

# crate -> the workspace crates it may depend on (normal and build dependencies).
ALLOWED = {
    # A self-contained library: our code, no workspace crate below it.
    "socialpub-twitter-text": [],
    "socialpub-domain": ["socialpub-twitter-text"],
    "socialpub-ports": ["socialpub-domain"],
    "socialpub-application": CORE,
    # Adapters: the core only, never each other.
    "socialpub-crypto": ADAPTER,
    "socialpub-persistence": ADAPTER,
    "socialpub-cache": ADAPTER,
    "socialpub-auth": ADAPTER,
    "socialpub-assets": ADAPTER,
    # The Metrics port on prometheus-client.
    "socialpub-metrics": ADAPTER,
    "socialpub-platform-http": ADAPTER,
    # The simulator speaks the platforms' wire formats; it knows platform names, nothing else.
    "socialpub-platform-sim": ["socialpub-domain"],
    # One crate per platform: the shared HTTP plumbing, never another platform.
    "socialpub-facebook": PLATFORM,
    "socialpub-instagram": PLATFORM,
    "socialpub-linkedin": PLATFORM,
    "socialpub-pinterest": PLATFORM,
    "socialpub-tiktok": PLATFORM,
    "socialpub-x": PLATFORM,
    # The HTTP layer calls application services; it names no adapter.
    "socialpub-http-api": ["socialpub-application"] + CORE,
    # The composition root is the one crate that names adapters.
    "socialpub-composition": [
        "socialpub-application",
        "socialpub-assets",
        "socialpub-auth",
        "socialpub-cache",
        "socialpub-crypto",
        "socialpub-facebook",
        "socialpub-http-api",
        "socialpub-instagram",
        "socialpub-linkedin",
        "socialpub-metrics",
        "socialpub-persistence",
        "socialpub-pinterest",
        "socialpub-platform-http",
        "socialpub-platform-sim",
        "socialpub-tiktok",
        "socialpub-x",
    ]
    + CORE,
    # The benchmarks measure the real adapters together, as a test would; nothing depends on
    # them and they ship in no binary.
    "socialpub-bench": [
        "socialpub-application",
        "socialpub-assets",
        "socialpub-crypto",
        "socialpub-persistence",
        "socialpub-platform-http",
        "socialpub-platform-sim",
        "socialpub-tiktok",
        "socialpub-x",
    ]
    + CORE,
    # The binary reaches adapters only through the composition root.
    "socialpub": ["socialpub-composition", "socialpub-domain"],
}

# Crates below the test-support crates: their tests use nothing but themselves.
NO_TEST_SUPPORT = {"socialpub-twitter-text", "socialpub-domain", "socialpub-ports"}
TEST_SUPPORT = ["socialpub-ports", "socialpub-platform-sim"]

# External crates the core may not reach through normal dependencies.
CORE_FORBIDDEN = {
    "socialpub-domain": [
        "diesel", "diesel-async", "actix-web", "reqwest", "tokio", "tokio-postgres", "hyper",
        "async-trait",
    ],
    # tokio is allowed from here out: the workers (application) are tasks, timers and a
    # shutdown signal on the owner's chosen runtime, and the ports' in-memory fakes (feature
    # `fakes`, tests only) wake and wait like the real adapters do. No I/O stack comes with it.
    "socialpub-ports": [
        "diesel", "diesel-async", "actix-web", "reqwest", "tokio-postgres", "hyper",
    ],
    "socialpub-application": [
        "diesel", "diesel-async", "actix-web", "reqwest", "tokio-postgres", "hyper",
    ],
    "socialpub-http-api": ["diesel", "diesel-async", "reqwest"],
}

# Anywhere in the graph: TLS is rustls with ring, PostgreSQL is tokio-postgres.
BANNED = ["aws-lc-sys", "aws-lc-rs", "openssl-sys", "native-tls", "pq-sys"]


def host_triple():
    out = subprocess.run(["rustc", "-vV"], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("host: "):
            return line.split(": ", 1)[1]
    raise SystemExit("rustc -vV names no host")


def load_metadata():
    # The host's graph only, as `cargo tree` shows it: Windows-only crates are not ours.
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--filter-platform", host_triple()],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def kind_of(dep_kind):
    return dep_kind["kind"] or "normal"


def check(metadata):
    """Returns every violation as one line."""
    problems = []
    packages = {p["id"]: p for p in metadata["packages"]}
    members = [packages[i] for i in metadata["workspace_members"]]
    names = {p["name"] for p in members}

    for name in sorted(names - ALLOWED.keys()):
        problems.append(f"{name}: not in the allow-list table; add a row to {sys.argv[0]}")
    for name in sorted(ALLOWED.keys() - names):
        if name != "socialpub-twitter-text":  # being added; its row is ready
            problems.append(f"{name}: in the table but not in the workspace; drop its row")

    for package in sorted(members, key=lambda p: p["name"]):
        name = package["name"]
        allowed = set(ALLOWED.get(name, []))
        for dep in package["dependencies"]:
            if dep["name"] not in names:
                continue
            kind = dep["kind"] or "normal"
            if kind == "dev":
                extra = {name} | (set() if name in NO_TEST_SUPPORT else set(TEST_SUPPORT))
                if dep["name"] not in allowed | extra:
                    problems.append(f"{name}: dev-dependency on {dep['name']} is not allowed")
            elif dep["name"] not in allowed:
                problems.append(f"{name}: {kind} dependency on {dep['name']} is not allowed")

    nodes = {n["id"]: n for n in metadata["resolve"]["nodes"]}

    def reach(start, kinds):
        """Package id -> the path that reaches it from `start` over edges of these kinds."""
        seen = {start: [packages[start]["name"]]}
        todo = [start]
        while todo:
            current = todo.pop()
            for dep in nodes[current]["deps"]:
                if not any(kind_of(k) in kinds for k in dep["dep_kinds"]):
                    continue
                if dep["pkg"] not in seen:
                    seen[dep["pkg"]] = seen[current] + [packages[dep["pkg"]]["name"]]
                    todo.append(dep["pkg"])
        return seen

    for package in members:
        forbidden = CORE_FORBIDDEN.get(package["name"], [])
        if not forbidden:
            continue
        for pkg_id, path in reach(package["id"], {"normal"}).items():
            if packages[pkg_id]["name"] in forbidden:
                problems.append(f"{package['name']}: reaches {' -> '.join(path)}")

    for package in members:
        for pkg_id, path in reach(package["id"], {"normal", "build", "dev"}).items():
            if packages[pkg_id]["name"] in BANNED:
                problems.append(f"banned crate in the graph: {' -> '.join(path)}")
    return sorted(set(problems))


def self_test(metadata):
    """Each kind of violation, planted in a copy of the real graph, is reported."""
    by_name = {p["name"]: p for p in metadata["packages"]}

    def planted(change):
        broken = copy.deepcopy(metadata)
        change(broken, {p["name"]: p for p in broken["packages"]})
        return check(broken)

    def add_dep(broken, names, source, target, kind=None):
        names[source]["dependencies"].append({"name": target, "kind": kind})

    def add_member(broken, names):
        clone = copy.deepcopy(names["socialpub-cache"])
        clone["name"] = "socialpub-newcomer"
        clone["id"] = "path+file:///newcomer#0.0.0"
        broken["packages"].append(clone)
        broken["workspace_members"].append(clone["id"])
        broken["resolve"]["nodes"].append({"id": clone["id"], "deps": []})

    def plant_in_graph(broken, names, source, crate):
        fake = {"name": crate, "id": f"registry+fake#{crate}@0.0.0", "dependencies": []}
        broken["packages"].append(fake)
        broken["resolve"]["nodes"].append({"id": fake["id"], "deps": []})
        for node in broken["resolve"]["nodes"]:
            if node["id"] == names[source]["id"]:
                node["deps"].append(
                    {"pkg": fake["id"], "dep_kinds": [{"kind": None, "target": None}]}
                )

    cases = [
        ("a platform on another platform", "socialpub-x: normal dependency on socialpub-linkedin",
         lambda b, n: add_dep(b, n, "socialpub-x", "socialpub-linkedin")),
        ("the simulator on an adapter", "socialpub-platform-sim: normal dependency on socialpub-crypto",
         lambda b, n: add_dep(b, n, "socialpub-platform-sim", "socialpub-crypto")),
        ("the binary on an adapter", "socialpub: normal dependency on socialpub-persistence",
         lambda b, n: add_dep(b, n, "socialpub", "socialpub-persistence")),
        ("a dev-dependency on an adapter", "socialpub-http-api: dev-dependency on socialpub-persistence",
         lambda b, n: add_dep(b, n, "socialpub-http-api", "socialpub-persistence", "dev")),
        ("a crate missing from the table", "socialpub-newcomer: not in the allow-list table",
         add_member),
        ("the domain reaching tokio", "socialpub-domain: reaches socialpub-domain -> tokio",
         lambda b, n: plant_in_graph(b, n, "socialpub-domain", "tokio")),
        ("a banned TLS crate", "banned crate in the graph: socialpub-auth -> openssl-sys",
         lambda b, n: plant_in_graph(b, n, "socialpub-auth", "openssl-sys")),
    ]
    failed = False
    for what, expected, change in cases:
        found = planted(change)
        ok = any(p.startswith(expected) for p in found)
        failed |= not ok
        print(f"{'caught' if ok else 'MISSED'}: {what}" + ("" if ok else f" (got {found})"))
    if "socialpub-cache" not in by_name:
        print("MISSED: the self-test needs socialpub-cache in the workspace")
        failed = True
    return not failed


def main():
    metadata = load_metadata()
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(0 if self_test(metadata) else 1)
    problems = check(metadata)
    for problem in problems:
        print(f"FORBIDDEN: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"dependency guards: ok ({len(metadata['workspace_members'])} crates)")


if __name__ == "__main__":
    main()
