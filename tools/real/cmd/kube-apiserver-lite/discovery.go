package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	"k8s.io/apiextensions-apiserver/pkg/apiserver"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/endpoints/discovery/aggregated"
)

// serveRootDiscovery serves GET /apis, which the standalone apiextensions-apiserver does not:
// upstream turns discovery off (apiserver.go Complete: EnableDiscovery = false) because inside
// kube-apiserver the aggregator answers /apis. Without it kubectl fails with "couldn't get current
// server API group list".
//
// The aggregated form (what kubectl >= 1.26 asks for) comes straight from upstream's aggregated
// discovery manager, which the CRD discovery controller keeps up to date. The legacy APIGroupList
// form is derived from the same document so both always agree.
func serveRootDiscovery(server *apiserver.CustomResourceDefinitions) {
	generic := server.GenericAPIServer
	aggregatedManager := generic.AggregatedDiscoveryGroupManager
	legacy := legacyGroupList{aggregated: aggregatedManager}
	wrapped := aggregated.WrapAggregatedDiscoveryToHandler(legacy, aggregatedManager, nil)
	// The director sends exactly /apis and /apis/ to this go-restful service and everything under
	// /apis/<group> to the CRD handler (see director.ServeHTTP's special case for "/apis").
	generic.Handler.GoRestfulContainer.Add(wrapped.GenerateWebService("/apis", metav1.APIGroupList{}))
}

type legacyGroupList struct{ aggregated http.Handler }

func (l legacyGroupList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := r.Clone(r.Context())
	req.Header.Set("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
	recorder := httptest.NewRecorder()
	l.aggregated.ServeHTTP(recorder, req)
	var discovered apidiscoveryv2.APIGroupDiscoveryList
	if recorder.Code != http.StatusOK || json.Unmarshal(recorder.Body.Bytes(), &discovered) != nil {
		http.Error(w, "aggregated discovery unavailable", http.StatusServiceUnavailable)
		return
	}

	list := metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}}
	for _, group := range discovered.Items {
		apiGroup := metav1.APIGroup{Name: group.Name}
		for _, version := range group.Versions {
			apiGroup.Versions = append(apiGroup.Versions, metav1.GroupVersionForDiscovery{
				GroupVersion: group.Name + "/" + version.Version,
				Version:      version.Version,
			})
		}
		if len(apiGroup.Versions) == 0 {
			continue
		}
		// Aggregated discovery lists versions by preference, first is preferred.
		apiGroup.PreferredVersion = apiGroup.Versions[0]
		list.Groups = append(list.Groups, apiGroup)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(list)
}
