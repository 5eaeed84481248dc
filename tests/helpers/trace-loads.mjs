// `node --import ./trace-loads.mjs …` prints, at exit, every file the program loaded as a module
// (ES modules through a loader hook, CommonJS ones from the require cache), one per line on
// stderr, prefixed `loaded `, and every Node built-in module loaded after start-up, prefixed
// `builtin `. Used to show what start-up does not load.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = mkdtempSync(path.join(tmpdir(), 'trace-loads-'));
const log = path.join(dir, 'loads');
appendFileSync(log, '');
// The hook runs on the loader thread and appends synchronously, so no load is lost at exit.
const hooks = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(log, url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { log } });
const cache = createRequire(import.meta.url).cache;
const builtinsAtStart = new Set(process.moduleLoadList);
process.on('exit', () => {
  const urls = new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean));
  for (const file of Object.keys(cache)) urls.add(pathToFileURL(file).href);
  rmSync(dir, { recursive: true, force: true });
  const builtins = process.moduleLoadList.filter((m) => !builtinsAtStart.has(m) && m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  for (const url of urls) process.stderr.write(`loaded ${url}\n`);
  for (const name of builtins) process.stderr.write(`builtin ${name}\n`);
});
