// `node --import ./trace-loads.mjs …` prints, at exit, every file: module the program loaded
// (one per line on stderr, prefixed `loaded `). Used to show what start-up does not load.
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const loaded = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => loaded.add(url));
port1.unref();
const hooks = `
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) port.postMessage(url);
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { port: port2 }, transferList: [port2] });
process.on('exit', () => {
  for (const url of loaded) process.stderr.write(`loaded ${url}\n`);
});
