/**
 * The part of fengari 0.1.5 (Lua 5.3 in JavaScript, no bundled types) that lua-vm.ts uses. Lua
 * strings are byte arrays in fengari; to_luastring/to_jsstring convert.
 */
declare module 'fengari' {
  export type LuaState = { readonly __luaState: unique symbol };
  export type LuaString = Uint8Array;
  export type LuaJsFunction = (L: LuaState) => number;
  export type LuaHook = (L: LuaState, activationRecord: unknown) => void;

  export function to_luastring(value: string): LuaString;
  export function to_jsstring(value: LuaString): string;

  export const lua: {
    LUA_OK: number;
    LUA_MULTRET: number;
    LUA_MASKCOUNT: number;
    LUA_REGISTRYINDEX: number;
    LUA_TNONE: number;
    LUA_TNIL: number;
    LUA_TBOOLEAN: number;
    LUA_TNUMBER: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;
    lua_close(L: LuaState): void;
    lua_gettop(L: LuaState): number;
    lua_settop(L: LuaState, index: number): void;
    lua_pop(L: LuaState, count: number): void;
    lua_absindex(L: LuaState, index: number): number;
    lua_type(L: LuaState, index: number): number;
    lua_typename(L: LuaState, type: number): LuaString;
    lua_pushnil(L: LuaState): void;
    lua_pushboolean(L: LuaState, value: boolean): void;
    lua_pushinteger(L: LuaState, value: number): void;
    lua_pushnumber(L: LuaState, value: number): void;
    lua_pushstring(L: LuaState, value: LuaString): void;
    lua_pushvalue(L: LuaState, index: number): void;
    lua_pushcfunction(L: LuaState, fn: LuaJsFunction): void;
    lua_createtable(L: LuaState, arraySize: number, hashSize: number): void;
    lua_setfield(L: LuaState, index: number, key: LuaString): void;
    lua_getfield(L: LuaState, index: number, key: LuaString): number;
    lua_remove(L: LuaState, index: number): void;
    lua_insert(L: LuaState, index: number): void;
    lua_error(L: LuaState): number;
    lua_rawseti(L: LuaState, index: number, n: number): void;
    lua_setglobal(L: LuaState, name: LuaString): void;
    lua_next(L: LuaState, index: number): number;
    lua_toboolean(L: LuaState, index: number): boolean;
    lua_tonumber(L: LuaState, index: number): number;
    lua_tojsstring(L: LuaState, index: number): string;
    lua_topointer(L: LuaState, index: number): object;
    lua_pcall(L: LuaState, nargs: number, nresults: number, messageHandler: number): number;
    lua_sethook(L: LuaState, hook: LuaHook | null, mask: number, count: number): void;
  };

  export const lauxlib: {
    luaL_newstate(): LuaState;
    luaL_requiref(L: LuaState, name: LuaString, open: LuaJsFunction, global: number): void;
    luaL_loadbuffer(L: LuaState, buffer: LuaString, size: number | null, chunkName: LuaString): number;
  };

  export const lualib: {
    luaopen_base: LuaJsFunction;
    luaopen_table: LuaJsFunction;
    luaopen_string: LuaJsFunction;
    luaopen_math: LuaJsFunction;
    luaopen_os: LuaJsFunction;
    luaopen_coroutine: LuaJsFunction;
  };
}
