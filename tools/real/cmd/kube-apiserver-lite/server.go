package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	noopoteltrace "go.opentelemetry.io/otel/trace/noop"
	"k8s.io/apiextensions-apiserver/pkg/apiserver"
	"k8s.io/apiextensions-apiserver/pkg/cmd/server/options"
	generatedopenapi "k8s.io/apiextensions-apiserver/pkg/generated/openapi"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizerfactory"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/apiserver/pkg/util/openapi"
	"k8s.io/apiserver/pkg/util/webhook"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	netutils "k8s.io/utils/net"
)

type serverSettings struct {
	etcdURL  string
	listener net.Listener
	port     int
	certDir  string
}

// newServer builds the apiextensions-apiserver the way upstream's options.Config() does, minus
// everything that needs a core kube-apiserver behind it (there is none):
//   - CoreAPI, Admission: nil. Upstream's default admission plugins (NamespaceLifecycle, webhooks,
//     ValidatingAdmissionPolicy, MutatingAdmissionPolicy) all need core informers; upstream's own
//     integration fixture disables exactly these.
//   - Authentication: every request is an admin (system:masters), token or not.
//   - Authorization: AlwaysAllow, which is what upstream applies when the option is nil.
//   - Priority and fairness: off (it needs the flowcontrol API of a core server).
//   - OpenAPI v2 and v3 both configured, so /openapi/v3 lists CRD group-versions (kubectl apply's
//     client-side validation reads it).
func newServer(s serverSettings) (*apiserver.CustomResourceDefinitions, error) {
	o := options.NewCustomResourceDefinitionsServerOptions(os.Stdout, os.Stderr)
	if err := o.ServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return nil, err
	}
	rec := o.RecommendedOptions
	rec.Etcd.StorageConfig.Transport.ServerList = []string{s.etcdURL}
	rec.SecureServing.Listener = s.listener
	rec.SecureServing.BindPort = s.port
	rec.SecureServing.ServerCert.CertDirectory = s.certDir
	rec.CoreAPI = nil
	rec.Admission = nil
	rec.Authentication = nil
	rec.Authorization = nil
	rec.Features.EnablePriorityAndFairness = false

	if err := o.Complete(); err != nil {
		return nil, err
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := rec.SecureServing.MaybeDefaultWithSelfSignedCerts("localhost", nil, []net.IP{netutils.ParseIPSloppy("127.0.0.1")}); err != nil {
		return nil, fmt.Errorf("create self-signed serving certificate: %w", err)
	}

	serverConfig := genericapiserver.NewRecommendedConfig(apiserver.Codecs)
	if err := o.ServerRunOptions.ApplyTo(&serverConfig.Config); err != nil {
		return nil, err
	}
	if err := rec.ApplyTo(serverConfig); err != nil {
		return nil, err
	}
	if err := o.APIEnablement.ApplyTo(&serverConfig.Config, apiserver.DefaultAPIResourceConfigSource(), apiserver.Scheme); err != nil {
		return nil, err
	}
	serverConfig.Authentication.Authenticator = everyoneIsAdmin()
	serverConfig.Authorization.Authorizer = authorizerfactory.NewAlwaysAllowAuthorizer()

	definitions := openapi.GetOpenAPIDefinitionsWithoutDisabledFeatures(generatedopenapi.GetOpenAPIDefinitions)
	serverConfig.OpenAPIConfig = genericapiserver.DefaultOpenAPIConfig(definitions, openapinamer.NewDefinitionNamer(apiserver.Scheme, scheme.Scheme))
	serverConfig.OpenAPIV3Config = genericapiserver.DefaultOpenAPIV3Config(definitions, openapinamer.NewDefinitionNamer(apiserver.Scheme, scheme.Scheme))

	config := &apiserver.Config{
		GenericConfig: serverConfig,
		ExtraConfig: apiserver.ExtraConfig{
			CRDRESTOptionsGetter: options.NewCRDRESTOptionsGetter(*rec.Etcd, serverConfig.ResourceTransformers, serverConfig.StorageObjectCountTracker),
			ServiceResolver:      noServices{},
			AuthResolverWrapper:  webhook.NewDefaultAuthenticationInfoResolverWrapper(nil, nil, serverConfig.LoopbackClientConfig, noopoteltrace.NewTracerProvider()),
		},
	}
	server, err := config.Complete().New(genericapiserver.NewEmptyDelegate())
	if err != nil {
		return nil, err
	}
	serveRootDiscovery(server)
	return server, nil
}

// everyoneIsAdmin authenticates any request, with or without credentials, as a cluster admin.
// Tests talk to a throwaway server on 127.0.0.1; RBAC is not what they check.
func everyoneIsAdmin() authenticator.Request {
	admin := &user.DefaultInfo{Name: "switchyard-admin", Groups: []string{user.SystemPrivilegedGroup, user.AllAuthenticated}}
	return authenticator.RequestFunc(func(*http.Request) (*authenticator.Response, bool, error) {
		return &authenticator.Response{User: admin}, true, nil
	})
}

// noServices resolves no Service: there is no core API, so CRD conversion webhooks cannot be used.
type noServices struct{}

func (noServices) ResolveEndpoint(namespace, name string, port int32) (*url.URL, error) {
	return nil, fmt.Errorf("service %s/%s:%d: kube-apiserver-lite serves no core API (no Services)", namespace, name, port)
}

// waitReady polls /readyz until every readiness check (etcd, post-start hooks, CRD informers) passes.
func waitReady(ctx context.Context, loopback *rest.Config, stopped <-chan error) error {
	client, err := rest.UnversionedRESTClientFor(withCodec(loopback))
	if err != nil {
		return err
	}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-stopped:
			return fmt.Errorf("server stopped before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		status := 0
		client.Get().AbsPath("/readyz").Do(ctx).StatusCode(&status)
		if status == http.StatusOK {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("/readyz not OK after 90s")
}

func withCodec(c *rest.Config) *rest.Config {
	copied := rest.CopyConfig(c)
	copied.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	return copied
}

// writeKubeconfig writes atomically so a reader never sees a half-written file.
func writeKubeconfig(path, serverURL string) error {
	content := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: kube-apiserver-lite
  cluster:
    server: %s
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: any-token-is-admin
contexts:
- name: kube-apiserver-lite
  context:
    cluster: kube-apiserver-lite
    user: admin
    namespace: default
current-context: kube-apiserver-lite
`, serverURL)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
