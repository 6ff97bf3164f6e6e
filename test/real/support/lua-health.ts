import { runCommand } from '../../support/command.js';
import { argocdResourceCustomizations, realBin, requireBuilt } from './paths.js';

export interface LuaHealthCase {
  /** Script to run; when absent the harness picks Argo CD's built-in script by group/kind. */
  script?: string;
  object: unknown;
  openLibs?: boolean;
}

export interface LuaHealthResult {
  /** The health.lua that ran (absent when Argo CD has no script for the kind). */
  script?: string;
  status?: string;
  message?: string;
  error?: string;
}

/** Runs health scripts in the gopher-lua harness (tools/real/cmd/lua-health), one process per batch. */
export async function runLuaHealth(cases: LuaHealthCase[]): Promise<LuaHealthResult[]> {
  requireBuilt(realBin.luaHealth, argocdResourceCustomizations);
  const args = ['--batch', `--resource-customizations=${argocdResourceCustomizations}`];
  const result = await runCommand(realBin.luaHealth, args, {
    stdin: JSON.stringify(cases),
    timeoutMs: 60_000,
  });
  if (result.code !== 0) throw new Error(`lua-health failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as LuaHealthResult[];
}
