import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  openPlatformStateDir,
  platformPaths,
  STATE_LAYOUT_VERSION,
} from '../../../../src/cli/platform/state-dir.js';
import { REGION_PAIR } from '../../../../src/estate/common/parameters.js';

describe('the state dir of npm start', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-state-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('lays out a folder per region, AWS, GitOps and logs, and records its layout version', () => {
    const paths = platformPaths(join(fresh(), 'state'));
    openPlatformStateDir(paths, REGION_PAIR);
    for (const region of REGION_PAIR) expect(existsSync(paths.cluster(region))).toBe(true);
    expect(existsSync(paths.aws)).toBe(true);
    expect(JSON.parse(readFileSync(join(paths.root, 'layout.json'), 'utf8'))).toEqual({
      version: STATE_LAYOUT_VERSION,
    });
    // A second start on the same dir is fine.
    expect(() => openPlatformStateDir(paths, REGION_PAIR)).not.toThrow();
  });

  it('refuses the state of the older one-API-server layout and changes nothing in it', () => {
    const root = fresh();
    writeFileSync(join(root, 'objects.json'), '{"revision":1,"resources":[]}');
    expect(() => openPlatformStateDir(platformPaths(root), REGION_PAIR)).toThrow(
      `${root}: holds the state of an older npm start (one Kubernetes API for both regions); move it away or start with an empty --state-dir`,
    );
    expect(existsSync(join(root, 'layout.json'))).toBe(false);
    expect(existsSync(join(root, 'clusters'))).toBe(false);
  });

  it('refuses a layout version it does not know, and a layout.json that is not JSON', () => {
    const future = fresh();
    writeFileSync(join(future, 'layout.json'), '{"version":99}');
    expect(() => openPlatformStateDir(platformPaths(future), REGION_PAIR)).toThrow(
      `${future}: has state layout 99, this switchyard writes ${STATE_LAYOUT_VERSION}; move it away or start with an empty --state-dir`,
    );
    const garbled = fresh();
    writeFileSync(join(garbled, 'layout.json'), '{not json');
    expect(() => openPlatformStateDir(platformPaths(garbled), REGION_PAIR)).toThrow(
      /layout.json: is not valid JSON.*; move it away or start with an empty --state-dir$/,
    );
  });

  it('a state dir that cannot be created is an error, not a hang', () => {
    const blocker = join(fresh(), 'a-file');
    writeFileSync(blocker, '');
    expect(() => openPlatformStateDir(platformPaths(join(blocker, 'state')), REGION_PAIR)).toThrow(
      /a-file\/state: cannot be created as a state dir .*ENOTDIR.*; choose a --state-dir this process can write/,
    );
    expect(() => openPlatformStateDir(platformPaths('/proc/x'), REGION_PAIR)).toThrow(
      /^\/proc\/x: cannot be created as a state dir/,
    );
  });
});
