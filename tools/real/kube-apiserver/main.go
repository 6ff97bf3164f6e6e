// Command kube-apiserver runs the upstream kube-apiserver (k8s.io/kubernetes/cmd/kube-apiserver/app,
// v1.36.3) for tests, with what a cluster installer would otherwise provide: an embedded etcd, a
// test PKI (serving certificate, admin client certificate in system:masters, service-account signing
// key) and RBAC + Node authorization. No controller-manager runs (docs/adr/0019): no garbage
// collection, no namespace finalization, no default ServiceAccounts or token controller.
//
// Usage: kube-apiserver --data-dir DIR [--port N] [-- extra kube-apiserver flags]
// Prints "kube-apiserver ready https://127.0.0.1:PORT kubeconfig=DIR/kubeconfig" once /readyz answers.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "kube-apiserver: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	ours := flag.NewFlagSet("kube-apiserver", flag.ContinueOnError)
	dataDir := ours.String("data-dir", "", "etcd data, PKI and the admin kubeconfig (required)")
	port := ours.Int("port", 0, "HTTPS port on 127.0.0.1 (0 picks a free one)")
	if err := ours.Parse(os.Args[1:]); err != nil {
		return err
	}
	if *dataDir == "" {
		return errors.New("--data-dir is required")
	}
	certs, err := writePKI(filepath.Join(*dataDir, "pki"))
	if err != nil {
		return fmt.Errorf("test PKI: %w", err)
	}
	etcd, etcdURL, err := startEtcd(filepath.Join(*dataDir, "etcd"))
	if err != nil {
		return err
	}
	defer etcd.Close()
	if *port == 0 {
		ports, err := freePorts(1)
		if err != nil {
			return err
		}
		*port = ports[0]
	}
	serverURL := fmt.Sprintf("https://127.0.0.1:%d", *port)
	issuer := "https://kubernetes.default.svc.cluster.local"

	command := app.NewAPIServerCommand()
	command.SetArgs(append([]string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(*port),
		"--cert-dir=" + filepath.Join(*dataDir, "pki"),
		"--tls-cert-file=" + certs.ServingCert,
		"--tls-private-key-file=" + certs.ServingKey,
		"--client-ca-file=" + certs.CAFile,
		"--service-account-issuer=" + issuer,
		"--api-audiences=" + issuer,
		"--service-account-key-file=" + certs.ServiceAccountPublicKey,
		"--service-account-signing-key-file=" + certs.ServiceAccountKey,
		"--authorization-mode=Node,RBAC",
		"--service-cluster-ip-range=10.96.0.0/16",
		"--profiling=false",
		// The endpoint reconciler refuses a loopback advertise address (and logs it every 10 s);
		// nothing here routes to the kubernetes Service.
		"--endpoint-reconciler-type=none",
	}, ours.Args()...))
	served := make(chan error, 1)
	go func() { served <- command.Execute() }()

	if err := waitReady(serverURL, certs, served); err != nil {
		return err
	}
	kubeconfig := filepath.Join(*dataDir, "kubeconfig")
	if err := writeKubeconfig(kubeconfig, serverURL, certs); err != nil {
		return err
	}
	// Test helpers wait for this exact line.
	fmt.Printf("kube-apiserver ready %s kubeconfig=%s\n", serverURL, kubeconfig)
	// The command owns SIGTERM/SIGINT (it installs upstream's signal handler) and returns after
	// its graceful shutdown.
	return <-served
}

// waitReady polls /readyz as the admin until it answers 200, the server exits, or 90 s pass.
func waitReady(serverURL string, certs pki, served <-chan error) error {
	client, err := adminClient(certs)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case err := <-served:
			return fmt.Errorf("exited before it was ready: %v", err)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		request, _ := http.NewRequestWithContext(ctx, http.MethodGet, serverURL+"/readyz", nil)
		response, err := client.Do(request)
		cancel()
		if err == nil {
			response.Body.Close()
			if response.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("/readyz not ok after 90s (last error: %v)", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func adminClient(certs pki) (*http.Client, error) {
	pair, err := tls.LoadX509KeyPair(certs.AdminCert, certs.AdminKey)
	if err != nil {
		return nil, err
	}
	caPEM, err := os.ReadFile(certs.CAFile)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: roots},
	}}, nil
}

func writeKubeconfig(path, serverURL string, certs pki) error {
	content := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: kube-apiserver
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: switchyard-admin
  user:
    client-certificate: %s
    client-key: %s
contexts:
- name: kube-apiserver
  context:
    cluster: kube-apiserver
    user: switchyard-admin
    namespace: default
current-context: kube-apiserver
`, serverURL, certs.CAFile, certs.AdminCert, certs.AdminKey)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
