package main

import (
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Argo CD exposes only os.time and os.date to scripts ("safe os", util/lua/oslib_safe.go). This is
// an independent implementation of the same behaviour, including its quirks:
//   - os.time{...}: missing hour defaults to 12, missing day/month/year to -1, local time zone;
//     os.time(nil) is a type error (Argo's CheckTable), unlike stock gopher-lua.
//   - os.date("!fmt", t): "!" selects UTC only when no timestamp is given; with a timestamp the
//     time is local (Argo replaces the UTC time with time.Unix(t)).
//   - "*t" tables have yday = 0 and isdst = false.

var safeOsFunctions = map[string]lua.LGFunction{"time": safeOsTime, "date": safeOsDate}

// openSafeOs registers under lua.TabLibName exactly like Argo CD's OpenSafeOs (a no-op in
// practice, see runLua); safeOsLoader is what require("os") returns.
func openSafeOs(l *lua.LState) int {
	l.Push(l.RegisterModule(lua.TabLibName, safeOsFunctions))
	return 1
}

func safeOsLoader(l *lua.LState) int {
	l.Push(l.SetFuncs(l.NewTable(), safeOsFunctions))
	return 1
}

func safeOsTime(l *lua.LState) int {
	if l.GetTop() == 0 {
		l.Push(lua.LNumber(time.Now().Unix()))
		return 1
	}
	fields := l.CheckTable(1)
	t := time.Date(
		intField(fields, "year", -1), time.Month(intField(fields, "month", -1)), intField(fields, "day", -1),
		intField(fields, "hour", 12), intField(fields, "min", 0), intField(fields, "sec", 0), 0, time.Local)
	l.Push(lua.LNumber(t.Unix()))
	return 1
}

func intField(table *lua.LTable, key string, fallback int) int {
	if number, ok := table.RawGetString(key).(lua.LNumber); ok {
		return int(number)
	}
	return fallback
}

func safeOsDate(l *lua.LState) int {
	now := time.Now()
	format := "%c"
	if l.GetTop() >= 1 {
		format = l.CheckString(1)
		if strings.HasPrefix(format, "!") {
			now = time.Now().UTC()
			format = strings.TrimLeft(format, "!")
		}
		if l.GetTop() >= 2 {
			now = time.Unix(l.CheckInt64(2), 0)
		}
		if strings.HasPrefix(format, "*t") {
			fields := l.NewTable()
			fields.RawSetString("year", lua.LNumber(now.Year()))
			fields.RawSetString("month", lua.LNumber(now.Month()))
			fields.RawSetString("day", lua.LNumber(now.Day()))
			fields.RawSetString("hour", lua.LNumber(now.Hour()))
			fields.RawSetString("min", lua.LNumber(now.Minute()))
			fields.RawSetString("sec", lua.LNumber(now.Second()))
			fields.RawSetString("wday", lua.LNumber(now.Weekday()+1))
			fields.RawSetString("yday", lua.LNumber(0))
			fields.RawSetString("isdst", lua.LFalse)
			l.Push(fields)
			return 1
		}
	}
	l.Push(lua.LString(strftime(now, format)))
	return 1
}

// strftimeLayouts maps the C conversions Argo CD (and gopher-lua) support to Go layouts.
var strftimeLayouts = map[byte]string{
	'a': "mon", 'A': "Monday", 'b': "Jan", 'B': "January", 'c': "02 Jan 06 15:04 MST", 'd': "02",
	'F': "2006-01-02", 'H': "15", 'I': "03", 'm': "01", 'M': "04", 'p': "PM", 'P': "pm", 'S': "05",
	'x': "15/04/05", 'X': "15:04:05", 'y': "06", 'Y': "2006", 'z': "-0700", 'Z': "MST",
}

// strftime formats like Argo's copy of gopher-lua's strftime: "%%" is a literal %, unknown
// conversions are kept verbatim, %w is the weekday number, and a trailing lone % is kept.
func strftime(t time.Time, format string) string {
	var out strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			out.WriteByte(c)
			continue
		}
		if i == len(format)-1 {
			out.WriteByte('%')
			break
		}
		i++
		conversion := format[i]
		switch {
		case conversion == '%':
			out.WriteByte('%')
		case conversion == 'w':
			out.WriteString(strconv.Itoa(int(t.Weekday())))
		default:
			if layout, ok := strftimeLayouts[conversion]; ok {
				out.WriteString(t.Format(layout))
			} else {
				out.WriteByte('%')
				out.WriteByte(conversion)
			}
		}
	}
	return out.String()
}
