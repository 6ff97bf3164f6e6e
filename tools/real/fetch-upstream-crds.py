#!/usr/bin/env python3
"""Fetches the upstream CRDs listed in upstream-crds.json (kinds the estate emits that
../shared/schemas does not store) into DEST, each checked against its git blob hash.

Sources, in order: the Go module proxy (`go mod download` of the module at the tag), the
repository's raw file at the tag, a local git clone named by SWITCHYARD_UPSTREAM_GIT_<REPOSITORY>
(owner/name upper-cased, other characters as `_`). A CRD no source serves is reported and left
out; the exit code stays 0, because the tests that need it skip and say why.

usage: fetch-upstream-crds.py LIST DEST
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import urllib.request


def blob_hash(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def from_module_proxy(crd: dict) -> bytes:
    result = subprocess.run(
        ["go", "mod", "download", "-json", f"{crd['module']}@{crd['tag']}"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    info = json.loads(result.stdout or "{}")
    if "Dir" not in info:
        raise RuntimeError((info.get("Error") or result.stderr or "no module directory").splitlines()[-1])
    with open(os.path.join(info["Dir"], crd["path"]), "rb") as file:
        return file.read()


def from_raw_file(crd: dict) -> bytes:
    url = f"https://raw.githubusercontent.com/{crd['repository']}/{crd['tag']}/{crd['path']}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def from_local_clone(crd: dict) -> bytes:
    variable = "SWITCHYARD_UPSTREAM_GIT_" + re.sub(r"[^A-Z0-9]", "_", crd["repository"].upper())
    clone = os.environ.get(variable)
    if not clone:
        raise RuntimeError(f"{variable} is not set")
    return subprocess.run(
        ["git", "-C", clone, "show", f"{crd['tag']}:{crd['path']}"], capture_output=True, check=True, timeout=60
    ).stdout


SOURCES = [
    ("Go module proxy", from_module_proxy),
    ("raw file", from_raw_file),
    ("local clone", from_local_clone),
]


def fetch(crd: dict, dest: str) -> bool:
    target = os.path.join(dest, os.path.basename(crd["path"]))
    name = f"{crd['repository']}@{crd['tag']}:{crd['path']}"
    if os.path.exists(target):
        with open(target, "rb") as file:
            if blob_hash(file.read()) == crd["blob"]:
                print(f"  {os.path.basename(target):<60} up to date")
                return True
    failures = []
    for label, source in SOURCES:
        try:
            data = source(crd)
        except Exception as error:  # noqa: BLE001 - every failure is reported, then the next source tried
            failures.append(f"{label}: {str(error).strip() or type(error).__name__}")
            continue
        if blob_hash(data) != crd["blob"]:
            failures.append(f"{label}: blob {blob_hash(data)[:12]} is not the pinned {crd['blob'][:12]}")
            continue
        os.makedirs(dest, exist_ok=True)
        temporary = f"{target}.{os.getpid()}.tmp"
        with open(temporary, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
        print(f"  {os.path.basename(target):<60} fetched ({label})")
        return True
    print(f"  NOT FETCHED {name}: the tests that validate against it skip, saying why", file=sys.stderr)
    for failure in failures:
        print(f"    {failure}", file=sys.stderr)
    return False


def main() -> int:
    list_file, dest = sys.argv[1:3]
    with open(list_file, encoding="utf-8") as file:
        crds = json.load(file)["crds"]
    fetched = sum(fetch(crd, dest) for crd in crds)
    print(f"  upstream CRDs: {fetched}/{len(crds)} in {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
