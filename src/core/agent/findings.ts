/**
 * Findings in an agent file's text: characters that hide or disguise text from a human reviewer
 * (bidirectional controls, zero-width characters outside emoji sequences, Unicode tag characters,
 * runs of variation selectors, terminal controls), HTML comments in the prompt, instructions to
 * conceal, and commands that download and run code, decode blobs into a shell, read secrets or
 * send them away — in the prompt, the frontmatter, each hook and each inline MCP server.
 *
 * Severities weigh what the agent can do (its grants): the same `curl … | sh` is low in the code
 * example of an agent without a shell, medium when the agent has Bash, and high in a hook (which
 * runs it without asking) or hidden in an HTML comment. The calibration against the real-world
 * corpus and the full table are in docs/grants.md. Nothing here runs anything; every regular
 * expression is linear on one line, and each line is looked at only when a cheap test matches.
 */
import type { EffectiveAgent } from './effective.js';
import { shortForDisplay } from './escape-display.js';
import { type Grants, grantsOf } from './grants.js';

export type FindingSeverity = 'high' | 'medium' | 'low';

export const FINDING_SEVERITIES: readonly FindingSeverity[] = ['high', 'medium', 'low'];

/** Every finding code; what each means and how its severity is decided: docs/grants.md, "Findings". */
export const FINDING_CODES = [
  'hidden-bidi',
  'hidden-zero-width',
  'hidden-tag-chars',
  'hidden-variation-selectors',
  'hidden-control',
  'html-comment',
  'conceal-instruction',
  'pipe-to-shell',
  'download-exec',
  'decode-to-shell',
  'secret-read',
  'secret-send',
  'exfil-endpoint',
  'hook-http',
  'mcp-unpinned-package',
  'bypass-permissions',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export interface AuditFinding {
  severity: FindingSeverity;
  code: FindingCode;
  message: string;
  /** 1-based line of the file. */
  line: number;
  /** 1-based column (UTF-16 code units), when it is known. */
  column?: number;
  /** What was found, short, with invisible and control characters written out (`\u{202E}`). */
  evidence: string;
}

export type Finding = AuditFinding;

const RANK: Record<FindingSeverity, number> = { high: 0, medium: 1, low: 2 };

/** `a` is at least as severe as `b`. */
export function reaches(a: FindingSeverity, b: FindingSeverity): boolean {
  return RANK[a] <= RANK[b];
}

/** At most this many findings of one code per file; past it, one more says how many lines were left out. */
const MAX_PER_CODE = 10;

// ---------------------------------------------------------------- what the agent can do

interface Reach {
  shell: 'unrestricted' | 'scoped' | 'none';
  /** WebFetch, or an unrestricted shell. */
  send: boolean;
  /** Read, Grep, Glob, or an unrestricted shell. */
  read: boolean;
}

function reachOf(grants: Grants): Reach {
  const tools = grants.tools;
  const shells = [tools.bash.access, tools.powershell.access];
  const shell = shells.includes('unrestricted') ? 'unrestricted' : shells.includes('scoped') ? 'scoped' : 'none';
  const effective = tools.effective;
  const has = (name: string) =>
    effective.kind === 'all' ||
    (effective.kind === 'all-except' && !effective.except.includes(name)) ||
    (effective.kind === 'list' && effective.names.some((entry) => entry === name || entry.startsWith(`${name}(`)));
  return {
    shell,
    send: shell === 'unrestricted' || tools.web.some((entry) => entry.startsWith('WebFetch')),
    read: shell === 'unrestricted' || has('Read') || has('Grep'),
  };
}

const shellWords = (reach: Reach) =>
  reach.shell === 'unrestricted'
    ? 'the agent can run any shell command'
    : reach.shell === 'scoped'
      ? 'the agent can run some shell commands'
      : 'the agent has no shell';

// ---------------------------------------------------------------- where a text is

/** Where a match sits: a hook or server command (runs unprompted), hidden from a reader, a code example, or plain instructions. */
type Place =
  | { kind: 'hook'; event: string }
  | { kind: 'mcp'; name: string }
  | { kind: 'hidden'; why: 'comment' | 'characters' }
  | { kind: 'code' }
  | { kind: 'prose'; frontmatter: boolean };

function placeWords(place: Place): string {
  switch (place.kind) {
    case 'hook':
      return `in a ${place.event} hook, which runs it without asking`;
    case 'mcp':
      return `in the command of MCP server ${shortForDisplay(place.name, 40)}, started when the agent runs`;
    case 'hidden':
      return place.why === 'comment' ? 'inside an HTML comment, hidden from a reader' : 'on a line with invisible characters';
    case 'code':
      return 'in a code block or inline code';
    case 'prose':
      return place.frontmatter ? 'in the frontmatter' : 'in the prompt';
  }
}

// ---------------------------------------------------------------- command patterns

const DL = '(?:curl|wget|iwr|irm|invoke-webrequest|invoke-restmethod|https?|aria2c)';
const INTERPRETER = String.raw`(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\S+=\S*\s+)*)?(?:\/usr)?(?:\/bin\/)?(?:(?:ba|z|k|da|fi|tc|c)?sh|python[23]?|node|perl|ruby|php|iex|invoke-expression|pwsh|powershell)`;

const PIPE_TO_SHELL = [
  new RegExp(String.raw`\b${DL}\b[^|\n]*\|\s*${INTERPRETER}\b`, 'i'),
  /(?:^|[\s;&|(])(?:(?:ba|z|k|da)?sh|source|\.)\s+<\(\s*(?:curl|wget)\b/i,
  /\b(?:(?:ba|z|k|da)?sh\s+-c|eval)\s+["']?\$\(\s*(?:curl|wget)\b/i,
  /\b(?:iex|invoke-expression)\b[\s(]*(?:iwr|irm|invoke-webrequest|invoke-restmethod|\(?\s*new-object\s+(?:system\.)?net\.webclient\s*\)?\s*\.downloadstring)/i,
];
const DOWNLOAD_EXEC =
  /\b(?:curl|wget)\b[^\n]*?(?:\s-o\s*|\s-O\s+|\s--output(?:-document)?[=\s]|>\s*)\S+[^\n]*?(?:&&|;|\|\|)\s*(?:sudo\s+)?(?:chmod\s+[+0-7]*x|(?:ba|z)?sh\s+\S|\.\/|python[23]?\s+\S|node\s+\S)/i;
const DECODE_TO_SHELL = [
  new RegExp(String.raw`\b(?:base64\s+(?:-d|--decode|-D)|xxd\s+-r|openssl\s+(?:base64|enc)\b[^|\n]*\s-d|uudecode)\b[^|\n]*\|\s*${INTERPRETER}\b`, 'i'),
  /\b(?:eval|(?:ba|z|k|da)?sh\s+-c)\s+["']?\$\([^)\n]*\b(?:base64\s+(?:-d|--decode|-D)|xxd\s+-r)/i,
  /\b(?:exec|eval)\s*\(\s*(?:base64\.b64decode|atob\s*\(|Buffer\.from\([^)\n]*['"]base64['"]|codecs\.decode|bytes\.fromhex|zlib\.decompress)/i,
  /\b(?:powershell|pwsh)(?:\.exe)?\b[^\n]*\s-(?:e|en|enc|encodedcommand)\s+[A-Za-z0-9+/=]{16,}/i,
  /\bfrombase64string\([^\n]*\b(?:iex|invoke-expression)\b|\b(?:iex|invoke-expression)\b[^\n]*\bfrombase64string\(/i,
];

/** Private keys and credential stores: reading them is rarely anything but theft. */
const KEY_MATERIAL = [
  /(?:~|\$\{?HOME\}?|%USERPROFILE%|\/home\/[\w.-]+|\/Users\/[\w.-]+|\/root)?\/\.ssh(?:\/[\w.-]*)?/,
  /\bid_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?\b(?!\.pub)/,
  /\.aws\/(?:credentials|config)\b/,
  /\.(?:netrc|git-credentials|pypirc|vault-token)\b/,
  /\.docker\/config\.json|\.kube\/config\b|\.config\/gh\/hosts\.ya?ml|\.config\/gcloud\/|\.azure\/(?:accessTokens|msal_token_cache)/,
  /\.gnupg\b|\/etc\/shadow\b|\.password-store\b|\.claude\/\.credentials\.json/,
  /Library\/Keychains|\bsecurity\s+find-(?:generic|internet)-password\b|\bLogin Data\b/,
];
/** `.env` files (not `.env.example` and the like). */
const ENV_FILE = /(?:^|[\s'"`(=/:])\.env(?:\.(?:local|production|prod|development|dev|staging|test))?(?![\w.-])/;
/** The whole environment, or a variable named like a secret (outside a `-H` header). */
const ENV_DUMP =
  /(?:^|[\s;&|(`$])(?:printenv|env)\s*(?:\||>|\)|`|$)|\bset\s*\|\s*(?:curl|nc|base64)|JSON\.stringify\(\s*process\.env\s*\)|\bos\.environ\b(?![.[])|\bget-childitem\s+env:/i;
const SECRET_VARIABLE = /\$\{?[A-Z][A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)\}?(?![A-Za-z0-9_])/;
const HEADER_ARGUMENT = /(?:-H|--header)\s*(?:"[^"\n]*"|'[^'\n]*'|\S+)|authorization:\s*[^\n]*/gi;

const READ_VERB =
  /\b(?:cat|less|more|head|tail|type|get-content|strings|xxd|base64|tar|zip|cp|copy|scp|rsync|read|reads|reading|open|print|dump|show|display|output|include|extract|collect|gather|steal|harvest|exfiltrate|upload|send|grab|load|source|contents? of)\b/i;
/** Verbs that make naming a .env file or a secret variable more than configuration advice. */
const ENV_VERB =
  /\b(?:cat|print|printf|echo|dump|show|display|output|reveal|send|upload|exfiltrate|steal|harvest|collect|extract|grab|copy|cp|scp|base64|contents? of)\b/i;
const NEGATION = /\b(?:never|don't|do not|must not|should not|shouldn't|avoid|without|no)\b/i;

const EXFIL_HOST =
  /\b(?:webhook\.site|requestbin\.(?:com|net)|requestcatcher\.com|pipedream\.net|ngrok(?:-free)?\.(?:io|app|dev)|interact\.sh|oast\.(?:fun|me|pro|live|site|online)|oastify\.com|burpcollaborator\.net|canarytokens\.com|discord(?:app)?\.com\/api\/webhooks|hooks\.slack\.com\/services|api\.telegram\.org\/bot|transfer\.sh|0x0\.st|termbin\.com|pastebin\.com\/api)\b/i;
const SEND = [
  /\bcurl\b[^\n]*?\s(?:-d|--data(?:-binary|-raw|-urlencode|-ascii)?|-F|--form|-T|--upload-file|--json)(?=[\s=@'"]|$)/i,
  /\|\s*(?:curl|wget|nc|ncat|netcat|socat|telnet)\b/i,
  /\bwget\b[^\n]*--post-(?:data|file)/i,
  /\b(?:nc|ncat|netcat)\b(?:\s+-\w+)*\s+[\w.-]+\s+\d{1,5}\s*</i,
  /\/dev\/(?:tcp|udp)\//,
  /\b(?:scp|rsync)\b[^\n]*\s(?:[\w.-]+@)?[\w-]+(?:\.[\w-]+)+:\S*/,
  /\b(?:invoke-webrequest|invoke-restmethod|iwr|irm)\b[^\n]*-(?:method\s+post|body|infile)\b/i,
  /\b(?:send|post|upload|transmit|exfiltrate|forward|submit|leak)\b[^\n]{0,80}?\bhttps?:\/\//i,
];

const CONCEAL = [
  /\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|all|other|system|user'?s?)\b[^.\n]{0,20}\b(?:instructions?|rules?|prompts?|guidelines?|directions?)\b/i,
  /\b(?:do not|don't|never)\s+(?:tell|mention|reveal|inform|disclose|notify|alert|show)\b[^.\n]{0,30}\b(?:user|human|anyone|them|reviewer|operator)\b/i,
  /\bwithout\s+(?:telling|informing|notifying|alerting)\b/i,
  /\b(?:secretly|covertly|surreptitiously)\b/i,
  /\bsilently\s+(?:run|execute|send|upload|install|download|copy|post|exfiltrate)\b/i,
  /\b(?:hide|conceal)\s+(?:this|it|these|the\s+(?:command|request|upload|output))\b[^.\n]{0,30}\bfrom\b/i,
  /\bthe user (?:must not|should not|shouldn't|cannot|can't|won't|will not) (?:know|see|find out|notice|learn)\b/i,
];

/**
 * Words that start every command pattern above: a line that holds none of them needs no closer
 * look. One scan of the whole text; each word must begin a word (`\b`), which keeps the scan
 * fast (a regular expression of many alternatives tried at every position is several times slower).
 */
const SUSPECT_WORDS = [
  'curl',
  'wget',
  'iwr',
  'irm',
  'invoke-',
  'iex',
  'aria2c',
  'base64',
  'xxd',
  'openssl',
  'uudecode',
  'powershell',
  'pwsh',
  'frombase64',
  'nc',
  'ncat',
  'netcat',
  'socat',
  'telnet',
  'scp',
  'rsync',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'netrc',
  'pypirc',
  'gcloud',
  'gnupg',
  'shadow',
  'password-store',
  'keychain',
  'find-generic',
  'find-internet',
  'login data',
  'library/keychains',
  'printenv',
  'os.environ',
  'get-childitem',
  'json.stringify',
  'http',
  'webhook',
  'requestbin',
  'requestcatcher',
  'pipedream',
  'ngrok',
  'interact.sh',
  'oast',
  'oastify',
  'burpcollaborator',
  'canarytokens',
  'discord',
  'hooks.slack',
  'api.telegram',
  'transfer.sh',
  '0x0.st',
  'termbin',
  'pastebin',
  'ignor',
  'disregard',
  'forget',
  'override',
  'secretly',
  'covertly',
  'surreptitious',
  'silently',
  'hide',
  'conceal',
  'token',
  'secret',
  'passw',
  'api_key',
  'apikey',
  'access_key',
  'private_key',
  'credential',
  'exec(',
  'exec (',
  'eval ',
  'eval(',
  'env |',
  'env|',
  'env >',
  'env>',
  'env)',
  'env`',
  ...['do not', "don't", 'never'].flatMap((no) =>
    ['tell', 'mention', 'reveal', 'inform', 'disclose', 'notify', 'alert', 'show'].map((verb) => `${no} ${verb}`),
  ),
  ...['telling', 'informing', 'notifying', 'alerting'].map((verb) => `without ${verb}`),
  ...['must', 'should', "shouldn't", 'cannot', "can't", "won't", 'will not'].map((verb) => `the user ${verb}`),
];
/** Paths whose first character is `.` or `/`: `~/.ssh`, `.env`, `/dev/tcp`. */
const SUSPECT_PATHS = [
  'ssh',
  'aws',
  'env',
  'docker',
  'kube',
  'config/g',
  'azure',
  'git-credentials',
  'vault-token',
  'claude/',
  'dev/tcp',
  'dev/udp',
  'etc/shadow',
];
/** Parts of a variable name that make `$NAME` a secret (`$GITHUB_TOKEN`). */
const SECRET_NAME_PARTS = ['TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'APIKEY', 'API_KEY', 'ACCESS_KEY', 'PRIVATE_KEY', 'CREDENTIAL'];

/** A regular expression for any of `words` (lower case), as a trie: `a(?:b|c)` rather than `ab|ac`. */
function trieSource(words: readonly string[]): string {
  interface Node {
    end: boolean;
    next: Map<string, Node>;
  }
  const root: Node = { end: false, next: new Map() };
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      let child = node.next.get(ch);
      if (!child) {
        child = { end: false, next: new Map() };
        node.next.set(ch, child);
      }
      node = child;
    }
    node.end = true;
  }
  const literal = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  const emit = (node: Node): string => {
    const branches = [...node.next].map(([ch, child]) => `${literal(ch)}${emit(child)}`);
    if (branches.length === 0) return '';
    const body = branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
    // A word that ends here matches already: the longer ones add nothing to a line's mark.
    return node.end ? '' : body;
  };
  return emit(root);
}

/**
 * One scan of the whole text marks the lines worth a closer look: a suspect word at the start of
 * a word, a path (`~/.ssh`, `.env`, `/dev/tcp`), a secret-looking `$NAME`. (Measured on the
 * corpus, a trie of the words is the fastest form V8 runs; a loop over the characters in
 * JavaScript is several times slower.)
 */
const SUSPECT_SCAN = new RegExp(
  `\\b${trieSource(SUSPECT_WORDS)}|[./]${trieSource(SUSPECT_PATHS)}|\\$\\{?[A-Z][A-Z0-9_]*(?:${SECRET_NAME_PARTS.join('|')})`,
  'gi',
);
/** Any character the hidden-character rules look at, but CR (see {@link LONE_CR}): one class, which V8 scans fast. */
const HIDDEN_SCAN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u3164\uFEFF\uFFA0\uDB40]|\u034F|\u17B4|\u17B5|[\uFE00-\uFE0F]/g;
/** A carriage return that ends no CRLF: it can hide what comes before it in a terminal. */
const LONE_CR = /\r(?!\n)/g;
const COMMENT_OPEN = /<!--/g;

/** What the scans of the whole text found on a line. */
const HIDDEN = 1;
const SUSPECT_LINE = 2;
const COMMENT = 4;

/** `text` holds a suspect word, path or name (the test of {@link SUSPECT_SCAN} on one piece of text). */
function suspect(text: string): boolean {
  SUSPECT_SCAN.lastIndex = 0;
  return SUSPECT_SCAN.test(text);
}

/** Sets `flag` on the 0-based lines (by their start offsets) where `pattern` (global) matches; one match per line is enough. */
function markLines(pattern: RegExp, text: string, starts: number[], flags: Uint8Array, flag: number): void {
  pattern.lastIndex = 0;
  let line = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    while (line + 1 < starts.length && starts[line + 1]! <= m.index) line++;
    flags[line]! |= flag;
    if (line + 1 >= starts.length) break;
    pattern.lastIndex = starts[line + 1]!;
  }
}

interface Hit {
  code: FindingCode;
  index: number;
  /** For secret-read: key material rather than a .env file or variable. */
  keys?: boolean;
  /** The matched text. */
  text: string;
  /** The match sits inside double quotes on its line. */
  quoted?: boolean;
}

function first(patterns: RegExp[], text: string): RegExpExecArray | null {
  let best: RegExpExecArray | null = null;
  for (const pattern of patterns) {
    const m = pattern.exec(text);
    if (m && (best === null || m.index < best.index)) best = m;
  }
  return best;
}

/** An odd number of double quotes (straight or curly) before `index`. */
function insideQuotes(text: string, index: number): boolean {
  const before = text.slice(0, index);
  const straight = before.split('"').length - 1;
  const open = before.split('\u201C').length - 1;
  const close = before.split('\u201D').length - 1;
  return straight % 2 === 1 || open > close;
}

/** `lower` holds one of `words`. */
const holds = (lower: string, words: readonly string[]) => words.some((word) => lower.includes(word));

// Each group of patterns runs only on text that holds one of the words it cannot match without.
const PIPE_WORDS = ['|', '<(', '$(', 'iex', 'invoke-expression'];
const FETCH_WORDS = ['curl', 'wget'];
const DECODE_WORDS = ['base64', 'xxd', 'openssl', 'uudecode', 'exec', 'eval', 'powershell', 'pwsh'];
const KEY_WORDS = [
  '.ssh',
  'id_',
  '.aws',
  'netrc',
  'credentials',
  'pypirc',
  'vault-token',
  '.docker',
  '.kube',
  '.config/',
  '.azure',
  'gnupg',
  'shadow',
  'password-store',
  '.claude/',
  'keychain',
  'find-',
  'login data',
];
const DUMP_WORDS = ['env', 'set'];
const SEND_WORDS = ['curl', 'wget', 'nc', 'cat', 'socat', 'telnet', '/dev/', 'scp', 'rsync', 'invoke-', 'iwr', 'irm', 'http'];
const HOST_WORDS = [
  'webhook',
  'requestbin',
  'requestcatcher',
  'pipedream',
  'ngrok',
  'interact.sh',
  'oast',
  'burpcollaborator',
  'canarytokens',
  'discord',
  'hooks.slack',
  'telegram',
  'transfer.sh',
  '0x0.st',
  'termbin',
  'pastebin',
];
const CONCEAL_WORDS = [
  'ignor',
  'disregard',
  'forget',
  'override',
  'not ',
  "n't ",
  'never',
  'without',
  'secretly',
  'covertly',
  'surreptitious',
  'silently',
  'hide',
  'conceal',
  'the user',
];

function secretSource(text: string, lower: string): { index: number; text: string; keys: boolean } | null {
  const key = holds(lower, KEY_WORDS) ? first(KEY_MATERIAL, text) : null;
  if (key && !/\.pub\b/.test(text.slice(key.index, key.index + key[0].length + 4))) return { index: key.index, text: key[0], keys: true };
  const env = lower.includes('.env') ? ENV_FILE.exec(text) : null;
  if (env) return { index: env.index, text: env[0].trim(), keys: false };
  const dump = holds(lower, DUMP_WORDS) ? ENV_DUMP.exec(text) : null;
  if (dump) return { index: dump.index, text: dump[0].trim(), keys: false };
  const variable = lower.includes('$') ? SECRET_VARIABLE.exec(text.replace(HEADER_ARGUMENT, (m) => ' '.repeat(m.length))) : null;
  if (variable) return { index: variable.index, text: variable[0], keys: false };
  return null;
}

/** The command patterns of one piece of text (a line, a hook command); `secretBefore`: a secret named just before (a line or three up). */
function commandHits(text: string, secretBefore: boolean, prechecked = false): { hits: Hit[]; secret: boolean } {
  const hits: Hit[] = [];
  if (!prechecked && !suspect(text)) return { hits, secret: false };
  const lower = text.toLowerCase();
  const pipe = holds(lower, PIPE_WORDS) ? first(PIPE_TO_SHELL, text) : null;
  if (pipe) hits.push({ code: 'pipe-to-shell', index: pipe.index, text: pipe[0] });
  else {
    const exec = holds(lower, FETCH_WORDS) ? DOWNLOAD_EXEC.exec(text) : null;
    if (exec) hits.push({ code: 'download-exec', index: exec.index, text: exec[0] });
  }
  const decode = holds(lower, DECODE_WORDS) ? first(DECODE_TO_SHELL, text) : null;
  if (decode) hits.push({ code: 'decode-to-shell', index: decode.index, text: decode[0] });
  const secret = secretSource(text, lower);
  const host = holds(lower, HOST_WORDS) ? EXFIL_HOST.exec(text) : null;
  const sink = (secret || secretBefore) && !host && holds(lower, SEND_WORDS) ? first(SEND, text) : null;
  if ((secret || secretBefore) && (sink || host)) {
    const at = secret?.index ?? (sink ?? host)!.index;
    hits.push({ code: 'secret-send', index: at, text: text.slice(at, at + 120) });
  } else if (secret && (secret.keys ? READ_VERB : ENV_VERB).test(text) && !NEGATION.test(text.slice(0, secret.index))) {
    hits.push({ code: 'secret-read', index: secret.index, keys: secret.keys, text: secret.text });
  }
  if (host && !hits.some((h) => h.code === 'secret-send')) hits.push({ code: 'exfil-endpoint', index: host.index, text: host[0] });
  const conceal = holds(lower, CONCEAL_WORDS) ? first(CONCEAL, text) : null;
  if (conceal) hits.push({ code: 'conceal-instruction', index: conceal.index, text: conceal[0], quoted: insideQuotes(text, conceal.index) });
  return { hits, secret: secret !== null };
}

// ---------------------------------------------------------------- severities

/** The severity of a command pattern at a place, for an agent with this reach (docs/grants.md, table). */
function commandSeverity(hit: Hit, place: Place, reach: Reach): FindingSeverity | null {
  const runs = place.kind === 'hook' || place.kind === 'mcp';
  const hidden = place.kind === 'hidden';
  const code = place.kind === 'code';
  switch (hit.code) {
    case 'pipe-to-shell':
    case 'download-exec':
      if (runs || hidden) return 'high';
      return reach.shell === 'unrestricted' ? 'medium' : 'low';
    case 'decode-to-shell':
      if (runs || hidden) return 'high';
      if (reach.shell === 'unrestricted') return code ? 'medium' : 'high';
      return code ? 'low' : 'medium';
    case 'secret-send':
      if (runs || hidden) return 'high';
      if (reach.shell === 'unrestricted' || reach.send) return 'high';
      return reach.shell === 'scoped' ? 'medium' : 'low';
    case 'secret-read': {
      if (runs || hidden) return hit.keys ? 'high' : 'medium';
      const base: FindingSeverity = reach.read ? (hit.keys ? 'high' : 'medium') : 'low';
      return code && base !== 'low' ? (base === 'high' ? 'medium' : 'low') : base;
    }
    case 'exfil-endpoint':
      if (runs || hidden) return 'high';
      return reach.shell === 'unrestricted' || reach.send ? 'medium' : 'low';
    case 'conceal-instruction':
      if (hidden) return 'high';
      // Quoted ("ignore previous instructions" as an example of an attack) or code: not an instruction.
      return code || hit.quoted ? null : 'medium';
    default:
      return null;
  }
}

const MESSAGES: Partial<Record<FindingCode, string>> = {
  'pipe-to-shell': 'downloads a script and runs it in a shell',
  'download-exec': 'downloads a file and runs it',
  'decode-to-shell': 'decodes a blob and runs it',
  'secret-send': 'sends secrets or the environment to another host',
  'exfil-endpoint': 'names a host that collects requests',
  'conceal-instruction': 'tells the model to hide something from the user or to ignore earlier instructions',
};

function commandMessage(hit: Hit, place: Place, reach: Reach): string {
  const what =
    hit.code === 'secret-read'
      ? hit.keys
        ? 'reads private keys or credentials'
        : 'reads .env files, secret variables or the environment'
      : MESSAGES[hit.code]!;
  const runs = place.kind === 'hook' || place.kind === 'mcp';
  return runs || hit.code === 'conceal-instruction' ? `${what}, ${placeWords(place)}` : `${what}, ${placeWords(place)}; ${reachWords(hit.code, reach)}`;
}

/** The part of the agent's reach that decided the severity. */
function reachWords(code: FindingCode, reach: Reach): string {
  if (reach.shell === 'unrestricted') return shellWords(reach);
  if ((code === 'secret-send' || code === 'exfil-endpoint') && reach.send) return 'the agent can fetch URLs (WebFetch)';
  if (code === 'secret-read') return reach.read ? 'the agent can read files' : 'the agent cannot read files';
  return shellWords(reach);
}

// ---------------------------------------------------------------- hidden characters

/** The line starting at `start` begins (after spaces and tabs) with three backticks or tildes: it may open or close a fence. */
function fenceAt(text: string, start: number): boolean {
  let i = start;
  let c = text.charCodeAt(i);
  while (c === 32 || c === 9) c = text.charCodeAt(++i);
  return (c === 96 || c === 126) && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
}

/** Only spaces, tabs and line breaks between `start` and `stop`. */
function isBlank(text: string, start: number, stop: number): boolean {
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}

/** The same characters, removed before the command patterns look at a line (`cu\u200Brl` is curl). */
const INVISIBLE_STRIP =
  /[\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u3164\uFEFF\uFFA0]|\u034F|\u17B4|\u17B5|[\uFE00-\uFE0F]|\uDB40[\uDC00-\uDDEF]/g;

const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const EMOJI_MODIFIER = /^[\u{1F3FB}-\u{1F3FF}]$/u;
const NON_LATIN_LETTER = /^(?![\p{Script=Latin}\p{Script=Common}])[\p{L}\p{M}]$/u;
const RTL_LETTER = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const ASCII_WORD = /^[A-Za-z0-9]$/;

const isVariationSelector = (cp: number) => (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
const isTag = (cp: number) => cp >= 0xe0000 && cp <= 0xe007f;
const ZERO_WIDTH = new Set([
  0x200b, 0x200c, 0x200d, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x180e, 0x034f, 0x115f, 0x1160, 0x3164, 0xffa0, 0x17b4, 0x17b5, 0x00ad,
]);

interface CharHit {
  code: FindingCode;
  severity: FindingSeverity;
  index: number;
  message: string;
  /** For tag characters: the ASCII they carry. */
  decoded?: string;
}

/** The code points of a line with their UTF-16 indexes. */
function codePoints(line: string): Array<{ cp: number; index: number; ch: string }> {
  const out: Array<{ cp: number; index: number; ch: string }> = [];
  let index = 0;
  for (const ch of line) {
    out.push({ cp: ch.codePointAt(0)!, index, ch });
    index += ch.length;
  }
  return out;
}

/** The hidden-character findings of one line (at most one per code), `fileStart`: the line is the file's first. */
function hiddenChars(line: string, fileStart: boolean): CharHit[] {
  const points = codePoints(line);
  const found = new Map<FindingCode, CharHit & { count: number }>();
  const note = (hit: CharHit) => {
    const seen = found.get(hit.code);
    if (!seen) found.set(hit.code, { ...hit, count: 1 });
    else {
      seen.count++;
      if (RANK[hit.severity] < RANK[seen.severity]) Object.assign(seen, { severity: hit.severity, message: hit.message });
      if (hit.decoded) seen.decoded = `${seen.decoded ?? ''}${hit.decoded}`;
    }
  };
  const prevVisible = (at: number) => {
    for (let i = at - 1; i >= 0; i--) {
      const cp = points[i]!.cp;
      if (isVariationSelector(cp) || EMOJI_MODIFIER.test(points[i]!.ch)) continue;
      return points[i]!.ch;
    }
    return '';
  };
  const rtl = RTL_LETTER.test(line);
  for (let i = 0; i < points.length; i++) {
    const { cp, index } = points[i]!;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      if (cp === 9) continue;
      const hides = cp === 0x1b || cp === 0x08 || cp === 0x0d || cp === 0x9b;
      note({
        code: 'hidden-control',
        severity: hides ? 'high' : 'low',
        index,
        message: hides ? 'a terminal control character that can hide or overwrite text when the file is shown' : 'a control character in the text',
      });
    } else if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
      note({
        code: 'hidden-bidi',
        severity: 'high',
        index,
        message: 'a bidirectional control character: the text is shown in another order than the model reads it',
      });
    } else if (cp === 0x200e || cp === 0x200f || cp === 0x061c) {
      note({ code: 'hidden-bidi', severity: rtl ? 'low' : 'medium', index, message: 'an invisible direction mark' });
    } else if (ZERO_WIDTH.has(cp)) {
      if (cp === 0xfeff && fileStart && index === 0) continue; // the byte-order mark (validate reports it)
      const before = prevVisible(i);
      const after = points[i + 1]?.ch ?? '';
      if (cp === 0x200d && PICTOGRAPHIC.test(before) && PICTOGRAPHIC.test(after)) continue; // an emoji ZWJ sequence
      if ((cp === 0x200d || cp === 0x200c) && NON_LATIN_LETTER.test(before) && NON_LATIN_LETTER.test(after)) continue; // a script that joins letters
      if (cp === 0x00ad && /^\p{L}$/u.test(before) && /^\p{L}$/u.test(after)) {
        note({ code: 'hidden-zero-width', severity: 'low', index, message: 'a soft hyphen inside a word' });
        continue;
      }
      const run = ZERO_WIDTH.has(points[i + 1]?.cp ?? -1) || ZERO_WIDTH.has(points[i - 1]?.cp ?? -1);
      const splits = ASCII_WORD.test(before) || ASCII_WORD.test(after);
      note({
        code: 'hidden-zero-width',
        severity: splits || run ? 'high' : 'medium',
        index,
        message: splits ? 'an invisible character splits a word' : run ? 'a run of invisible characters' : 'an invisible character',
      });
    } else if (isTag(cp)) {
      // A flag of a subdivision: U+1F3F4, tag letters or digits, CANCEL TAG.
      let end = i;
      while (end < points.length && isTag(points[end]!.cp)) end++;
      const run = points.slice(i, end);
      const flag =
        prevVisible(i) === '\u{1F3F4}' &&
        run.length >= 2 &&
        run[run.length - 1]!.cp === 0xe007f &&
        run.slice(0, -1).every((p) => (p.cp >= 0xe0030 && p.cp <= 0xe0039) || (p.cp >= 0xe0061 && p.cp <= 0xe007a));
      if (!flag) {
        const decoded = run
          .map((p) => p.cp - 0xe0000)
          .filter((c) => c >= 0x20 && c < 0x7f)
          .map((c) => String.fromCharCode(c))
          .join('');
        note({ code: 'hidden-tag-chars', severity: 'high', index, message: 'Unicode tag characters carry invisible text', decoded });
      }
      i = end - 1;
    } else if (isVariationSelector(cp)) {
      let end = i;
      while (end < points.length && isVariationSelector(points[end]!.cp)) end++;
      const length = end - i;
      if (length >= 2) {
        note({
          code: 'hidden-variation-selectors',
          severity: length >= 4 ? 'high' : 'medium',
          index,
          message: `${length} variation selectors in a row: invisible bytes attached to ${shortForDisplay(prevVisible(i) || 'nothing', 8)}`,
        });
      }
      i = end - 1;
    }
  }
  return [...found.values()].map(({ count, ...hit }) => (count > 1 ? { ...hit, message: `${hit.message} (${count} on this line)` } : hit));
}

/** Up to 30 characters on either side of `index`, escaped. */
function excerpt(line: string, index: number, length = 1): string {
  const start = Math.max(0, index - 30);
  const end = Math.min(line.length, index + Math.max(length, 1) + 30);
  return `${start > 0 ? '…' : ''}${shortForDisplay(line.slice(start, end), 120)}${end < line.length ? '…' : ''}`;
}

// ---------------------------------------------------------------- the text, line by line

/** Claude Code's frontmatter cut (parse.ts): the opening line, the frontmatter, up to the first `---`. */
const FRONTMATTER = /^(---\s*\n)([\s\S]*?)---\s*\n?/;
const FENCE = /^\s*(`{3,}|~{3,})/;
const TOP_LEVEL_KEY = /^([A-Za-z_][\w-]*)\s*:/;
const INLINE_CODE = /(`+)[^`\n]*?\1/g;
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** An HTML comment that speaks to the model: second person or its name, and a command. */
const ADDRESSED = /\b(?:you|your|claude|assistant)\b/i;
const IMPERATIVE = /\b(?:must|should|always|never|instead|make sure|remember|do not|don't|ignore|when the user|before you|after you)\b/i;

class Collector {
  readonly findings: AuditFinding[] = [];
  private readonly perCode = new Map<FindingCode, number>();
  private readonly seen = new Set<string>();

  add(finding: AuditFinding): void {
    const key = `${finding.line}\0${finding.code}`;
    if (this.seen.has(key)) {
      const same = this.findings.find((f) => f.line === finding.line && f.code === finding.code);
      if (same && RANK[finding.severity] < RANK[same.severity]) Object.assign(same, finding);
      return;
    }
    const count = (this.perCode.get(finding.code) ?? 0) + 1;
    this.perCode.set(finding.code, count);
    if (count > MAX_PER_CODE) return;
    this.seen.add(key);
    this.findings.push(finding);
  }

  /** One finding per code whose findings were cut, saying how many. */
  finish(): AuditFinding[] {
    for (const [code, count] of this.perCode) {
      if (count <= MAX_PER_CODE) continue;
      const last = this.findings.filter((f) => f.code === code).at(-1)!;
      this.findings.push({ ...last, message: `${count - MAX_PER_CODE} more findings of this kind in the file (not listed)`, evidence: '' });
    }
    return this.findings.sort((a, b) => a.line - b.line || RANK[a.severity] - RANK[b.severity] || a.code.localeCompare(b.code));
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * The findings of one agent file: `input` its text or bytes (decoded as Claude Code does),
 * `effective` the agent Claude Code builds from it, `grants` its grants (grantsOf(effective)).
 * Sorted by line, then severity.
 */
export function findingsOf(input: string | Uint8Array, effective: EffectiveAgent, grants: Grants = grantsOf(effective)): AuditFinding[] {
  const text = typeof input === 'string' ? input : STRICT_UTF8.decode(input);
  const reach = reachOf(grants);
  const out = new Collector();
  const cut = FRONTMATTER.exec(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  // Lines 2 .. frontmatterEnd hold the frontmatter (1-based); the body starts after the closing `---`.
  const frontmatterEnd = cut ? cut[0].slice(0, cut[1]!.length + cut[2]!.length).split('\n').length : 0;
  const blocks = new Map<number, string>(); // frontmatter line → top-level key it belongs to
  const frontmatterLines = new Map<number, string>();
  // Scans of the whole text say which lines need a closer look; most lines need none, and are
  // never even cut out of the text.
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  const flags = new Uint8Array(starts.length);
  markLines(HIDDEN_SCAN, text, starts, flags, HIDDEN);
  if (text.includes('\r')) markLines(LONE_CR, text, starts, flags, HIDDEN);
  markLines(SUSPECT_SCAN, text, starts, flags, SUSPECT_LINE);
  if (text.includes('<!--')) markLines(COMMENT_OPEN, text, starts, flags, COMMENT);

  let fence: string | null = null;
  let comment: { line: number; text: string } | null = null;
  let secretLines = 0; // lines since a secret was named (0: none in reach)

  const closeComment = (endLine: number) => {
    if (!comment) return;
    const body = comment.text.trim();
    const { hits } = commandHits(body, false);
    const loud = hits.length > 0;
    const addressed = ADDRESSED.test(body) && IMPERATIVE.test(body);
    out.add({
      severity: loud ? 'high' : addressed ? 'medium' : 'low',
      code: 'html-comment',
      message: loud
        ? 'an HTML comment, hidden when the Markdown is rendered, holds commands or instructions to conceal'
        : addressed
          ? 'an HTML comment, hidden when the Markdown is rendered, speaks to the model'
          : 'an HTML comment, hidden when the Markdown is rendered',
      line: comment.line,
      evidence: `<!--${shortForDisplay(body, 100)}${endLine >= 0 ? '-->' : ''}`,
    });
    comment = null;
  };
  const report = (hit: Hit, place: Place, lineNo: number, line: string, exact: boolean) => {
    const severity = commandSeverity(hit, place, reach);
    if (severity === null) return;
    out.add({
      severity,
      code: hit.code,
      message: commandMessage(hit, place, reach),
      line: lineNo,
      ...(exact ? { column: hit.index + 1 } : {}),
      evidence: excerpt(line, hit.index, hit.text.length),
    });
  };

  let topKey: string | undefined;
  for (let n = 0; n < starts.length; n++) {
    const lineNo = n + 1;
    const inFrontmatter = cut !== null && lineNo >= 2 && lineNo <= frontmatterEnd;
    const flag = flags[n]!;
    if (flag === 0 && !inFrontmatter && comment === null && !fenceAt(text, starts[n]!)) {
      // Nothing to look at: only a blank line (it ends a paragraph) matters, and only after a secret.
      if (secretLines > 0) secretLines = isBlank(text, starts[n]!, n + 1 < starts.length ? starts[n + 1]! : text.length) ? 0 : secretLines - 1;
      continue;
    }
    if (cut !== null && lineNo === 1) continue; // the opening `---`
    const lineStart = starts[n]!;
    const stop = n + 1 < starts.length ? starts[n + 1]! - 1 : text.length;
    const end = stop > lineStart && text.charCodeAt(stop - 1) === 13 ? stop - 1 : stop;
    let first = lineStart;
    while (first < end && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
    const lead = first < end ? text.charCodeAt(first) : Number.NaN;
    const line = text.slice(lineStart, end);

    // Characters first: they matter everywhere, frontmatter included.
    let hidden = false;
    if (flag & HIDDEN) {
      for (const hit of hiddenChars(line, n === 0)) {
        if (hit.code !== 'hidden-control' || hit.severity === 'high') hidden = true;
        out.add({
          severity: hit.severity,
          code: hit.code,
          message: hit.message,
          line: lineNo,
          column: hit.index + 1,
          evidence: hit.decoded !== undefined ? `hidden text: "${shortForDisplay(hit.decoded, 100)}"` : excerpt(line, hit.index),
        });
        if (hit.decoded && commandHits(hit.decoded, false).hits.length > 0) hidden = true;
      }
    }
    const clean = hidden ? line.replace(INVISIBLE_STRIP, '') : line;
    const suspectLine = (flag & SUSPECT_LINE) !== 0 || (hidden && suspect(clean));

    if (inFrontmatter) {
      frontmatterLines.set(lineNo, line);
      const key = TOP_LEVEL_KEY.exec(line)?.[1];
      if (key !== undefined) topKey = key;
      if (topKey !== undefined) blocks.set(lineNo, topKey);
      // hooks and mcpServers are looked at through the grants (what Claude Code keeps of them).
      if (topKey === 'hooks' || topKey === 'mcpServers' || !suspectLine) continue;
      const place: Place = hidden ? { kind: 'hidden', why: 'characters' } : { kind: 'prose', frontmatter: true };
      for (const hit of commandHits(clean, false).hits) report(hit, place, lineNo, clean, clean === line);
      continue;
    }

    // The body (or a file without frontmatter): fences, HTML comments, then the line itself.
    if (comment === null && (lead === 96 || lead === 126)) {
      const fenceMatch = FENCE.exec(line);
      if (fenceMatch) {
        const marker = fenceMatch[1]!;
        if (fence === null) fence = marker;
        else if (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
        secretLines = 0;
        continue;
      }
    }
    if (Number.isNaN(lead)) secretLines = 0;
    const inCode = fence !== null;

    // Where each part of the line is: code (fence, inline code), an HTML comment, or prose.
    const commentRanges: Array<[number, number]> = [];
    if (!inCode && (comment !== null || clean.includes('<!--'))) {
      const masked = clean.includes('`') ? clean.replace(INLINE_CODE, (m) => ' '.repeat(m.length)) : clean;
      let at = 0;
      while (at <= masked.length) {
        if (comment) {
          const close = masked.indexOf('-->', at);
          const end = close === -1 ? masked.length : close;
          comment.text += `${comment.text ? ' ' : ''}${clean.slice(at, end)}`;
          commentRanges.push([at, end]);
          if (close === -1) break;
          closeComment(lineNo);
          at = close + 3;
          continue;
        }
        const open = masked.indexOf('<!--', at);
        if (open === -1) break;
        comment = { line: lineNo, text: '' };
        at = open + 4;
      }
    }
    if (!suspectLine) {
      if (secretLines > 0) secretLines--;
      continue;
    }
    const inlineRanges: Array<[number, number]> = [];
    if (!inCode && clean.includes('`')) for (const m of clean.matchAll(INLINE_CODE)) inlineRanges.push([m.index, m.index + m[0].length]);
    const within = (ranges: Array<[number, number]>, index: number) => ranges.some(([s, e]) => index >= s && index < e);
    const placeAt = (index: number): Place =>
      hidden
        ? { kind: 'hidden', why: 'characters' }
        : within(commentRanges, index)
          ? { kind: 'hidden', why: 'comment' }
          : inCode || within(inlineRanges, index)
            ? { kind: 'code' }
            : { kind: 'prose', frontmatter: false };

    const { hits, secret } = commandHits(clean, secretLines > 0, true);
    for (const hit of hits) report(hit, placeAt(hit.index), lineNo, clean, clean === line);
    if (secret) secretLines = 3;
    else if (secretLines > 0) secretLines--;
  }
  if (comment) closeComment(-1);

  // Hooks and inline MCP servers: what Claude Code runs (read from the effective agent, all of it:
  // grants may have elided values), located in the frontmatter.
  const blockLines: Record<string, number[]> = { hooks: [], mcpServers: [] };
  for (const [lineNo, key] of blocks) blockLines[key]?.push(lineNo);
  const cursor: Record<string, number> = { hooks: 0, mcpServers: 0 };
  /** The line of `needle` in a block: searched from where the last one was found (hooks come in file order), else the cursor's line. */
  const locate = (block: 'hooks' | 'mcpServers', needle: string): number => {
    const list = blockLines[block]!;
    const probe = needle.split('\n', 1)[0]!.trim().slice(0, 40);
    if (probe !== '') {
      for (let i = cursor[block]!; i < list.length; i++) {
        if (frontmatterLines.get(list[i]!)?.includes(probe)) {
          cursor[block] = i;
          return list[i]!;
        }
      }
    }
    return list[cursor[block]!] ?? list[0] ?? 1;
  };
  // The same text (repeated through YAML aliases) is read once.
  const read = new Map<string, Hit[]>();
  const hitsOf = (text: string): Hit[] => {
    let hits = read.get(text);
    if (!hits) {
      hits = text.split('\n').flatMap((piece) => commandHits(piece, false).hits.map((hit) => ({ ...hit, text: excerpt(piece, hit.index, hit.text.length) })));
      read.set(text, hits);
    }
    return hits;
  };
  const reportAll = (texts: string[], place: Place, lineNo: number) => {
    for (const text of texts) {
      for (const hit of hitsOf(text)) {
        const severity = commandSeverity(hit, place, reach);
        if (severity) out.add({ severity, code: hit.code, message: commandMessage(hit, place, reach), line: lineNo, evidence: hit.text });
      }
    }
  };
  /** The command and its arguments as one text (the first ones), and each further distinct argument on its own. */
  const commandTexts = (command: string, args: unknown): string[] => {
    const list = Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [];
    return [[command, ...list.slice(0, 64)].join(' ').trim(), ...new Set(list.slice(64))];
  };
  for (const hook of grants.loaded ? (effective.hooks ?? []) : []) {
    const place: Place = { kind: 'hook', event: hook.event };
    const fields = hook.fields;
    if (hook.type === 'command' || hook.type === 'prompt' || hook.type === 'agent') {
      const command = typeof fields.command === 'string' ? fields.command : typeof fields.prompt === 'string' ? fields.prompt : '';
      const at = hook.type === 'command' ? place : ({ kind: 'prose', frontmatter: true } as Place);
      reportAll(hook.type === 'command' ? commandTexts(command, fields.args) : [command], at, locate('hooks', command));
    } else if (hook.type === 'http' && typeof fields.url === 'string') {
      const url = fields.url;
      let host = '';
      try {
        host = new URL(url).hostname;
      } catch {
        host = '';
      }
      const local = LOOPBACK.test(host);
      const lineNo = locate('hooks', url);
      out.add({
        severity: local ? 'medium' : 'high',
        code: 'hook-http',
        message: `a ${hook.event} http hook posts every event it matches (tool names, inputs and outputs) to ${local ? 'a local server' : shortForDisplay(host || url, 60)}`,
        line: lineNo,
        evidence: shortForDisplay(url, 120),
      });
      const exfil = EXFIL_HOST.exec(url);
      if (exfil)
        out.add({
          severity: 'high',
          code: 'exfil-endpoint',
          message: commandMessage({ code: 'exfil-endpoint', index: 0, text: exfil[0] }, place, reach),
          line: lineNo,
          evidence: shortForDisplay(url, 120),
        });
    }
  }
  for (const item of grants.loaded ? (effective.mcpServers ?? []) : []) {
    if (typeof item === 'string') continue;
    for (const [name, raw] of Object.entries(item)) {
      const config = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
      const command = typeof config.command === 'string' ? config.command : '';
      const url = typeof config.url === 'string' ? config.url : undefined;
      const place: Place = { kind: 'mcp', name };
      const texts = commandTexts(command, config.args);
      const lineNo = locate('mcpServers', command || url || name);
      reportAll(texts, place, lineNo);
      if (url !== undefined && EXFIL_HOST.test(url)) {
        out.add({
          severity: 'high',
          code: 'exfil-endpoint',
          message: `MCP server ${shortForDisplay(name, 40)} connects to a host that collects requests`,
          line: lineNo,
          evidence: shortForDisplay(url, 120),
        });
      }
      const words = [command, ...(Array.isArray(config.args) ? config.args.slice(0, 64).filter((a): a is string => typeof a === 'string') : [])];
      const unpinned = unpinnedPackage(words);
      if (unpinned !== null) {
        out.add({
          severity: 'medium',
          code: 'mcp-unpinned-package',
          message: `MCP server ${shortForDisplay(name, 40)} runs the newest ${unpinned} from its registry each time it starts (no pinned version)`,
          line: lineNo,
          evidence: texts[0] ? shortForDisplay(texts[0], 120) : '',
        });
      }
    }
  }
  if (grants.permissionMode === 'bypassPermissions') {
    const lineNo = [...blocks].find(([, key]) => key === 'permissionMode')?.[0] ?? 1;
    out.add({
      severity: reach.shell !== 'none' ? 'high' : 'medium',
      code: 'bypass-permissions',
      message: `permissionMode bypassPermissions: the agent uses its tools without asking; ${shellWords(reach)}`,
      line: lineNo,
      evidence: 'permissionMode: bypassPermissions',
    });
  }
  return out.finish();
}

const RUNNERS: Record<string, { skip: string[] }> = {
  npx: { skip: [] },
  bunx: { skip: [] },
  uvx: { skip: [] },
  pnpx: { skip: [] },
  pnpm: { skip: ['dlx', 'exec'] },
  yarn: { skip: ['dlx'] },
  pipx: { skip: ['run'] },
  bun: { skip: ['x'] },
};

/** `npx -y evil-server` → `package evil-server`; null when the command pins a version or is no package runner. */
function unpinnedPackage(words: string[]): string | null {
  const [command = '', ...args] = words;
  const runner =
    RUNNERS[
      command
        .split(/[\\/]/)
        .pop()!
        .replace(/\.(?:cmd|exe)$/i, '')
    ];
  if (!runner) return null;
  const rest = args.filter((a) => !runner.skip.includes(a));
  // Options with a value: --package <name>, -p <name>.
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word === '--package' || word === '-p' || word === '--from')
      return pinned(rest[i + 1] ?? '') ? null : `package ${shortForDisplay(rest[i + 1] ?? '', 60)}`;
    if (word.startsWith('--package=')) return pinned(word.slice(10)) ? null : `package ${shortForDisplay(word.slice(10), 60)}`;
    if (word.startsWith('-')) continue;
    return pinned(word) ? null : `package ${shortForDisplay(word, 60)}`;
  }
  return null;
}

/** `name@1.2.3`, `@scope/name@1.2.3`, `name==1.2.3` (a tag such as `@latest` is no pin). */
function pinned(spec: string): boolean {
  const at = spec.lastIndexOf('@');
  if (at > 0) return /^v?\d+\.\d+\.\d+/.test(spec.slice(at + 1));
  return /==\s*\d/.test(spec);
}
