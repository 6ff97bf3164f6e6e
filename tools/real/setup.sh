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
# Argo CD's application controller and repo server, built (not the scripts above) from the wrapper
# module tools/real/argocd, which pins argo-cd/v3 v3.2.11 and the gitops-engine commit that release
# requires (docs/adr/0020-real-argocd.md: v3.2.12 and v3.3.x do not compile here).
ARGOCD_BUILD_MODULE=github.com/argoproj/argo-cd/v3@v3.2.11
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

# Crossplane core, built from its wrapper module (tools/real/crossplane, own go.mod/go.sum; the
# version is the one that go.mod requires, docs/adr/0021-real-crossplane.md). The version string is
# linked in as upstream's Makefile does, so `crossplane --version` and its logs report the release.
crossplane_version() { (cd "$here/crossplane" && GOWORK=off go list -m -f '{{.Version}}' github.com/crossplane/crossplane/v2); }
build_crossplane() {
  (cd "$here/crossplane" && GOWORK=off go build -o "$bin/crossplane" \
    -ldflags "-s -w -X github.com/crossplane/crossplane/v2/internal/version.version=$(crossplane_version)" \
    github.com/crossplane/crossplane/v2/cmd/crossplane)
}

# Crossplane's own CRDs (cluster/crds) of the same module version, which the test installs before
# starting the core (downloaded, not built).
copy_crossplane_crds() {
  local dir
  dir=$(module_dir "github.com/crossplane/crossplane/v2@$(crossplane_version)")
  rm -rf "$cache/crossplane"
  mkdir -p "$cache/crossplane"
  cp -R "$dir/cluster/crds" "$cache/crossplane/crds"
  chmod -R u+w "$cache/crossplane"
  crossplane_version >"$cache/crossplane/VERSION"
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

# Argo CD v3.2.11 (tools/real/argocd): one binary, `argocd application-controller|repo-server`,
# and the release's CRDs and settings objects beside it, so test:real installs those of the version
# that runs. The module directory comes from the wrapper's own go.mod, so they cannot disagree.
build_argocd() {
  local wrapper=$here/argocd dir
  (cd "$wrapper" && GOWORK=off go build -ldflags "-s -w" -o "$bin/argocd" .)
  dir=$(cd "$wrapper" && GOWORK=off go list -m -f '{{.Dir}}' "${ARGOCD_BUILD_MODULE%@*}")
  [[ $(cd "$wrapper" && GOWORK=off go list -m -f '{{.Version}}' "${ARGOCD_BUILD_MODULE%@*}") == "${ARGOCD_BUILD_MODULE#*@}" ]] ||
    { echo "tools/real/argocd/go.mod does not pin $ARGOCD_BUILD_MODULE" >&2; return 1; }
  rm -rf "$cache/argocd-build"
  mkdir -p "$cache/argocd-build/crds" "$cache/argocd-build/config"
  cp "$dir"/manifests/crds/*-crd.yaml "$cache/argocd-build/crds/"
  # The settings objects its install manifest ships (labelled app.kubernetes.io/part-of: argocd,
  # which Argo CD's settings informer selects on); test:real applies our argocd-cm over them.
  cp "$dir"/manifests/base/config/argocd-{cm,rbac-cm,cmd-params-cm,secret}.yaml "$cache/argocd-build/config/"
  chmod -R u+w "$cache/argocd-build"
  echo "$ARGOCD_BUILD_MODULE" >"$cache/argocd-build/VERSION"
}

# Redis for Argo CD's cache: Debian's package (CI runs as root). Not built, not stamped: it is there
# or it is installed, and a machine where neither works fails real:setup here rather than the suite.
require_redis() {
  if command -v redis-server >/dev/null; then
    printf '  %-30s %s\n' redis "$(redis-server --version | cut -d' ' -f3)"
    return
  fi
  printf '  %-30s installing (apt-get install redis-server)...\n' redis
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; } >"$cache/redis-install.log" 2>&1 ||
    ! command -v redis-server >/dev/null; then
    tail -20 "$cache/redis-install.log" >&2
    echo "real:setup: redis-server is missing and could not be installed (apt-get install redis-server, as root)" >&2
    exit 1
  fi
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

# The Crossplane test makes its mTLS certificates (Crossplane ↔ functions) with the openssl CLI.
if ! command -v openssl >/dev/null; then
  echo "real:setup: openssl not found; the Crossplane tests need it for their test CA (apt-get install openssl)" >&2
  exit 1
fi

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
crossplane_key="$(cd "$here/crossplane" && hash_of go.mod go.sum)-$go_version-stripped"
component crossplane "$crossplane_key" "$bin/crossplane" build_crossplane
component crossplane-crds "$(crossplane_version)" "$cache/crossplane/VERSION" copy_crossplane_crds
component helm "$HELM_MODULE-$go_version-stripped" "$bin/helm" install_helm
component argocd-scripts "$ARGOCD" "$cache/argocd/resource_customizations" copy_argocd_scripts
component kubernetes-openapi "$KUBERNETES_MODULE" "$cache/kubernetes-openapi/VERSION" copy_kubernetes_openapi
argocd_sources=$(cd "$here/argocd" && find . -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) | sort)
argocd_key="$(cd "$here/argocd" && hash_of $argocd_sources)-$ARGOCD_BUILD_MODULE-$go_version"
component argocd "$argocd_key" "$bin/argocd" build_argocd
require_redis
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
