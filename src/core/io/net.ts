import type http from 'node:http';
import type https from 'node:https';
import type tls from 'node:tls';

// node:http/https/tls/dns cost about 4 ms to load: only commands that fetch pay for them.
export interface NetModules {
  http: typeof http;
  https: typeof https;
  tls: typeof tls;
  dnsLookup: typeof import('node:dns').lookup;
}
let netModules: Promise<NetModules> | undefined;
export function loadNet(): Promise<NetModules> {
  netModules ??= Promise.all([import('node:http'), import('node:https'), import('node:tls'), import('node:dns')]).then(([h, s, t, d]) => ({
    http: h.default,
    https: s.default,
    tls: t.default,
    dnsLookup: d.lookup,
  }));
  return netModules;
}
