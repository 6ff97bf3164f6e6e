/**
 * Runs one Argo CD health script in-process, the way Argo CD v3.5.1 runs it (util/lua/lua.go
 * ExecuteHealthLua on gopher-lua), so `npm test` needs no Go: a fresh interpreter per run; only the
 * base and table libraries unless useOpenLibs, and `require("os")` giving the safe {time, date};
 * the object as global `obj` with JSON nulls dropped; a 1 s limit; the returned table read back
 * through JSON into {status, message}, an unknown status turned into Unknown.
 *
 * The interpreter is fengari (Lua 5.3) while Argo CD's is gopher-lua (Lua 5.1). What a health
 * script can reach is made the same (gopher-lua's function names, nothing more), syntax newer than
 * 5.1 is refused before running (lua-dialect.ts), and numbers that are whole are integers so they
 * print as gopher-lua prints them. Left different: a division yields a float that prints as `2.0`
 * where gopher-lua prints `2`; `npm run test:real` runs every case in gopher-lua too.
 */
import fengari, { type LuaState } from 'fengari';
import { checkLua51 } from './lua-dialect.js';

const { lua, lauxlib, lualib, to_luastring, to_jsstring } = fengari;

/** gitops-engine's HealthStatusCode values; anything else is reported as Unknown. */
export const HEALTH_STATUSES = [
  'Healthy',
  'Progressing',
  'Degraded',
  'Suspended',
  'Missing',
  'Unknown',
] as const;
export type HealthStatusCode = (typeof HEALTH_STATUSES)[number];

/** What ExecuteHealthLua returns: empty when the script returned nil, an empty table or a list. */
export interface LuaHealth {
  status?: string;
  message?: string;
}

export type LuaHealthRun = { ok: true; health: LuaHealth } | { ok: false; error: string };

export interface LuaHealthInput {
  script: string;
  object: unknown;
  useOpenLibs?: boolean;
  /** Argo CD's limit (context.WithTimeout in runLua). */
  timeoutMs?: number;
}

export const INVALID_HEALTH_STATUS = 'Lua returned an invalid health status';
const SCRIPT_TIMEOUT_MS = 1000;
/** gopher-lua names a DoString chunk `<string>`; errors then read `<string>:3: …` as in Argo CD. */
const CHUNK_NAME = to_luastring('=<string>');
const INT32_MAX = 2 ** 31 - 1;

/**
 * Shapes the opened libraries into what gopher-lua offers Argo CD's scripts: its base functions
 * (minus those that read files or compile code, whose 5.3 behaviour differs), 5.1's `unpack`,
 * `table.getn`/`table.maxn` and no 5.3-only names, so a script that needs something gopher-lua lacks
 * fails here too. Receives the safe os table that `require("os")` returns.
 */
const PRELUDE = `
local safe_os = ...
local base = {
  assert = true, collectgarbage = true, error = true, getmetatable = true, ipairs = true,
  next = true, pairs = true, pcall = true, rawequal = true, rawget = true, rawset = true,
  select = true, setmetatable = true, tonumber = true, tostring = true, type = true,
  xpcall = true, _G = true, table = true, string = true, math = true, os = true, coroutine = true,
}
local table_unpack = table.unpack
for name in pairs(_G) do
  if not base[name] then _G[name] = nil end
end
_VERSION = "Lua 5.1"
unpack = table_unpack
print = function() end
require = function(name)
  if name == "os" then return safe_os end
  error("module " .. tostring(name) .. " not found", 2)
end
table.unpack, table.pack, table.move = nil, nil, nil
table.getn = function(t) return #t end
table.maxn = function(t)
  local max = 0
  for key in pairs(t) do
    if type(key) == "number" and key > max then max = key end
  end
  return max
end
if string then
  string.pack, string.packsize, string.unpack = nil, nil, nil
end
if math then
  math.tointeger, math.type, math.ult, math.maxinteger, math.mininteger = nil, nil, nil, nil, nil
end
`;

