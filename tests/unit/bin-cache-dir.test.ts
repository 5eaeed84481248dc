import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheLocation } from '../../src/core/io/cache.js';
import { REPO_ROOT } from '../helpers/sandbox.js';

// The bin shim finds the user cache before any of the CLI loads, so it has its own copy of the
// rule; the two must agree.
const { userCacheLocation } = createRequire(import.meta.url)(path.join(REPO_ROOT, 'bin', 'agent-install.cjs')) as {
  userCacheLocation: (env: Record<string, string | undefined>, platform: NodeJS.Platform) => { dir: string; anchor: string } | null;
};

describe('the bin shim and src/core/io/cache.ts name the same cache folder', () => {
  const home = '/home/someone';
  const envs: Array<Record<string, string>> = [
    { HOME: home },
    { HOME: home, AGENT_INSTALL_CACHE: '/var/cache/ai' },
    { HOME: home, AGENT_INSTALL_CACHE: 'relative/cache' },
    { HOME: home, XDG_CACHE_HOME: '/xdg' },
    { HOME: home, XDG_CACHE_HOME: '/xdg', AGENT_INSTALL_CACHE: '/wins' },
    { HOME: home, LOCALAPPDATA: 'C:\\Users\\someone\\AppData\\Local' },
    { HOME: home, XDG_CACHE_HOME: 'relative/xdg' },
    { HOME: 'relative-home' },
    { HOME: '' },
    { HOME: '', AGENT_INSTALL_CACHE: '/var/cache/ai' },
  ];
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    it.each(envs)(`${platform}: %j`, (env) => {
      expect(userCacheLocation(env, platform)).toEqual(cacheLocation({ env, home: env.HOME ?? home }, platform));
    });
  }
});
