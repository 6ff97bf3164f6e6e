package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"
	luajson "layeh.com/gopher-json"
)

// Messages and codes as in argo-cd v3.5.1 util/lua/lua.go and gitops-engine pkg/health.
const (
	incorrectReturnType = "expect %s output from Lua script, not %s"
	invalidHealthStatus = "Lua returned an invalid health status"
	scriptTimeout       = 1 * time.Second
)

var validHealthStatuses = map[string]bool{
	"Unknown": true, "Progressing": true, "Suspended": true, "Healthy": true, "Degraded": true, "Missing": true,
}

// healthStatus mirrors gitops-engine's health.HealthStatus JSON shape.
type healthStatus struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
}

// runLua prepares the interpreter exactly as Argo CD's VM.runLuaWithResourceActionParameters.
func runLua(object map[string]any, script string, openLibs bool) (*lua.LState, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: !openLibs})
	// Argo CD then (re)opens package, base, table and its "safe os". Quirk replicated on purpose:
	// its OpenSafeOs registers under the module name "table" (lua.TabLibName), which is already
	// loaded, so it adds nothing. The safe {time, date} subset is reachable only through
	// require("os") (the preload below). With all libraries open (built-in scripts) the global os
	// is gopher-lua's full os library, os.exit included; without them there is no global os.
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.OsLibName, openSafeOs},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			l.Close()
			return nil, err
		}
	}
	// `local os = require("os")` must also get the safe subset.
	l.PreloadModule(lua.OsLibName, safeOsLoader)

	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	l.SetContext(ctx)

	// Argo CD always defines actionParams; health scripts get an empty table.
	l.SetGlobal("actionParams", l.CreateTable(0, 0))
	l.SetGlobal("obj", decodeValue(l, object))
	err := l.DoString(script)

	// Argo CD strips the Lua stack trace from runtime errors because users see the message.
	var apiErr *lua.ApiError
	if errors.As(err, &apiErr) && apiErr.Type == lua.ApiErrorRun {
		apiErr.StackTrace = ""
		err = apiErr
	}
	return l, err
}

// executeHealthLua mirrors Argo CD's VM.ExecuteHealthLua.
func executeHealthLua(object map[string]any, script string, openLibs bool) (*healthStatus, error) {
	l, err := runLua(object, script, openLibs)
	if l != nil {
		defer l.Close()
	}
	if err != nil {
		return nil, err
	}
	returnValue := l.Get(-1)
	switch returnValue.Type() {
	case lua.LTTable:
		encoded, err := luajson.Encode(returnValue)
		if err != nil {
			return nil, err
		}
		status := &healthStatus{}
		if err := json.Unmarshal(encoded, status); err != nil {
			// An empty Lua table encodes as [], which Argo CD reads as "no health". Argo's check is
			// errors.As(err, &*json.UnmarshalTypeError), which matches ANY type error (e.g. a numeric
			// status too), not only the array case; replicate that.
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) {
				return &healthStatus{}, nil
			}
			return nil, err
		}
		if !validHealthStatuses[status.Status] {
			return &healthStatus{Status: "Unknown", Message: invalidHealthStatus}, nil
		}
		return status, nil
	case lua.LTNil:
		return &healthStatus{}, nil
	default:
		return nil, fmt.Errorf(incorrectReturnType, "table", returnValue.Type().String())
	}
}

// decodeValue converts decoded JSON into Lua values like Argo CD's decodeValue: JSON null (nil)
// becomes LNil, so a field that is null in the object is simply absent in the Lua table.
func decodeValue(l *lua.LState, value any) lua.LValue {
	switch converted := value.(type) {
	case bool:
		return lua.LBool(converted)
	case float64:
		return lua.LNumber(converted)
	case string:
		return lua.LString(converted)
	case json.Number:
		return lua.LString(converted)
	case int:
		return lua.LNumber(converted)
	case int32:
		return lua.LNumber(converted)
	case int64:
		return lua.LNumber(converted)
	case []any:
		array := l.CreateTable(len(converted), 0)
		for _, item := range converted {
			array.Append(decodeValue(l, item))
		}
		return array
	case map[string]any:
		table := l.CreateTable(0, len(converted))
		for key, item := range converted {
			table.RawSetH(lua.LString(key), decodeValue(l, item))
		}
		return table
	default:
		return lua.LNil
	}
}