/** Runs `script` against `object` as Argo CD's ExecuteHealthLua would. */
export function runHealthLua(input: LuaHealthInput): LuaHealthRun {
  const dialect = checkLua51(input.script);
  if (dialect) return { ok: false, error: dialect };
  const L = lauxlib.luaL_newstate();
  try {
    openLibraries(L, input.useOpenLibs ?? false);
    lua.lua_createtable(L, 0, 0);
    lua.lua_setglobal(L, to_luastring('actionParams'));
    pushJson(L, input.object);
    lua.lua_setglobal(L, to_luastring('obj'));
    const failure = execute(L, input.script, input.timeoutMs ?? SCRIPT_TIMEOUT_MS);
    if (failure) return { ok: false, error: failure };
    return healthFromTop(L);
  } finally {
    lua.lua_close(L);
  }
}

function openLibraries(L: LuaState, useOpenLibs: boolean): void {
  const libraries: [string, (L: LuaState) => number][] = [
    ['_G', lualib.luaopen_base],
    ['table', lualib.luaopen_table],
  ];
  if (useOpenLibs) {
    libraries.push(
      ['string', lualib.luaopen_string],
      ['math', lualib.luaopen_math],
      ['os', lualib.luaopen_os],
      ['coroutine', lualib.luaopen_coroutine],
    );
  }
  for (const [name, open] of libraries) {
    lauxlib.luaL_requiref(L, to_luastring(name), open, 1);
    lua.lua_pop(L, 1);
  }
  // Argo CD's safe os (oslib_safe.go): time and date only, reachable through require("os").
  lauxlib.luaL_requiref(L, to_luastring('os'), lualib.luaopen_os, 0);
  const fullOs = lua.lua_gettop(L);
  lua.lua_createtable(L, 0, 2);
  for (const name of ['time', 'date']) {
    lua.lua_getfield(L, fullOs, to_luastring(name));
    lua.lua_setfield(L, -2, to_luastring(name));
  }
  lua.lua_remove(L, fullOs);
  if (lauxlib.luaL_loadbuffer(L, to_luastring(PRELUDE), null, to_luastring('=prelude')) !== lua.LUA_OK) {
    throw new Error(`health Lua prelude: ${lua.lua_tojsstring(L, -1)}`);
  }
  lua.lua_insert(L, -2);
  if (lua.lua_pcall(L, 1, 0, 0) !== lua.LUA_OK)
    throw new Error(`health Lua prelude: ${lua.lua_tojsstring(L, -1)}`);
}

/** Loads and runs the script, leaving its results on the stack; returns an error text on failure. */
function execute(L: LuaState, script: string, timeoutMs: number): string | undefined {
  if (lauxlib.luaL_loadbuffer(L, to_luastring(script), null, CHUNK_NAME) !== lua.LUA_OK) {
    return lua.lua_tojsstring(L, -1);
  }
  const deadline = Date.now() + timeoutMs;
  lua.lua_sethook(
    L,
    (hooked) => {
      if (Date.now() <= deadline) return;
      lua.lua_pushstring(hooked, to_luastring('context deadline exceeded'));
      lua.lua_error(hooked);
    },
    lua.LUA_MASKCOUNT,
    1000,
  );
  const status = lua.lua_pcall(L, 0, lua.LUA_MULTRET, 0);
  lua.lua_sethook(L, null, 0, 0);
  return status === lua.LUA_OK ? undefined : lua.lua_tojsstring(L, -1);
}

/** Argo CD's decodeValue: maps become tables, lists become sequences, nulls disappear. */
function pushJson(L: LuaState, value: unknown): void {
  if (value === null || value === undefined) lua.lua_pushnil(L);
  else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
  else if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) <= INT32_MAX) lua.lua_pushinteger(L, value);
    else lua.lua_pushnumber(L, value);
  } else if (typeof value === 'string') lua.lua_pushstring(L, to_luastring(value));
  else if (Array.isArray(value)) {
    const items = value.filter((item) => item !== null && item !== undefined);
    lua.lua_createtable(L, items.length, 0);
    items.forEach((item, index) => {
      pushJson(L, item);
      lua.lua_rawseti(L, -2, index + 1);
    });
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== null);
    lua.lua_createtable(L, 0, entries.length);
    for (const [key, item] of entries) {
      pushJson(L, item);
      lua.lua_setfield(L, -2, to_luastring(key));
    }
  } else lua.lua_pushnil(L);
}

