// Command kube-apiserver-lite runs the real Kubernetes API machinery for custom resources
// (k8s.io/apiextensions-apiserver) on top of an embedded etcd, in one process, for tests.
//
// It is the upstream server, not an emulator: CRD registration, structural-schema and CEL
// validation, defaulting, pruning, server-side apply, watch, discovery and OpenAPI v2/v3 are
// upstream's code. What differs from a production kube-apiserver is documented in
// docs/adr/0003-real-apiserver.md: no core API group, everyone is admin, no admission webhooks.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	genericapiserver "k8s.io/apiserver/pkg/server"
)

type flags struct {
	port          int
	kubeconfigOut string
	dataDir       string
	builtinCRDs   bool
}

func parseFlags() flags {
	var f flags
	flag.IntVar(&f.port, "port", 0, "HTTPS port on 127.0.0.1 (0 picks a free one; the kubeconfig and the ready line name it)")
	flag.StringVar(&f.kubeconfigOut, "kubeconfig-out", "", "where to write a kubeconfig for clients (required)")
	flag.StringVar(&f.dataDir, "data-dir", "", "etcd data and serving certs (default: a temp dir removed on exit)")
	flag.BoolVar(&f.builtinCRDs, "builtin-crds", true, "register CRDs standing in for events.k8s.io/v1 Event and coordination.k8s.io/v1 Lease")
	flag.Parse()
	return f
}

func main() {
	f := parseFlags()
	if f.kubeconfigOut == "" {
		fmt.Fprintln(os.Stderr, "--kubeconfig-out is required")
		os.Exit(2)
	}
	// Cancelled on SIGTERM/SIGINT; a second signal exits immediately (upstream behaviour).
	ctx := genericapiserver.SetupSignalContext()
	if err := run(ctx, f); err != nil {
		fmt.Fprintf(os.Stderr, "kube-apiserver-lite: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, f flags) error {
	dataDir := f.dataDir
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "kube-apiserver-lite-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	}

	etcd, etcdURL, err := startEtcd(filepath.Join(dataDir, "etcd"))
	if err != nil {
		return err
	}
	defer etcd.Close()

	listener, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(f.port)))
	if err != nil {
		return fmt.Errorf("listen on port %d: %w", f.port, err)
	}
	port := listener.Addr().(*net.TCPAddr).Port

	server, err := newServer(serverSettings{
		etcdURL:  etcdURL,
		listener: listener,
		port:     port,
		certDir:  filepath.Join(dataDir, "certs"),
	})
	if err != nil {
		return err
	}

	runCtx, stopServer := context.WithCancel(ctx)
	defer stopServer()
	stopped := make(chan error, 1)
	go func() {
		stopped <- server.GenericAPIServer.PrepareRun().RunWithContext(runCtx)
	}()

	loopback := server.GenericAPIServer.LoopbackClientConfig
	if err := waitReady(ctx, loopback, stopped); err != nil {
		return err
	}
	if f.builtinCRDs {
		if err := installBuiltinCRDs(ctx, loopback); err != nil {
			return fmt.Errorf("install built-in stand-in CRDs: %w", err)
		}
	}
	serverURL := fmt.Sprintf("https://127.0.0.1:%d", port)
	if err := writeKubeconfig(f.kubeconfigOut, serverURL); err != nil {
		return err
	}
	// Test helpers wait for this exact line.
	fmt.Printf("kube-apiserver-lite ready %s kubeconfig=%s\n", serverURL, f.kubeconfigOut)

	select {
	case err := <-stopped:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown drains requests; bound it so a stuck watch cannot keep the process alive.
	select {
	case err := <-stopped:
		return err
	case <-time.After(15 * time.Second):
		return fmt.Errorf("server did not stop within 15s of the signal")
	}
}
