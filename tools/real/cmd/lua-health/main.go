// Command lua-health runs an Argo CD resource health script (health.lua) the way Argo CD v3.5.1
// does in util/lua/lua.go: same interpreter (gopher-lua v1.1.2), same libraries, same "safe" os
// module, same 1 s timeout, same conversion of the object and of the result.
//
// Single run:  lua-health --script health.lua [--object obj.json]   (object JSON on stdin by default)
// Batch run:   lua-health --batch < cases.json   where cases.json is [{"script": path, "object": {...}}, ...]
//
// With --resource-customizations DIR (Argo CD's resource_customizations folder) the script may be
// left out: it is chosen from the object's group/kind the way Argo CD chooses a built-in script,
// including the wildcard folders such as _.crossplane.io/_.
//
// The result is printed as JSON: {"status": ..., "message": ...} or {"error": ...}. Argo CD treats an
// error as "health unknown" and shows the error text; callers here get the text to compare.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
)

type batchCase struct {
	Script   string         `json:"script,omitempty"`
	Object   map[string]any `json:"object"`
	OpenLibs *bool          `json:"openLibs,omitempty"`
}

func main() {
	scriptPath := flag.String("script", "", "path of the health.lua to run")
	objectPath := flag.String("object", "-", "object JSON file ('-' reads stdin)")
	batch := flag.Bool("batch", false, "read a JSON array of {script, object, openLibs?} on stdin, print an array of results")
	// Argo CD opens all standard libraries for its built-in scripts (GetHealthScript returns
	// useOpenLibs=true for them) and only for overrides that set useOpenLibs.
	openLibs := flag.Bool("open-libs", true, "open all Lua standard libraries, as Argo CD does for built-in scripts")
	customizations := flag.String("resource-customizations", "", "Argo CD resource_customizations dir: pick the built-in script by group/kind when none is given")
	flag.Parse()

	var scripts *builtInScripts
	var err error
	if *customizations != "" {
		if scripts, err = loadBuiltInScripts(*customizations); err != nil {
			fmt.Fprintf(os.Stderr, "lua-health: %v\n", err)
			os.Exit(2)
		}
	}
	if *batch {
		err = runBatch(os.Stdin, os.Stdout, *openLibs, scripts)
	} else {
		err = runSingle(*scriptPath, *objectPath, os.Stdout, *openLibs, scripts)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "lua-health: %v\n", err)
		os.Exit(2)
	}
}

func runSingle(scriptPath, objectPath string, out io.Writer, openLibs bool, scripts *builtInScripts) error {
	if scriptPath == "" && scripts == nil {
		return fmt.Errorf("--script or --resource-customizations is required")
	}
	var objectJSON []byte
	var err error
	if objectPath == "-" {
		objectJSON, err = io.ReadAll(os.Stdin)
	} else {
		objectJSON, err = os.ReadFile(objectPath)
	}
	if err != nil {
		return err
	}
	var object map[string]any
	if err := json.Unmarshal(objectJSON, &object); err != nil {
		return fmt.Errorf("object is not a JSON object: %w", err)
	}
	results, err := evaluate([]batchCase{{Script: scriptPath, Object: object}}, openLibs, scripts)
	if err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(results[0])
}

func runBatch(in io.Reader, out io.Writer, openLibsDefault bool, scripts *builtInScripts) error {
	var cases []batchCase
	if err := json.NewDecoder(in).Decode(&cases); err != nil {
		return fmt.Errorf("batch input is not a JSON array of cases: %w", err)
	}
	results, err := evaluate(cases, openLibsDefault, scripts)
	if err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(results)
}

// evaluate runs every case in a fresh interpreter, as Argo CD does for each health check.
func evaluate(cases []batchCase, openLibsDefault bool, scripts *builtInScripts) ([]output, error) {
	sources := map[string]string{}
	results := make([]output, 0, len(cases))
	for _, c := range cases {
		scriptPath := c.Script
		if scriptPath == "" && scripts != nil {
			scriptPath = scripts.resolve(c.Object)
		}
		if scriptPath == "" {
			// Argo CD has no health script for this kind: no Lua health (not an error).
			results = append(results, output{})
			continue
		}
		source, ok := sources[scriptPath]
		if !ok {
			content, err := os.ReadFile(scriptPath)
			if err != nil {
				return nil, err
			}
			source = string(content)
			sources[scriptPath] = source
		}
		openLibs := openLibsDefault
		if c.OpenLibs != nil {
			openLibs = *c.OpenLibs
		}
		result := toOutput(executeHealthLua(c.Object, source, openLibs))
		result.Script = scriptPath
		results = append(results, result)
	}
	return results, nil
}

type output struct {
	// Script is the health.lua that ran (useful when it was chosen by group/kind).
	Script  string `json:"script,omitempty"`
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}

func toOutput(status *healthStatus, err error) output {
	if err != nil {
		return output{Error: err.Error()}
	}
	return output{Status: status.Status, Message: status.Message}
}
