#!/usr/bin/env bash
# Builds/installs the real reference platform used by `npm run test:real` into an ignored cache
# folder (default .cache/real, override with SWITCHYARD_REAL_CACHE). Idempotent: each component has
# a stamp keyed on its inputs (sources, go.sum, pinned versions, toolchain version) and is skipped
# when the stamp matches. Needs only the machine's go, python3 and network access to the Go module
# proxy and PyPI.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${SWITCHYARD_REAL_CACHE:-$root/.cache/real}
bin=$cache/bin
stamps=$cache/stamps
mkdir -p "$bin" "$stamps"

# Pinned upstream versions (docs/adr/0003-real-apiserver.md explains the choices). The Go module proxy
# this machine kind reaches answers 403 "not available" for crossplane v2.2.2-v2.2.4,
# function-patch-and-transform v0.10.8 and github.com/crossplane/function-auto-ready (any version),
# so these are the nearest versions it serves. function-auto-ready v0.7.0 is fetched by its old
# repository path, crossplane-contrib/, whose go.mod still declares the crossplane/ path.
CRANK_MODULE=github.com/crossplane/crossplane/v2@v2.2.1
FUNCTION_PT_MODULE=github.com/crossplane-contrib/function-patch-and-transform@v0.10.7
FUNCTION_AUTO_READY_MODULE=github.com/crossplane-contrib/function-auto-ready@v0.7.0
ARGOCD=github.com/argoproj/argo-cd/v3@v3.5.1
# helm, for `helm lint`/`helm template` of charts/switchyard (docs/adr/0008-helm-chart.md). Built from
# its own module (own go.mod/go.sum), so tools/real/go.mod's k8s pins are not involved.
HELM_MODULE=helm.sh/helm/v3@v3.22.0
# k8s.io/kubernetes: the full kube-apiserver (docs/adr/0019, tools/real/kube-apiserver) and its own
# OpenAPI v3 documents (api/openapi-spec/v3), the release whose built-in kinds `switchyard validate`
# checks (docs/adr/0016-builtin-kinds.md): test:real compares ../shared/schemas/kubernetes with them,
# file by file. v1.36.3: the proxy answers 403 for k8s.io/kubernetes v1.36.6.
KUBERNETES_MODULE=k8s.io/kubernetes@v1.36.3

export GOFLAGS=-buildvcs=false
go_version=$(go env GOVERSION)
python_version=$(python3 -c 'import sys; print(sys.version.split()[0])')
total_start=$(date +%s)

# component NAME KEY OUTPUT COMMAND...: runs COMMAND unless OUTPUT exists and NAME's stamp equals KEY.
component() {
  local name=$1 key=$2 output=$3
  shift 3
  local stamp="$stamps/$name"
  if [[ -e $output && -f $stamp && $(cat "$stamp") == "$key" ]]; then
    printf '  %-30s up to date\n' "$name"
    return
  fi
  local start
  start=$(date +%s)
  printf '  %-30s building...\n' "$name"
  rm -f "$stamp"
  "$@"
  echo "$key" >"$stamp"
  printf '  %-30s done in %ss\n' "$name" "$(($(date +%s) - start))"
}

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# version_ldflags VERSION: what /version reports (empty unless set; kubectl and clients read it).
version_ldflags() {
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$1"
  ldflags+=" -X k8s.io/component-base/version.gitMajor=$(echo "$1" | cut -d. -f1 | tr -d v)"
  ldflags+=" -X k8s.io/component-base/version.gitMinor=$(echo "$1" | cut -d. -f2)"
  ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"
  echo "$ldflags"
}

# lua-health, the gopher-lua harness of Argo CD's health scripts (docs/adr/0003). The module once
# also built kube-apiserver-lite, retired by docs/adr/0019 (the full kube-apiserver replaced it).
build_own_tools() {
  (cd "$here" && go build -ldflags "-s -w" -o "$bin/" ./cmd/...)
}

