/**
 * Scripts that probe how a health script is run (libraries, object and result conversion), each
 * with what Argo CD v3.5.1 gives for it. The unit test runs them in-process; the real suite runs
 * them in the gopher-lua harness too, so both engines are held to the same answers.
 */
import type { LuaHealth } from '../../../src/gitops/health/lua-vm.js';

export interface VmCase {
  name: string;
  script: string;
  object: unknown;
  useOpenLibs?: boolean;
  /** The health, or a pattern both engines' error texts match. */
  expected: LuaHealth | { error: RegExp };
}

const healthy = (message: string): LuaHealth => ({ status: 'Healthy', message });
const says = (expression: string) => `return { status = "Healthy", message = ${expression} }`;

export const VM_SEMANTICS_CASES: VmCase[] = [
  {
    name: 'a null field is nil in obj',
    script: 'if obj.status == nil then return { status = "Progressing", message = "no status" } end',
    object: { status: null },
    expected: { status: 'Progressing', message: 'no status' },
  },
  {
    name: 'nulls in a list are dropped',
    script: says('"" .. #obj.list'),
    object: { list: [1, null, 2] },
    expected: healthy('2'),
  },
  {
    name: 'whole numbers print without a fraction, others as they are',
    script: says('obj.count .. " " .. obj.share .. " " .. tostring(obj.big)'),
    object: { count: 3, share: 0.5, big: 12_000 },
    expected: healthy('3 0.5 12000'),
  },
  {
    name: 'no string library without useOpenLibs',
    script: says('type(string) .. "," .. type(math)'),
    object: {},
    expected: healthy('nil,nil'),
  },
  {
    name: 'the string library with useOpenLibs',
    script: says('type(string) .. "," .. ("abc"):upper()'),
    object: {},
    useOpenLibs: true,
    expected: healthy('table,ABC'),
  },
  {
    name: 'methods on strings fail without useOpenLibs',
    script: says('("abc"):upper()'),
    object: {},
    expected: { error: /attempt to index/ },
  },
  {
    name: 'safe os without open libraries: no global os, require("os") gives time and date only',
    script:
      'local safe = require("os")\n' +
      says(
        'type(os) .. "," .. type(table.time) .. "," .. type(safe.time) .. "," .. type(safe.date) .. "," .. type(safe.exit)',
      ),
    object: {},
    expected: healthy('nil,nil,function,function,nil'),
  },
  {
    name: 'Lua 5.1 names: unpack, table.getn, table.maxn, _VERSION',
    script: says('unpack({ "a" }) .. table.getn({ 1, 2 }) .. table.maxn({ 1, 2, 3 }) .. " " .. _VERSION'),
    object: {},
    expected: healthy('a23 Lua 5.1'),
  },
  {
    name: 'no 5.2+ names',
    script: says('type(rawlen) .. type(table.unpack) .. type(table.pack) .. type(utf8)'),
    object: {},
    expected: healthy('nilnilnilnil'),
  },
  {
    name: 'actionParams is an empty table',
    script: says('type(actionParams) .. tostring(next(actionParams) == nil)'),
    object: {},
    expected: healthy('tabletrue'),
  },
  { name: 'an empty table is no health', script: 'return {}', object: {}, expected: {} },
  { name: 'nil is no health', script: 'return nil', object: {}, expected: {} },
  { name: 'no return value is no health', script: 'local x = 1', object: {}, expected: {} },
  { name: 'a list is no health', script: 'return { "Healthy" }', object: {}, expected: {} },
  {
    name: 'a status that is not a string is no health',
    script: 'return { status = 3 }',
    object: {},
    expected: {},
  },
  {
    name: 'only a message: invalid status',
    script: 'return { message = "hi" }',
    object: {},
    expected: { status: 'Unknown', message: 'Lua returned an invalid health status' },
  },
  {
    name: 'field names match case-insensitively',
    script: 'return { Status = "Degraded", MESSAGE = "x" }',
    object: {},
    expected: { status: 'Degraded', message: 'x' },
  },
  {
    name: 'the last returned value counts',
    script: 'return { status = "Degraded" }, { status = "Healthy" }',
    object: {},
    expected: { status: 'Healthy' },
  },
  {
    name: 'a string result is an error',
    script: 'return "Healthy"',
    object: {},
    expected: { error: /^expect table output from Lua script, not string$/ },
  },
  {
    name: 'mixed keys cannot be encoded',
    script: 'return { status = "Healthy", [1] = "x" }',
    object: {},
    expected: {
      error:
        /^json: error calling MarshalJSON for type json\.jsonValue: cannot encode mixed or invalid key types$/,
    },
  },
  {
    name: 'a runtime error names the line',
    script: 'local a = 1\nerror("boom")',
    object: {},
    expected: { error: /^<string>:2: boom/ },
  },
  {
    name: 'require of anything but os fails',
    script: 'local json = require("json")\nreturn { status = "Healthy" }',
    object: {},
    expected: { error: /json/ },
  },
];
