package main

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// builtInScripts finds the health.lua Argo CD would pick for an object among its built-in
// resource_customizations, as GetHealthScript does when no ResourceOverride matches:
//  1. the exact "<group>/<Kind>" directory (just "<Kind>" for the core group);
//  2. otherwise the first wildcard directory, in sorted order, whose path with every "_" read as
//     "*" matches the key (e.g. "_.crossplane.io/_" matches "apiextensions.crossplane.io/Composition").
type builtInScripts struct {
	root      string
	wildcards []string
}

func loadBuiltInScripts(root string) (*builtInScripts, error) {
	scripts := &builtInScripts{root: root}
	err := filepath.WalkDir(root, func(file string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entry.IsDir() || entry.Name() != "health.lua" {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(file))
		if err != nil {
			return err
		}
		if strings.Contains(rel, "_") {
			scripts.wildcards = append(scripts.wildcards, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(scripts.wildcards)
	return scripts, err
}

// resolve returns the script path for an object, or "" when Argo CD has no built-in script for it.
func (s *builtInScripts) resolve(object map[string]any) string {
	key := configMapKey(object)
	exact := filepath.Join(s.root, filepath.FromSlash(key), "health.lua")
	if _, err := os.Stat(exact); err == nil {
		return exact
	}
	for _, dir := range s.wildcards {
		if matched, _ := path.Match(strings.ReplaceAll(dir, "_", "*"), key); matched {
			return filepath.Join(s.root, filepath.FromSlash(dir), "health.lua")
		}
	}
	return ""
}

// configMapKey mirrors Argo CD's GetConfigMapKey: "<group>/<Kind>", or "<Kind>" for the core group.
func configMapKey(object map[string]any) string {
	apiVersion, _ := object["apiVersion"].(string)
	kind, _ := object["kind"].(string)
	group := ""
	if slash := strings.LastIndex(apiVersion, "/"); slash >= 0 {
		group = apiVersion[:slash]
	}
	if group == "" {
		return kind
	}
	return group + "/" + kind
}
