package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// startEtcd runs a single-member etcd inside this process. Storage is throwaway test state, so
// fsync is off (UnsafeNoFsync), the same trade-off upstream's etcd3/testserver makes.
func startEtcd(dataDir string) (*embed.Etcd, string, error) {
	var lastErr error
	// The free ports are picked before etcd binds them; retry in the rare case another process wins the race.
	for attempt := 0; attempt < 3; attempt++ {
		ports, err := freePorts(2)
		if err != nil {
			return nil, "", err
		}
		clientURL := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))}
		peerURL := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1]))}

		cfg := embed.NewConfig()
		cfg.Name = "kube-apiserver"
		cfg.Dir = dataDir
		cfg.UnsafeNoFsync = true
		cfg.ListenClientUrls = []url.URL{clientURL}
		cfg.AdvertiseClientUrls = []url.URL{clientURL}
		cfg.ListenPeerUrls = []url.URL{peerURL}
		cfg.AdvertisePeerUrls = []url.URL{peerURL}
		cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
		cfg.Logger = "zap"
		cfg.LogLevel = "error"
		cfg.LogOutputs = []string{"stderr"}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, "", err
		}

		etcd, err := embed.StartEtcd(cfg)
		if err != nil {
			lastErr = err
			continue
		}
		select {
		case <-etcd.Server.ReadyNotify():
			return etcd, clientURL.String(), nil
		case <-time.After(60 * time.Second):
			etcd.Close()
			return nil, "", fmt.Errorf("embedded etcd not ready after 60s")
		}
	}
	return nil, "", fmt.Errorf("embedded etcd did not start: %w", lastErr)
}

func freePorts(count int) ([]int, error) {
	ports := make([]int, 0, count)
	for range count {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		// Held open until all ports are picked so the same port is not returned twice.
		defer listener.Close()
		ports = append(ports, listener.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
