// Command lua-health runs an Argo CD resource health script (health.lua) the way Argo CD v3.5.1
// does in util/lua/lua.go: same interpreter (gopher-lua v1.1.2), same libraries, same "safe" os
// module, same 1 s timeout, same conversion of the object and of the result.
//
// Single run:  lua-health --script health.lua [--object obj.json]   (object JSON on stdin by default)
// Batch run:   lua-health --batch < cases.json   where cases.json is [{"script": path, "object": {...}}, ...]
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
	Script   string         `json:"script"`
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
	flag.Parse()

	var err error
	if *batch {
		err = runBatch(os.Stdin, os.Stdout, *openLibs)
	} else {
		err = runSingle(*scriptPath, *objectPath, os.Stdout, *openLibs)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "lua-health: %v\n", err)
		os.Exit(2)
	}
}

func runSingle(scriptPath, objectPath string, out io.Writer, openLibs bool) error {
	if scriptPath == "" {
		return fmt.Errorf("--script is required")
	}
	script, err := os.ReadFile(scriptPath)
	if err != nil {
		return err
	}
	var objectJSON []byte
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
	return json.NewEncoder(out).Encode(toOutput(executeHealthLua(object, string(script), openLibs)))
}

func runBatch(in io.Reader, out io.Writer, openLibsDefault bool) error {
	var cases []batchCase
	if err := json.NewDecoder(in).Decode(&cases); err != nil {
		return fmt.Errorf("batch input is not a JSON array of cases: %w", err)
	}
	scripts := map[string]string{}
	results := make([]output, 0, len(cases))
	for _, c := range cases {
		script, ok := scripts[c.Script]
		if !ok {
			content, err := os.ReadFile(c.Script)
			if err != nil {
				return err
			}
			script = string(content)
			scripts[c.Script] = script
		}
		openLibs := openLibsDefault
		if c.OpenLibs != nil {
			openLibs = *c.OpenLibs
		}
		results = append(results, toOutput(executeHealthLua(c.Object, script, openLibs)))
	}
	return json.NewEncoder(out).Encode(results)
}

type output struct {
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
