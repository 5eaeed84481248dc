/**
 * The YAML layer under the frontmatter parser: Bun's dialect (bun-yaml.ts), with room for Bun's
 * nesting depth. Bun gives up at a few thousand levels ("Maximum call stack size exceeded"); Node's
 * default stack holds about a thousand levels of this parser. A text nested deeper than that is
 * parsed again on a worker thread with a larger stack, synchronously, so that the verdict is Bun's
 * either way; only the first 32 levels of its value come back (nothing Claude Code reads lies deeper).
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { type BunYamlResult, parseBunYaml } from './bun-yaml.js';

export type { BunYamlResult } from './bun-yaml.js';

/** How deep a value parsed on the worker thread comes back; deeper values become null. */
const RETURNED_DEPTH = 32;

/** `Bun.YAML.parse` as Claude Code calls it: the value, or Bun's error message and its offset. */
export function parseYaml(text: string): BunYamlResult {
  try {
    return parseBunYaml(text);
  } catch (error) {
    if (error instanceof RangeError) return parseOnLargeStack(text);
    throw error;
  }
}

const HERE = typeof __filename === 'string' ? __filename : new URL(import.meta.url).pathname;

let workerSource: string | undefined;

/** The code a worker runs: this module's bundle (dist/), or, from the sources, this file bundled on the fly. */
function source(): string {
  if (workerSource !== undefined) return workerSource;
  let loader: string;
  if (HERE.endsWith('.ts')) {
    // Running from the TypeScript sources (tests): esbuild is a development dependency.
    const load = typeof require === 'function' ? require : createRequire(import.meta.url);
    const esbuild = load('esbuild') as typeof import('esbuild');
    const built = esbuild.buildSync({ entryPoints: [HERE], bundle: true, write: false, format: 'cjs', platform: 'node', logLevel: 'silent' });
    loader = `const m = (() => { const module = { exports: {} }; new Function('module', 'exports', 'require', ${JSON.stringify(built.outputFiles[0]!.text)})(module, module.exports, require); return module.exports; })();`;
  } else {
    loader = `const g = require(${JSON.stringify(HERE)}); const m = [g, ...Object.values(g)].find((x) => x && typeof x.parseDeepOnWorker === 'function');`;
  }
  workerSource = `const { workerData } = require('node:worker_threads'); ${loader} let r; try { r = m.parseDeepOnWorker(workerData.text); } catch (e) { r = { ok: false, message: 'Maximum call stack size exceeded.', offset: 0 }; } workerData.port.postMessage(r); Atomics.store(workerData.flag, 0, 1); Atomics.notify(workerData.flag, 0);`;
  return workerSource;
}

function parseOnLargeStack(text: string): BunYamlResult {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(source(), { eval: true, workerData: { text, port: port2, flag }, transferList: [port2], resourceLimits: { stackSizeMb: 256 } });
  try {
    Atomics.wait(flag, 0, 0, 120_000);
    const message = receiveMessageOnPort(port1);
    if (!message) return { ok: false, message: 'Maximum call stack size exceeded.', offset: 0 };
    return message.message as BunYamlResult;
  } finally {
    void worker.terminate();
    port1.close();
  }
}

/** On the worker: parse, and keep the value to RETURNED_DEPTH levels (the main thread's stack must copy it). */
export function parseDeepOnWorker(text: string): BunYamlResult {
  const result = parseBunYaml(text);
  if (!result.ok) return result;
  const seen = new Map<object, unknown>();
  const cut = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (depth >= RETURNED_DEPTH) return null;
    if (seen.has(value)) return seen.get(value);
    if (Array.isArray(value)) {
      const list: unknown[] = [];
      seen.set(value, list);
      for (const item of value) list.push(cut(item, depth + 1));
      return list;
    }
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [key, item] of Object.entries(value))
      Object.defineProperty(out, key, { value: cut(item, depth + 1), enumerable: true, writable: true, configurable: true });
    return out;
  };
  return { ...result, value: cut(result.value, 0) };
}