# The full kube-apiserver (docs/adr/0019): tools/real/kube-apiserver is a wrapper module around
# k8s.io/kubernetes at KUBERNETES_MODULE's version, with embedded etcd and a test PKI.
build_kube_apiserver() {
  local version=${KUBERNETES_MODULE#*@}
  if ! grep -q "k8s.io/kubernetes $version\$" "$here/kube-apiserver/go.mod"; then
    echo "tools/real/kube-apiserver/go.mod does not require k8s.io/kubernetes $version (KUBERNETES_MODULE)" >&2
    return 1
  fi
  (cd "$here/kube-apiserver" && GOWORK=off go build -ldflags "$(version_ldflags "$version")" -o "$bin/kube-apiserver" .)
}

module_dir() { go mod download -json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'; }

# install_from_module MODULE@VERSION PACKAGE NAME: builds PACKAGE inside the downloaded module with
# the module's own go.mod/go.sum. `go install path@version` is not usable here: it probes longer
# module paths first, and this proxy answers those probes with 403, which go treats as fatal.
install_from_module() {
  local dir
  dir=$(module_dir "$1")
  # -s -w: no symbol tables/DWARF (link-time only, so the build cache still applies); halves the size.
  (cd "$dir" && GOWORK=off go build -ldflags "-s -w" -o "$bin/$3" "$2")
}

# helm as upstream builds it (Makefile LDFLAGS), so `helm version` reports the release, not "+unreleased".
install_helm() {
  local dir version=${HELM_MODULE#*@}
  dir=$(module_dir "$HELM_MODULE")
  (cd "$dir" && GOWORK=off go build -o "$bin/helm" \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    ./cmd/helm)
}

install_moto() {
  rm -rf "$cache/venv"
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$here/requirements.txt"
  "$cache/venv/bin/pip" check --disable-pip-version-check >/dev/null
}

# Argo CD's own health scripts, taken from the released module (downloaded, not built).
copy_argocd_scripts() {
  local dir
  dir=$(module_dir "$ARGOCD")
  rm -rf "$cache/argocd"
  mkdir -p "$cache/argocd"
  cp -R "$dir/resource_customizations" "$cache/argocd/resource_customizations"
  chmod -R u+w "$cache/argocd"
  echo "$ARGOCD" >"$cache/argocd/VERSION"
}

# Kubernetes' OpenAPI documents, taken from the released module (downloaded, not built).
copy_kubernetes_openapi() {
  local dir
  dir=$(module_dir "$KUBERNETES_MODULE")
  rm -rf "$cache/kubernetes-openapi"
  mkdir -p "$cache/kubernetes-openapi"
  cp "$dir"/api/openapi-spec/v3/*.json "$cache/kubernetes-openapi/"
  chmod -R u+w "$cache/kubernetes-openapi"
  echo "$KUBERNETES_MODULE" >"$cache/kubernetes-openapi/VERSION"
}

echo "real:setup into $cache (go $go_version, python $python_version)"
# moto only needs the network and pip; let it run while Go compiles.
moto_key="$(hash_of "$here/requirements.txt")-$python_version"
moto_log=$cache/moto-install.log
component moto "$moto_key" "$cache/venv/bin/moto_server" install_moto >"$moto_log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true' EXIT

own_sources=$(cd "$here" && find go.mod go.sum cmd -type f | sort)
own_key="$(cd "$here" && hash_of $own_sources)-$go_version"
component own-tools "$own_key" "$bin/lua-health" build_own_tools
kube_apiserver_sources=$(cd "$here/kube-apiserver" && find . -type f | sort)
kube_apiserver_key="$(cd "$here/kube-apiserver" && hash_of $kube_apiserver_sources)-$go_version-$KUBERNETES_MODULE"
component kube-apiserver "$kube_apiserver_key" "$bin/kube-apiserver" build_kube_apiserver
component crank "$CRANK_MODULE-$go_version-stripped" "$bin/crank" install_from_module "$CRANK_MODULE" ./cmd/crank crank
component function-patch-and-transform "$FUNCTION_PT_MODULE-$go_version-stripped" "$bin/function-patch-and-transform" \
  install_from_module "$FUNCTION_PT_MODULE" . function-patch-and-transform
component function-auto-ready "$FUNCTION_AUTO_READY_MODULE-$go_version-stripped" "$bin/function-auto-ready" \
  install_from_module "$FUNCTION_AUTO_READY_MODULE" . function-auto-ready
component helm "$HELM_MODULE-$go_version-stripped" "$bin/helm" install_helm
component argocd-scripts "$ARGOCD" "$cache/argocd/resource_customizations" copy_argocd_scripts
component kubernetes-openapi "$KUBERNETES_MODULE" "$cache/kubernetes-openapi/VERSION" copy_kubernetes_openapi
# Upstream CRDs of kinds the estate emits that ../shared/schemas does not store (upstream-crds.json),
# each checked against its git blob hash. One no source serves is reported, not fatal: the tests
# that validate against it skip and say why.
python3 "$here/fetch-upstream-crds.py" "$here/upstream-crds.json" "$cache/crds"

trap - EXIT
if ! wait "$moto_pid"; then
  cat "$moto_log" >&2
  echo "real:setup: moto install failed" >&2
  exit 1
fi
cat "$moto_log"
printf 'real:setup finished in %ss (cache: %s)\n' "$(($(date +%s) - total_start))" "$(du -sh "$cache" | cut -f1)"