/** ExecuteHealthLua on the value the script returned last (the top of the stack). */
function healthFromTop(L: LuaState): LuaHealthRun {
  const type = lua.lua_type(L, -1);
  if (type === lua.LUA_TNONE || type === lua.LUA_TNIL) return { ok: true, health: {} };
  if (type !== lua.LUA_TTABLE) {
    return { ok: false, error: `expect table output from Lua script, not ${luaTypeName(L, type)}` };
  }
  let encoded: unknown;
  try {
    encoded = toJson(L, lua.lua_absindex(L, -1), new Set());
  } catch (error) {
    // encoding/json wraps the encoder's error the same way in Argo CD.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `json: error calling MarshalJSON for type json.jsonValue: ${reason}` };
  }
  return { ok: true, health: decodeHealthStatus(encoded) };
}

const luaTypeName = (L: LuaState, type: number) => to_jsstring(lua.lua_typename(L, type));

/**
 * layeh.com/gopher-json's Encode: an empty table is `[]`, a table whose first key is a number a
 * list (keys 1..n), one whose first key is a string an object; any table met twice is refused.
 */
function toJson(L: LuaState, index: number, visited: Set<object>): unknown {
  const type = lua.lua_type(L, index);
  if (type === lua.LUA_TNIL) return null;
  if (type === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, index);
  if (type === lua.LUA_TNUMBER) return lua.lua_tonumber(L, index);
  if (type === lua.LUA_TSTRING) return lua.lua_tojsstring(L, index);
  if (type !== lua.LUA_TTABLE) throw new Error(`cannot encode ${luaTypeName(L, type)} to JSON`);
  const pointer = lua.lua_topointer(L, index);
  if (visited.has(pointer)) throw new Error('cannot encode recursively nested tables to JSON');
  visited.add(pointer);
  // fengari's next() order is not gopher-lua's (array part first), so classify all keys at once.
  const numbered = new Map<number, unknown>();
  const named: Record<string, unknown> = {};
  let invalidKey = false;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, index) !== 0) {
    const keyType = lua.lua_type(L, -2);
    const value = toJson(L, lua.lua_absindex(L, -1), visited);
    if (keyType === lua.LUA_TNUMBER) numbered.set(lua.lua_tonumber(L, -2), value);
    else if (keyType === lua.LUA_TSTRING) named[lua.lua_tojsstring(L, -2)] = value;
    else invalidKey = true;
    lua.lua_pop(L, 1);
  }
  const namedCount = Object.keys(named).length;
  if (invalidKey || (numbered.size > 0 && namedCount > 0)) {
    throw new Error('cannot encode mixed or invalid key types');
  }
  if (namedCount > 0) return named;
  const list = [...numbered.keys()].sort((a, b) => a - b);
  if (list.some((key, position) => key !== position + 1)) throw new Error('cannot encode sparse array');
  return list.map((key) => numbered.get(key));
}

/**
 * encoding/json into gitops-engine's HealthStatus{status, message}: keys match case-insensitively
 * (an exact match first); a list or a non-string field is a type error, which Argo CD reads as "no
 * health"; a status outside the known codes becomes Unknown.
 */
function decodeHealthStatus(encoded: unknown): LuaHealth {
  if (Array.isArray(encoded) || encoded === null || typeof encoded !== 'object') return {};
  const fields = encoded as Record<string, unknown>;
  const field = (name: string) => {
    const key = name in fields ? name : Object.keys(fields).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : fields[key];
  };
  const status = field('status');
  const message = field('message');
  for (const value of [status, message]) {
    if (value !== undefined && value !== null && typeof value !== 'string') return {};
  }
  if (!isHealthStatus(status)) return { status: 'Unknown', message: INVALID_HEALTH_STATUS };
  return typeof message === 'string' && message !== '' ? { status, message } : { status };
}

export function isHealthStatus(value: unknown): value is HealthStatusCode {
  return (HEALTH_STATUSES as readonly unknown[]).includes(value);
}
