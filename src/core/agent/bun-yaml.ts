/**
 * YAML as Claude Code reads it: a recursive-descent parser that follows Bun's own YAML parser
 * (`Bun.YAML.parse`, Bun 1.4), which Claude Code 2.1.332 uses for frontmatter. It is not a
 * general YAML parser: where Bun departs from the YAML specification (merge keys, tags on quoted
 * scalars, a lone CR as a line break, `,` starting a plain scalar, no limit on key length, what
 * ends a block scalar, ...), this does the same, and the differential tests hold it to the real
 * client (tests/claude-code/).
 *
 * Nothing is executed, no object is constructed from a tag, aliases share their node (as in Bun),
 * and the work is bounded the way Bun bounds it: alias expansion is charged against a node budget
 * ("Excessive aliasing"), merged properties against another, and nesting against a model of Bun's
 * native stack ("Maximum call stack size exceeded"). A 1 MiB text parses in linear time.
 */

enum T {
  Eof,
  SequenceEntry,
  MappingKey,
  MappingValue,
  CollectEntry,
  SequenceStart,
  SequenceEnd,
  MappingStart,
  MappingEnd,
  Anchor,
  Alias,
  Tag,
  Directive,
  Reserved,
  DocumentStart,
  DocumentEnd,
  Scalar,
}

enum Ctx {
  BlockOut,
  BlockIn,
  FlowIn,
  FlowKey,
}

enum Chomp {
  Strip,
  Clip,
  Keep,
}

/** A tag as Bun resolves it: only `!!str` (and `!`) change what a plain scalar becomes. */
enum Tag {
  None,
  NonSpecific,
  Bool,
  Int,
  Float,
  Null,
  Str,
  Other,
}

type Scalar = { kind: 'null' } | { kind: 'bool'; value: boolean } | { kind: 'num'; value: number } | { kind: 'str'; value: string };

interface Token {
  type: T;
  start: number;
  indent: number;
  line: number;
  tabAfterIndent: boolean;
  /** anchor / alias name */
  name: string | undefined;
  tag: Tag | undefined;
  scalar: Scalar | undefined;
  multiline: boolean;
}

/** A parsed node. Collections keep their identity: an alias is the very node of its anchor. */
export type Node =
  | { k: 'null'; at: number }
  | { k: 'bool'; v: boolean; at: number }
  | { k: 'num'; v: number; at: number }
  | { k: 'str'; v: string; at: number }
  | { k: 'arr'; items: Node[]; at: number; id: NodeBody }
  | { k: 'obj'; props: Prop[]; at: number; id: NodeBody };

/** The shared body of a collection (what aliases point at). */
type NodeBody = { cost?: number; js?: unknown };

interface Prop {
  key: Node;
  value: Node;
}

export class YamlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * The work done by the parsers of this thread, for tests that bound it (a count, where a clock
 * would be noisy): texts parsed, and tokens scanned (each consumes at least one character).
 */
export const yamlWork = { parses: 0, tokens: 0 };

/** Bun's bound on alias expansion, in nodes, per document. */
const MAX_ALIAS_NODES = 16 * 1024 * 1024;
/** Bun's bound on properties brought in by merge keys, per parse. */
const MAX_MERGED_PROPERTIES = 1024 * 1024;

/**
 * Bun checks its native stack at each node. Measured depths at which Bun 1.4 gives up, per kind
 * of nesting (x: [[[…]]] 4,902; {a: {a: …}} 4,721; - - - … 4,150; a:\n  a:\n … 3,503), are
 * reproduced by charging each recursive step its share of one budget.
 */
const STACK_BUDGET = 1_000_000;
const COST_NODE = 100;
const COST_FLOW_SEQUENCE = 104;
const COST_FLOW_MAPPING = 112;
const COST_BLOCK_SEQUENCE = 91;
const COST_BLOCK_MAPPING = 136;
const COST_BLOCK_INDENTED = 50;

const isNsChar = (c: number): boolean => (c > 0x20 && c < 0x7f) || c >= 0x80;
const isFlowIndicator = (c: number): boolean => c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
const isWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const hexValue = (c: number): number => (c <= 57 ? c - 48 : c <= 70 ? c - 55 : c - 87);

class Parser {
  pos: number;
  lineIndent = 0;
  tabAfterIndent = false;
  line = 1;
  token: Token;
  readonly context: Ctx[] = [];
  readonly blockIndents: number[] = [];
  explicitDocumentStartLine: number | null = null;
  anchors = new Map<string, Node>();
  tagHandles = new Set<string>();
  /** Pending whitespace of a plain scalar: appended only if more text follows. */
  whitespace = '';
  stack = 0;
  mergeBudget = MAX_MERGED_PROPERTIES;
  aliasBudget = MAX_ALIAS_NODES;
  readonly bom: number;

  constructor(readonly input: string) {
    this.bom = input.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.pos = this.bom;
    this.token = this.tok(T.Eof, this.pos);
  }

  fail(message: string, offset: number): never {
    throw new YamlError(message, offset);
  }
  unexpectedToken(): never {
    return this.fail('Unexpected token', this.token.start);
  }
  unexpectedCharacter(): never {
    return this.pos >= this.input.length ? this.fail('Unexpected EOF', this.pos) : this.fail('Unexpected character', this.pos);
  }

  /** The current token's type (read through a call: scanning replaces the token). */
  tt(): T {
    return this.token.type;
  }

  tok(type: T, start: number): Token {
    // Every field from the start: one allocation of one shape (fields added later would need a
    // second, and a 1 MiB frontmatter makes a million tokens).
    return {
      type,
      start,
      indent: this.lineIndent,
      line: this.line,
      tabAfterIndent: false,
      name: undefined,
      tag: undefined,
      scalar: undefined,
      multiline: false,
    };
  }

  get ctx(): Ctx {
    return this.context.length === 0 ? Ctx.BlockOut : this.context[this.context.length - 1]!;
  }
  get flow(): boolean {
    const c = this.ctx;
    return c === Ctx.FlowIn || c === Ctx.FlowKey;
  }
  get blockIndent(): number | undefined {
    return this.blockIndents.length === 0 ? undefined : this.blockIndents[this.blockIndents.length - 1];
  }

  next(): number {
    return this.pos < this.input.length ? this.input.charCodeAt(this.pos) : 0;
  }
  peek(n: number): number {
    const at = this.pos + n;
    return at < this.input.length ? this.input.charCodeAt(at) : 0;
  }
  inc(n: number): void {
    this.pos = Math.min(this.pos + n, this.input.length);
  }
  newline(): void {
    this.lineIndent = 0;
    this.tabAfterIndent = false;
    this.line++;
  }
  startsWith(s: string): boolean {
    return this.input.startsWith(s, this.pos);
  }
  isEof(): boolean {
    return this.pos >= this.input.length;
  }
  isBChar(): boolean {
    const c = this.next();
    return this.pos < this.input.length && (c === 10 || c === 13);
  }
  isBCharOrEof(): boolean {
    if (this.pos >= this.input.length) return true;
    const c = this.input.charCodeAt(this.pos);
    return c === 10 || c === 13;
  }
  isSWhite(): boolean {
    if (this.pos >= this.input.length) return false;
    const c = this.input.charCodeAt(this.pos);
    return c === 32 || c === 9;
  }
  skipSWhite(): void {
    while (this.isSWhite()) this.pos++;
  }
  wsOrEofAt(n: number): boolean {
    const at = this.pos + n;
    if (at >= this.input.length) return true;
    const c = this.input.charCodeAt(at);
    return c === 32 || c === 9 || c === 10 || c === 13;
  }
  isAtLineStart(): boolean {
    const p = this.pos;
    if (p === this.bom) return true;
    if (p === 0) return false;
    const c = this.input.charCodeAt(p - 1);
    return c === 10 || c === 13;
  }
  isDocumentIndicator(indicator: string): boolean {
    return this.isAtLineStart() && this.startsWith(indicator) && this.wsOrEofAt(3);
  }
  rejectTab(tabAfterIndent: boolean): void {
    if (tabAfterIndent && !this.flow) this.fail('Tab characters cannot be used as indentation', this.pos);
  }
  setContext(c: Ctx): void {
    this.context.push(c);
  }
  unsetContext(): void {
    this.context.pop();
  }

  // ---------------------------------------------------------------- documents

  parse(): Node[] {
    this.scan({ firstScan: true });
    const roots: Node[] = [];
    let first = true;
    while (first || this.tt() !== T.Eof) {
      first = false;
      roots.push(this.parseDocument());
    }
    return roots;
  }

  parseDocument(): Node {
    this.anchors = new Map();
    this.tagHandles = new Set();
    this.aliasBudget = MAX_ALIAS_NODES;
    let hasDirectives = false;
    let hasYaml = false;
    while (this.tt() === T.Directive) {
      hasDirectives = true;
      if (this.parseDirective()) {
        if (hasYaml) this.fail('Multiple YAML directives', this.token.start);
        hasYaml = true;
      }
      this.scan(NO_OPTIONS);
    }
    this.explicitDocumentStartLine = null;
    if (this.tt() === T.DocumentStart) {
      this.explicitDocumentStartLine = this.token.line;
      this.scan(NO_OPTIONS);
    } else if (hasDirectives) {
      this.unexpectedToken();
    }
    const root = this.parseNode(NO_OPTIONS);
    switch (this.tt()) {
      case T.Eof:
      case T.DocumentStart:
        break;
      case T.DocumentEnd: {
        let endLine = this.token.line;
        while (this.tt() === T.DocumentEnd) {
          endLine = this.token.line;
          this.scan(NO_OPTIONS);
        }
        if (this.tt() !== T.Eof && this.token.line === endLine) this.unexpectedToken();
        break;
      }
      default:
        this.unexpectedToken();
    }
    return root;
  }

  /** Returns true for a %YAML directive. */
  parseDirective(): boolean {
    if (this.token.indent !== 0) this.fail('Invalid directive', this.token.start);
    const sWhiteAt = (n: number) => {
      const c = this.peek(n);
      return this.pos + n < this.input.length && (c === 32 || c === 9);
    };
    const trySkipSWhite = () => {
      if (!this.isSWhite()) this.unexpectedCharacter();
      this.skipSWhite();
    };
    const trySkipDigits = () => {
      const c = this.next();
      if (!(c >= 48 && c <= 57) || this.isEof()) this.unexpectedCharacter();
      while (!this.isEof() && this.next() >= 48 && this.next() <= 57) this.pos++;
    };
    if (this.startsWith('YAML') && sWhiteAt(4)) {
      this.inc(4);
      trySkipSWhite();
      trySkipDigits();
      if (this.next() !== 46 || this.isEof()) this.unexpectedCharacter();
      this.inc(1);
      trySkipDigits();
      this.trySkipToNewLine();
      return true;
    }
    if (this.startsWith('TAG') && sWhiteAt(3)) {
      this.inc(3);
      trySkipSWhite();
      if (this.next() !== 33 || this.isEof()) this.unexpectedCharacter();
      this.inc(1);
      if (this.isSWhite()) {
        this.skipSWhite();
        this.parseDirectiveTagPrefix();
        this.trySkipToNewLine();
        return false;
      }
      if (this.next() === 33 && !this.isEof()) {
        this.inc(1);
        trySkipSWhite();
        this.parseDirectiveTagPrefix();
        this.trySkipToNewLine();
        return false;
      }
      const start = this.pos;
      if (!isWordChar(this.next()) || this.isEof()) this.unexpectedCharacter();
      while (!this.isEof() && isWordChar(this.next())) this.pos++;
      const handle = this.input.slice(start, this.pos);
      if (this.next() !== 33 || this.isEof()) this.unexpectedCharacter();
      this.inc(1);
      trySkipSWhite();
      this.tagHandles.add(handle);
      this.parseDirectiveTagPrefix();
      this.trySkipToNewLine();
      return false;
    }
    if (this.isEof() || !isNsChar(this.next())) this.unexpectedCharacter();
    while (!this.isEof() && isNsChar(this.next())) this.pos++;
    this.skipSWhite();
    while (!this.isEof() && isNsChar(this.next())) {
      while (!this.isEof() && isNsChar(this.next())) this.pos++;
      this.skipSWhite();
    }
    this.trySkipToNewLine();
    return false;
  }

  parseDirectiveTagPrefix(): void {
    if (this.next() === 33 && !this.isEof()) {
      this.inc(1);
      this.skipUriChars();
      return;
    }
    const len = this.tagCharLength();
    if (len > 0) {
      this.inc(len);
      this.skipUriChars();
      return;
    }
    this.fail('Invalid directive', this.token.start);
  }

  trySkipToNewLine(): void {
    let whitespace = false;
    if (this.isSWhite()) {
      whitespace = true;
      this.skipSWhite();
    }
    if (this.next() === 35 && !this.isEof()) {
      if (!whitespace) this.unexpectedCharacter();
      this.inc(1);
      while (!this.isEof() && this.next() !== 10 && this.next() !== 13) this.inc(1);
    }
    if (!this.isEof() && this.next() !== 10 && this.next() !== 13) this.unexpectedCharacter();
  }

  tagCharLength(): number {
    if (this.isEof()) return 0;
    const c = this.next();
    switch (c) {
      case 35:
      case 59:
      case 47:
      case 63:
      case 58:
      case 64:
      case 38:
      case 61:
      case 43:
      case 36:
      case 95:
      case 46:
      case 126:
      case 42:
      case 39:
      case 40:
      case 41:
        return 1;
      case 33:
      case 44:
      case 91:
      case 93:
      case 123:
      case 125:
        return 0;
      default:
        if (c === 37 && this.pos + 2 < this.input.length && isHex(this.peek(1)) && isHex(this.peek(2))) return 3;
        return isWordChar(c) ? 1 : 0;
    }
  }

  isUriChar(): boolean {
    if (this.isEof()) return false;
    const c = this.next();
    if ("#;/?:@&=+$,_.!~*'()[]".includes(String.fromCharCode(c))) return true;
    if (c === 37 && this.pos + 2 < this.input.length && isHex(this.peek(1)) && isHex(this.peek(2))) return true;
    return isWordChar(c);
  }
  skipUriChars(): void {
    while (this.isUriChar()) this.inc(1);
  }

  // ---------------------------------------------------------------- collections

  enter(cost: number): void {
    this.stack += cost;
  }
  leave(cost: number): void {
    this.stack -= cost;
  }

  parseFlowSequence(): Node {
    const start = this.token.start;
    const items: Node[] = [];
    this.enter(COST_FLOW_SEQUENCE);
    this.setContext(Ctx.FlowIn);
    try {
      this.scan(NO_OPTIONS);
      while (this.tt() !== T.SequenceEnd) {
        let item: Node;
        if (this.tt() === T.MappingKey) {
          item = this.flowPair(this.parseFlowExplicitPair());
        } else {
          const keyLine = this.token.line;
          this.setContext(Ctx.FlowKey);
          const key = this.parseNode(NO_FLOW_PAIR);
          this.unsetContext();
          if (this.tt() !== T.MappingValue) item = key;
          else {
            if (this.token.line !== keyLine) this.fail('Multiline implicit key', this.token.start);
            item = this.flowPair(this.parseFlowPairValue(key, key.at));
          }
        }
        items.push(item);
        if (this.tt() === T.SequenceEnd) break;
        if (this.tt() !== T.CollectEntry) this.unexpectedToken();
        this.scan(NO_OPTIONS);
      }
    } finally {
      this.unsetContext();
      this.leave(COST_FLOW_SEQUENCE);
    }
    this.scan(NO_OPTIONS);
    return { k: 'arr', items: trimmed(items), at: start, id: {} };
  }

  parseFlowExplicitPair(): { key: Node; value: Node; start: number } {
    const start = this.token.start;
    this.scan(NO_OPTIONS);
    let key: Node;
    switch (this.tt()) {
      case T.MappingValue:
      case T.CollectEntry:
      case T.SequenceEnd:
      case T.MappingEnd:
        key = { k: 'null', at: this.token.start };
        break;
      case T.MappingKey:
        return this.unexpectedToken();
      case T.Anchor:
      case T.Tag:
        key = this.parseNode(NO_FLOW_PAIR);
        break;
      default:
        this.setContext(Ctx.FlowKey);
        key = this.parseNode(NO_FLOW_PAIR);
        this.unsetContext();
    }
    if (this.tt() === T.MappingValue) return this.parseFlowPairValue(key, start);
    return { key, value: { k: 'null', at: this.token.start }, start };
  }

  parseFlowPairValue(key: Node, start: number): { key: Node; value: Node; start: number } {
    this.scan(NO_OPTIONS);
    let value: Node;
    switch (this.tt()) {
      case T.CollectEntry:
      case T.SequenceEnd:
      case T.MappingEnd:
        value = { k: 'null', at: this.token.start };
        break;
      case T.MappingKey:
        return this.unexpectedToken();
      default:
        value = this.parseNode(NO_FLOW_PAIR);
    }
    return { key, value, start };
  }

  flowPair(pair: { key: Node; value: Node; start: number }): Node {
    const props = new MappingProps(this);
    props.appendMaybeMerge(pair.key, pair.value);
    return { k: 'obj', props: trimmed(props.list), at: pair.start, id: {} };
  }

  parseFlowMapping(): Node {
    const start = this.token.start;
    const props = new MappingProps(this);
    this.enter(COST_FLOW_MAPPING);
    this.setContext(Ctx.FlowIn);
    try {
      this.setContext(Ctx.FlowKey);
      this.scan(NO_OPTIONS);
      this.unsetContext();
      while (this.tt() !== T.MappingEnd) {
        if (this.tt() === T.CollectEntry) this.unexpectedToken();
        let pair: { key: Node; value: Node; start: number };
        if (this.tt() === T.MappingKey) pair = this.parseFlowExplicitPair();
        else {
          let key: Node;
          if (this.tt() === T.MappingValue) key = { k: 'null', at: this.token.start };
          else {
            this.setContext(Ctx.FlowKey);
            key = this.parseNode(NO_FLOW_PAIR);
            this.unsetContext();
          }
          if (this.tt() === T.MappingValue) pair = this.parseFlowPairValue(key, key.at);
          else pair = { key, value: { k: 'null', at: this.token.start }, start: key.at };
        }
        props.appendMaybeMerge(pair.key, pair.value);
        if (this.tt() === T.MappingEnd) break;
        if (this.tt() !== T.CollectEntry) this.unexpectedToken();
        this.setContext(Ctx.FlowKey);
        this.scan(NO_OPTIONS);
        this.unsetContext();
      }
    } finally {
      this.unsetContext();
      this.leave(COST_FLOW_MAPPING);
    }
    this.scan(NO_OPTIONS);
    return { k: 'obj', props: trimmed(props.list), at: start, id: {} };
  }

  parseBlockSequence(explicitMappingIndent: number | null): Node {
    const start = this.token.start;
    const indent = this.token.indent;
    const line = this.token.line;
    if (this.explicitDocumentStartLine !== null && this.explicitDocumentStartLine === line) this.unexpectedToken();
    this.blockIndents.push(indent);
    this.enter(COST_BLOCK_SEQUENCE);
    const items: Node[] = [];
    try {
      let prevLine = 0;
      while (this.tt() === T.SequenceEntry && this.token.indent === indent) {
        this.rejectTab(this.token.tabAfterIndent);
        const entryLine = this.token.line;
        const entryStart = this.token.start;
        if (items.length !== 0 && prevLine === this.token.line) break;
        prevLine = this.token.line;
        this.scan({ additionalParentIndent: indent + 1 });
        items.push(this.parseBlockIndented(indent, entryLine, entryStart + 2, { kind: 'sequence', indent: explicitMappingIndent }));
      }
    } finally {
      this.leave(COST_BLOCK_SEQUENCE);
      this.blockIndents.pop();
    }
    return { k: 'arr', items: trimmed(items), at: start, id: {} };
  }

  parseBlockMapping(firstKey: Node, start: number, indent: number, line: number, tabAfterIndent: boolean, explicitEntry: boolean): Node {
    this.rejectTab(tabAfterIndent);
    if (this.explicitDocumentStartLine !== null && line === this.explicitDocumentStartLine) this.unexpectedToken();
    this.blockIndents.push(indent);
    this.enter(COST_BLOCK_MAPPING);
    const props = new MappingProps(this);
    try {
      {
        const valueStart = this.token.start;
        const valueLine = this.token.line;
        if (explicitEntry && this.tt() === T.MappingValue && this.token.indent > indent) this.unexpectedToken();
        let value: Node;
        if (explicitEntry && this.tt() === T.MappingValue && this.token.indent < indent) value = { k: 'null', at: valueStart };
        else if (this.tt() === T.MappingKey) {
          if (this.token.line === line) this.unexpectedToken();
          value = { k: 'null', at: valueStart };
        } else if (this.tt() === T.MappingValue) {
          this.rejectTab(this.token.tabAfterIndent);
          const parentIndent = valueLine !== line ? indent + 1 : undefined;
          this.scan({ additionalParentIndent: parentIndent, blockIndented: true });
          value = this.parseBlockIndented(indent, valueLine, valueStart, { kind: 'value', flowPairAllowed: false, compactMappingAllowed: valueLine !== line });
        } else value = { k: 'null', at: valueStart };
        props.appendMaybeMerge(firstKey, value);
      }
      if (this.ctx === Ctx.FlowIn) return { k: 'obj', props: trimmed(props.list), at: start, id: {} };
      this.setContext(Ctx.BlockIn);
      try {
        let previousLine = line;
        while (
          this.tt() !== T.Eof &&
          this.tt() !== T.DocumentStart &&
          this.tt() !== T.DocumentEnd &&
          this.token.indent === indent &&
          this.token.line !== previousLine
        ) {
          this.rejectTab(this.token.tabAfterIndent);
          const keyLine = this.token.line;
          previousLine = keyLine;
          const explicitKey = this.tt() === T.MappingKey;
          const key = this.parseNode({ currentMappingIndent: indent });
          if (explicitKey) {
            let hasValue = false;
            if (this.tt() === T.MappingValue) {
              if (this.token.indent > indent) this.unexpectedToken();
              hasValue = this.token.indent === indent;
            }
            if (!hasValue) {
              props.appendMaybeMerge(key, { k: 'null', at: this.token.start });
              continue;
            }
          }
          switch (this.tt()) {
            case T.Eof:
              if (explicitKey) {
                props.list.push({ key, value: { k: 'null', at: this.pos } });
                continue;
              }
              this.unexpectedToken();
              break;
            case T.MappingValue:
              if (!explicitKey && keyLine !== this.token.line) this.fail('Multiline implicit key', this.token.start);
              break;
            case T.MappingKey:
              break;
            default:
              this.unexpectedToken();
          }
          const valueStart = this.token.start;
          const valueLine = this.token.line;
          let value: Node;
          if (this.tt() === T.MappingKey) {
            if (this.token.line === keyLine) this.unexpectedToken();
            value = { k: 'null', at: valueStart };
          } else {
            this.rejectTab(this.token.tabAfterIndent);
            const parentIndent = valueLine !== keyLine ? indent + 1 : undefined;
            this.scan({ additionalParentIndent: parentIndent, blockIndented: true });
            value = this.parseBlockIndented(indent, valueLine, valueStart, {
              kind: 'value',
              flowPairAllowed: false,
              compactMappingAllowed: valueLine !== keyLine,
            });
          }
          props.appendMaybeMerge(key, value);
        }
      } finally {
        this.unsetContext();
      }
      return { k: 'obj', props: trimmed(props.list), at: start, id: {} };
    } finally {
      this.leave(COST_BLOCK_MAPPING);
      this.blockIndents.pop();
    }
  }

  parseBlockIndented(n: number, indicatorLine: number, indicatorStart: number, kind: BlockKind): Node {
    this.enter(COST_BLOCK_INDENTED);
    try {
      const props: NodeProps = {};
      properties: for (;;) {
        if (this.token.line !== indicatorLine) {
          const belongsToParent = this.tt() === T.SequenceEntry && kind.kind !== 'sequence' ? this.token.indent < n : this.token.indent <= n;
          if (belongsToParent) {
            const hasTag = props.tag !== undefined;
            let isPlain = false;
            if (this.tt() === T.Scalar && !this.token.multiline) {
              if (this.token.start === 0) isPlain = true;
              else {
                const before = this.input.charCodeAt(this.token.start - 1);
                isPlain = before !== 39 && before !== 34;
              }
            }
            if (hasTag && isPlain) {
              this.pos = this.token.start;
              this.line = this.token.line;
              this.lineIndent = this.token.indent;
              this.tabAfterIndent = this.token.tabAfterIndent;
              this.whitespace = '';
              this.scan(NO_OPTIONS);
            }
            return this.finishNodeProperties(props, { k: 'null', at: indicatorStart });
          }
        }
        if (this.tt() === T.MappingKey && this.token.line === indicatorLine && this.token.indent <= n && kind.kind === 'value' && !kind.compactMappingAllowed) {
          this.unexpectedToken();
        }
        if (this.tt() === T.SequenceEntry || this.tt() === T.MappingKey || this.tt() === T.MappingValue) this.rejectTab(this.token.tabAfterIndent);
        switch (this.tt()) {
          case T.Anchor:
            if (props.anchor !== undefined) break properties;
            setAnchor(props, this.token, this);
            break;
          case T.Tag:
            if (props.tag !== undefined) break properties;
            setTag(props, this.token, this);
            break;
          case T.SequenceEntry:
          case T.MappingKey:
            if (this.token.line === indicatorLine && this.token.indent <= n) this.unexpectedToken();
            break properties;
          case T.CollectEntry:
          case T.SequenceEnd: {
            const allowed = kind.kind === 'value' && kind.flowPairAllowed;
            if (allowed && this.flow) return this.finishNodeProperties(props, { k: 'null', at: indicatorStart });
            break properties;
          }
          default:
            break properties;
        }
        this.scan({ tag: props.tag?.tag ?? Tag.None });
      }
      const explicitIndent = kind.kind === 'sequence' ? kind.indent : kind.kind === 'key' ? n : null;
      return this.parseNode({
        currentMappingIndent: explicitIndent ?? n,
        explicitMappingKey: explicitIndent !== null,
        scannedTag: props.tag,
        scannedAnchor: props.anchor,
      });
    } finally {
      this.leave(COST_BLOCK_INDENTED);
    }
  }

  finishNodeProperties(props: NodeProps, node: Node): Node {
    if (props.mappingAnchor) {
      this.token = props.mappingAnchor;
      this.fail('Multiple anchors', this.token.start);
    }
    if (props.mappingTag) {
      this.token = props.mappingTag;
      this.fail('Multiple tags', this.token.start);
    }
    const resolved = node.k === 'null' ? resolveNull(props.tag?.tag ?? Tag.None, node.at) : node;
    if (props.anchor) this.anchors.set(props.anchor.name!, resolved);
    return resolved;
  }

  isExplicitMappingValue(opts: NodeOptions, nodeLine: number): boolean {
    if (this.flow) return false;
    if (opts.currentMappingIndent === undefined) return false;
    return opts.explicitMappingKey === true && this.token.line !== nodeLine;
  }

  chargeAlias(root: Node): void {
    // Bun's alias expansion budget: every use of an alias costs the size of the node it expands to.
    const stack: Node[] = [root];
    let cost = 0;
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if ((node.k === 'arr' || node.k === 'obj') && node.id.cost !== undefined) {
        if (node.id.cost > this.aliasBudget - cost) this.fail('Excessive aliasing', this.token.start);
        cost += node.id.cost;
        continue;
      }
      if (cost === this.aliasBudget) this.fail('Excessive aliasing', this.token.start);
      cost++;
      if (node.k === 'arr') {
        if (stack.length + node.items.length > this.aliasBudget - cost) this.fail('Excessive aliasing', this.token.start);
        for (const item of node.items) stack.push(item);
      } else if (node.k === 'obj') {
        if (stack.length + 2 * node.props.length > this.aliasBudget - cost) this.fail('Excessive aliasing', this.token.start);
        for (const prop of node.props) stack.push(prop.key, prop.value);
      }
    }
    if (root.k === 'arr' || root.k === 'obj') root.id.cost = cost;
    this.aliasBudget -= cost;
  }

  parseNode(opts: NodeOptions): Node {
    if (this.stack > STACK_BUDGET) this.fail('Maximum call stack size exceeded', this.token.start);
    this.enter(COST_NODE);
    try {
      return this.parseNodeInner(opts);
    } finally {
      this.leave(COST_NODE);
    }
  }

  parseNodeInner(opts: NodeOptions): Node {
    const props: NodeProps = {};
    if (opts.scannedTag) setTag(props, opts.scannedTag, this);
    if (opts.scannedAnchor) setAnchor(props, opts.scannedAnchor, this);
    let node: Node;
    for (;;) {
      const token = this.token;
      switch (token.type) {
        case T.Eof:
        case T.DocumentStart:
        case T.DocumentEnd:
          node = { k: 'null', at: token.start };
          break;
        case T.Anchor:
          setAnchor(props, token, this);
          this.scan({ tag: props.tag?.tag ?? Tag.None });
          continue;
        case T.Tag:
          setTag(props, token, this);
          this.scan({ tag: token.tag! });
          continue;
        case T.Alias: {
          const { start, indent, line, tabAfterIndent } = token;
          if (props.anchor && props.anchor.line === line) this.unexpectedToken();
          if (props.tag && props.tag.line === line) this.unexpectedToken();
          const target = this.anchors.get(token.name!);
          if (target === undefined) this.fail('Unresolved alias', token.start);
          this.chargeAlias(target);
          const copy = withPosition(target, start);
          this.scan(NO_OPTIONS);
          if (this.tt() === T.MappingValue) {
            if (this.isExplicitMappingValue(opts, line)) {
              node = copy;
              break;
            }
            if (opts.flowPairAllowed === false && this.ctx === Ctx.FlowIn) {
              node = copy;
              break;
            }
            if (this.ctx === Ctx.FlowKey) return copy;
            if (line !== this.token.line && !opts.explicitMappingKey) this.fail('Multiline implicit key', this.token.start);
            if (opts.currentMappingIndent !== undefined && opts.currentMappingIndent === indent) return copy;
            return this.parseBlockMapping(copy, start, indent, line, tabAfterIndent, false);
          }
          node = copy;
          break;
        }
        case T.SequenceStart:
        case T.MappingStart: {
          const { start, indent, line, tabAfterIndent } = token;
          const collection = token.type === T.SequenceStart ? this.parseFlowSequence() : this.parseFlowMapping();
          if (this.tt() === T.MappingValue) {
            if (this.isExplicitMappingValue(opts, line) || (opts.flowPairAllowed === false && this.ctx === Ctx.FlowIn) || this.ctx === Ctx.FlowKey) {
              node = collection;
              break;
            }
            if (line !== this.token.line && !opts.explicitMappingKey) this.fail('Multiline implicit key', this.token.start);
            if (opts.currentMappingIndent !== undefined && opts.currentMappingIndent === indent) {
              node = collection;
              break;
            }
            const anchors = implicitKeyAnchors(props, line, this);
            if (anchors.key) this.anchors.set(anchors.key, collection);
            const map = this.parseBlockMapping(collection, start, indent, line, tabAfterIndent, false);
            if (anchors.mapping) this.anchors.set(anchors.mapping, map);
            if (token.type === T.SequenceStart) return map;
            node = map;
            break;
          }
          node = collection;
          break;
        }
        case T.CollectEntry:
        case T.SequenceEnd:
        case T.MappingEnd:
          if (props.anchor || props.tag) {
            node = { k: 'null', at: this.pos };
            break;
          }
          return this.unexpectedToken();
        case T.SequenceEntry: {
          if (props.anchor && props.anchor.line === token.line) this.unexpectedToken();
          if (props.tag && props.tag.line === token.line) this.unexpectedToken();
          const explicitIndent = opts.explicitMappingKey ? (opts.currentMappingIndent ?? null) : null;
          node = this.parseBlockSequence(explicitIndent);
          break;
        }
        case T.MappingKey: {
          if (opts.flowPairAllowed === false && this.flow) this.unexpectedToken();
          const { start, indent, line, tabAfterIndent } = token;
          this.blockIndents.push(indent);
          let key: Node;
          try {
            if (this.flow) this.scan(NO_OPTIONS);
            else this.scan({ additionalParentIndent: indent + 1, blockIndented: true });
            key = this.parseBlockIndented(indent, line, start, { kind: 'key' });
          } finally {
            this.blockIndents.pop();
          }
          if (opts.currentMappingIndent !== undefined && opts.currentMappingIndent === indent) return key;
          node = this.parseBlockMapping(key, start, indent, line, tabAfterIndent, true);
          break;
        }
        case T.MappingValue: {
          if (this.ctx === Ctx.FlowKey || (opts.flowPairAllowed === false && this.ctx === Ctx.FlowIn)) {
            node = { k: 'null', at: token.start };
            break;
          }
          if (opts.currentMappingIndent !== undefined && opts.currentMappingIndent === token.indent) {
            node = { k: 'null', at: token.start };
            break;
          }
          const valueLine = token.line;
          let keyAnchor: Token | undefined;
          if (props.mappingAnchor) {
            const inner = props.anchor;
            if (!inner || inner.line !== valueLine) this.fail('Multiple anchors', this.token.start);
            keyAnchor = inner;
            props.anchor = props.mappingAnchor;
            props.mappingAnchor = undefined;
          } else if (props.anchor && props.anchor.line === valueLine) {
            keyAnchor = props.anchor;
            props.anchor = undefined;
          }
          let keyTag = Tag.None;
          if (props.mappingTag) {
            const inner = props.tag;
            if (!inner || inner.line !== valueLine) this.fail('Multiple tags', this.token.start);
            keyTag = inner.tag!;
            props.tag = props.mappingTag;
            props.mappingTag = undefined;
          } else if (props.tag && props.tag.line === valueLine) {
            keyTag = props.tag.tag!;
            props.tag = undefined;
          }
          const firstKey = resolveNull(keyTag, token.start);
          if (keyAnchor) this.anchors.set(keyAnchor.name!, firstKey);
          node = this.parseBlockMapping(firstKey, token.start, token.indent, token.line, token.tabAfterIndent, false);
          break;
        }
        case T.Scalar: {
          const { start, indent, line, tabAfterIndent } = token;
          const scalar = scalarNode(token.scalar!, start);
          this.scan({ tag: props.tag?.tag ?? Tag.None, outsideContext: true });
          if (this.tt() === T.MappingValue) {
            if (this.isExplicitMappingValue(opts, line) || (opts.flowPairAllowed === false && this.ctx === Ctx.FlowIn)) {
              node = scalar;
              break;
            }
            if (opts.currentMappingIndent !== undefined && opts.currentMappingIndent === indent) {
              this.rejectTab(tabAfterIndent);
              node = scalar;
              break;
            }
            if (this.ctx === Ctx.FlowKey) {
              node = scalar;
              break;
            }
            if (line !== this.token.line && !opts.explicitMappingKey) this.fail('Multiline implicit key', this.token.start);
            const anchors = implicitKeyAnchors(props, line, this);
            if (anchors.key) this.anchors.set(anchors.key, scalar);
            const mapping = this.parseBlockMapping(scalar, start, indent, line, tabAfterIndent, false);
            if (anchors.mapping) this.anchors.set(anchors.mapping, mapping);
            return mapping;
          }
          node = scalar;
          break;
        }
        default:
          return this.unexpectedToken();
      }
      break;
    }
    return this.finishNodeProperties(props, node);
  }

  // ---------------------------------------------------------------- scanner

  foldLines(): number {
    let total = 0;
    for (;;) {
      const c = this.next();
      if (c === 13 && this.pos < this.input.length) {
        if (this.peek(1) === 10) this.inc(1);
        total++;
        this.newline();
        this.inc(1);
      } else if (c === 10 && this.pos < this.input.length) {
        total++;
        this.newline();
        this.inc(1);
      } else if (c === 32 && this.pos < this.input.length) {
        let indent = 1;
        this.inc(1);
        while (this.next() === 32 && this.pos < this.input.length) {
          this.inc(1);
          indent++;
        }
        this.lineIndent = indent;
        if (this.next() === 9 && this.pos < this.input.length) this.tabAfterIndent = true;
        this.skipSWhite();
      } else if (c === 9 && this.pos < this.input.length) {
        this.tabAfterIndent = true;
        this.inc(1);
        this.skipSWhite();
      } else return total;
    }
  }

  scan(opts: ScanOptions): void {
    yamlWork.tokens++;
    const input = this.input;
    let countIndentation = opts.firstScan === true || opts.additionalParentIndent !== undefined;
    let inIndentation = opts.firstScan === true || opts.blockIndented === true || opts.additionalParentIndent !== undefined;
    let tabAfter = this.tabAfterIndent;
    let parentIndent = opts.additionalParentIndent;
    const previousLine = this.token.line;
    let token: Token;
    for (;;) {
      const c = this.pos < input.length ? input.charCodeAt(this.pos) : 0;
      const start = this.pos;
      if (c === 0) {
        token = this.tok(T.Eof, start);
        break;
      }
      if (c === 13 || c === 10) {
        if (c === 13 && this.peek(1) === 10) this.inc(1);
        countIndentation = true;
        inIndentation = true;
        tabAfter = false;
        parentIndent = undefined;
        this.newline();
        this.inc(1);
        continue;
      }
      if (c === 32) {
        let total = 1;
        this.inc(1);
        while (this.pos < input.length && input.charCodeAt(this.pos) === 32) {
          this.inc(1);
          total++;
        }
        if (countIndentation) this.lineIndent = total + (parentIndent ?? 0);
        countIndentation = false;
        continue;
      }
      if (c === 9) {
        if (inIndentation) {
          tabAfter = true;
          this.tabAfterIndent = true;
        }
        countIndentation = false;
        inIndentation = false;
        this.inc(1);
        continue;
      }
      if (c === 45) {
        if (this.isDocumentIndicator('---')) {
          this.inc(3);
          token = this.tok(T.DocumentStart, start);
          break;
        }
        const after = this.peek(1);
        if (after === 0 || after === 10 || after === 13 || after === 32 || after === 9) {
          this.inc(1);
          if (this.flow) {
            this.token.start = start;
            this.unexpectedToken();
          }
          token = this.tok(T.SequenceEntry, start);
          break;
        }
        if (isFlowIndicator(after) && this.flow) {
          this.inc(1);
          this.token = this.tok(T.SequenceEntry, start);
          this.unexpectedToken();
        }
        token = this.scanPlainScalar(opts.tag ?? Tag.None);
        break;
      }
      if (c === 46) {
        if (this.isDocumentIndicator('...')) {
          this.inc(3);
          token = this.tok(T.DocumentEnd, start);
          break;
        }
        token = this.scanPlainScalar(opts.tag ?? Tag.None);
        break;
      }
      if (c === 63 || c === 58) {
        const after = this.peek(1);
        const ws = after === 0 || after === 32 || after === 9 || after === 10 || after === 13;
        const type = c === 63 ? T.MappingKey : T.MappingValue;
        if (ws || (isFlowIndicator(after) && this.flow) || (c === 58 && !isFlowIndicator(after) && this.ctx === Ctx.FlowKey)) {
          this.inc(1);
          token = this.tok(type, start);
          break;
        }
        token = this.scanPlainScalar(opts.tag ?? Tag.None);
        break;
      }
      if (c === 44) {
        if (this.flow) {
          this.inc(1);
          token = this.tok(T.CollectEntry, start);
          break;
        }
        token = this.scanPlainScalar(opts.tag ?? Tag.None);
        break;
      }
      if (c === 91 || c === 93 || c === 123 || c === 125) {
        this.inc(1);
        token = this.tok(c === 91 ? T.SequenceStart : c === 93 ? T.SequenceEnd : c === 123 ? T.MappingStart : T.MappingEnd, start);
        break;
      }
      if (c === 35) {
        if (!this.isAtLineStart()) {
          const before = input.charCodeAt(start - 1);
          if (before !== 32 && before !== 9) this.unexpectedCharacter();
        }
        this.inc(1);
        while (!this.isBCharOrEof()) this.inc(1);
        continue;
      }
      if (c === 38 || c === 42) {
        this.inc(1);
        const nameStart = this.pos;
        if (this.isEof() || !isNsChar(this.next()) || isFlowIndicator(this.next())) this.unexpectedCharacter();
        while (!this.isEof() && isNsChar(this.next()) && !isFlowIndicator(this.next())) this.inc(1);
        token = this.tok(c === 38 ? T.Anchor : T.Alias, start);
        token.name = input.slice(nameStart, this.pos);
        const after = this.next();
        if (after === 0 || after === 32 || after === 9 || after === 10 || after === 13 || (isFlowIndicator(after) && this.flow)) break;
        this.unexpectedCharacter();
      }
      if (c === 33) {
        token = this.scanTagProperty();
        break;
      }
      if (c === 124 || c === 62) {
        if (!this.flow) {
          this.inc(1);
          token = this.scanBlockScalar(c === 62);
          break;
        }
        this.token.start = start;
        this.unexpectedToken();
      }
      if (c === 39) {
        this.inc(1);
        token = this.scanSingleQuoted();
        break;
      }
      if (c === 34) {
        this.inc(1);
        token = this.scanDoubleQuoted();
        break;
      }
      if (c === 37) {
        this.inc(1);
        token = this.tok(T.Directive, start);
        break;
      }
      if (c === 64 || c === 96) {
        this.inc(1);
        this.token = this.tok(T.Reserved, start);
        this.unexpectedToken();
      }
      token = this.scanPlainScalar(opts.tag ?? Tag.None);
      break;
    }
    this.token = token;
    if (this.flow) {
      const blockIndent = this.blockIndent;
      if (blockIndent !== undefined && !opts.outsideContext && token.line !== previousLine && token.indent <= blockIndent) this.unexpectedToken();
    }
    token.tabAfterIndent = tabAfter || this.tabAfterIndent;
  }

  scanTagProperty(): Token {
    const start = this.pos;
    this.inc(1);
    const c = this.next();
    const make = (tag: Tag): Token => {
      const token = this.tok(T.Tag, start);
      token.tag = tag;
      return token;
    };
    if (c === 0 || c === 32 || c === 9 || c === 10 || c === 13) return make(Tag.NonSpecific);
    if (c === 60) {
      this.inc(1);
      if (this.next() === 33 && !this.isEof()) {
        this.inc(1);
        this.skipUriChars();
      } else {
        const len = this.tagCharLength();
        if (len === 0) this.unexpectedCharacter();
        this.inc(len);
        this.skipUriChars();
      }
      if (this.next() !== 62 || this.isEof()) this.unexpectedCharacter();
      this.inc(1);
      return make(Tag.Other);
    }
    const named = (s: string): Tag =>
      s === 'bool' ? Tag.Bool : s === 'int' ? Tag.Int : s === 'float' ? Tag.Float : s === 'null' ? Tag.Null : s === 'str' ? Tag.Str : Tag.Other;
    if (c === 33) {
      this.inc(1);
      const from = this.pos;
      let len = this.tagCharLength();
      if (len === 0) this.unexpectedCharacter();
      while (len > 0) {
        this.inc(len);
        len = this.tagCharLength();
      }
      const after = this.next();
      if (!(after === 0 || after === 32 || after === 9 || after === 13 || after === 10)) {
        if (!(isFlowIndicator(after) && this.flow)) this.unexpectedCharacter();
      }
      return make(named(this.input.slice(from, this.pos)));
    }
    const from = this.pos;
    if (this.isEof() || !isWordChar(this.next())) this.unexpectedCharacter();
    while (!this.isEof() && isWordChar(this.next())) this.inc(1);
    if (this.next() === 33 && !this.isEof()) {
      this.inc(1);
      if (!this.tagHandles.has(this.input.slice(from, this.pos - 1))) {
        this.pos = from;
        this.fail('Unresolved tag handle', this.pos);
      }
      let len = this.tagCharLength();
      if (len === 0) this.unexpectedCharacter();
      while (len > 0) {
        this.inc(len);
        len = this.tagCharLength();
      }
      return make(Tag.Other);
    }
    for (let len = this.tagCharLength(); len > 0; len = this.tagCharLength()) this.inc(len);
    return make(named(this.input.slice(from, this.pos)));
  }

  scanBlockScalar(folded: boolean): Token {
    const start = this.pos;
    const line = this.line;
    const tokenIndent = this.lineIndent;
    let indicator = 0;
    let chomp: Chomp | undefined;
    // the header
    for (;;) {
      const c = this.next();
      if (c === 0 && this.isEof()) break;
      if (c >= 49 && c <= 57) {
        if (indicator !== 0) this.unexpectedCharacter();
        indicator = c - 48;
        this.inc(1);
      } else if (c === 45 || c === 43) {
        if (chomp !== undefined) this.unexpectedCharacter();
        chomp = c === 45 ? Chomp.Strip : Chomp.Keep;
        this.inc(1);
      } else if (c === 32 || c === 9) {
        this.inc(1);
        this.skipSWhite();
        if (this.next() === 35 && !this.isEof()) {
          this.inc(1);
          while (!this.isBCharOrEof()) this.inc(1);
        }
      } else if (c === 13 || c === 10) {
        if (c === 13 && this.peek(1) === 10) this.inc(1);
        this.inc(1);
        this.newline();
        if (this.next() === 9 && !this.isEof()) this.unexpectedCharacter();
        break;
      } else this.unexpectedCharacter();
    }
    this.whitespace = '';
    this.lineIndent = 0;
    return this.scanBlockScalarBody(indicator, chomp ?? Chomp.Clip, folded, start, line, tokenIndent);
  }

  scanBlockScalarBody(indicator: number, chomp: Chomp, folded: boolean, start: number, line: number, tokenIndent: number): Token {
    let text = '';
    let leadingNewlines = 0;
    let contentIndent = 0;
    let previousIndent: number | null = null;
    let maxLeadingIndent = 0;
    let unterminated = false;
    const append = (c: string, currentIndent: number) => {
      if (text.length === 0 && contentIndent < maxLeadingIndent) this.unexpectedCharacter();
      const adjacentNormal = previousIndent !== null && previousIndent === contentIndent && currentIndent === contentIndent;
      if (folded && adjacentNormal) {
        if (leadingNewlines === 1) text += ' ';
        else if (leadingNewlines > 1) text += '\n'.repeat(leadingNewlines - 1);
      } else if (leadingNewlines > 0) text += '\n'.repeat(leadingNewlines);
      text += c;
      leadingNewlines = 0;
    };
    const done = (eofBreak: boolean): Token => {
      if (chomp === Chomp.Keep) text += '\n'.repeat(leadingNewlines + (eofBreak ? 1 : 0));
      else if (chomp === Chomp.Clip && text.length !== 0) text += '\n';
      const token = this.tok(T.Scalar, start);
      token.indent = tokenIndent;
      token.line = line;
      token.scalar = { kind: 'str', value: text };
      token.multiline = true;
      return token;
    };
    let bodyStarted = false;
    let first: number;
    if (indicator === 0) {
      for (;;) {
        const c = this.next();
        if (this.isEof()) {
          if (bodyStarted) {
            contentIndent = this.lineIndent;
            first = 0;
            break;
          }
          return done(false);
        }
        if (c === 13 || c === 10) {
          if (c === 13 && this.peek(1) === 10) this.inc(1);
          bodyStarted = true;
          unterminated = false;
          this.newline();
          this.inc(1);
          if (this.next() === 9 && !this.isEof()) this.unexpectedCharacter();
          leadingNewlines++;
          continue;
        }
        if (c === 32) {
          bodyStarted = true;
          unterminated = true;
          let indent = 1;
          this.inc(1);
          while (this.next() === 32 && !this.isEof()) {
            indent++;
            this.inc(1);
          }
          if (maxLeadingIndent < indent) maxLeadingIndent = indent;
          this.lineIndent = indent;
          continue;
        }
        bodyStarted = true;
        unterminated = true;
        contentIndent = this.lineIndent;
        first = c;
        break;
      }
    } else {
      contentIndent = (this.blockIndent ?? 0) + indicator;
      this.lineIndent = 0;
      for (;;) {
        const c = this.next();
        if (this.isEof()) {
          if (bodyStarted) {
            first = 0;
            break;
          }
          return done(false);
        }
        if (c === 13 || c === 10) {
          if (c === 13 && this.peek(1) === 10) this.inc(1);
          bodyStarted = true;
          unterminated = false;
          this.newline();
          this.inc(1);
          if (this.next() === 9 && !this.isEof()) this.unexpectedCharacter();
          leadingNewlines++;
          continue;
        }
        if (c === 32) {
          bodyStarted = true;
          unterminated = true;
          let indent = 0;
          while (this.next() === 32 && !this.isEof()) {
            indent++;
            if (contentIndent < indent) append(' ', indent);
            this.inc(1);
          }
          this.lineIndent = indent;
          continue;
        }
        bodyStarted = true;
        unterminated = true;
        first = c;
        break;
      }
    }
    if (first === 9) this.tabAfterIndent = true;
    let c = first;
    for (;;) {
      if (c === 0 && this.isEof()) {
        const eofBreak = unterminated && (leadingNewlines === 0 || text.length === 0);
        return done(eofBreak);
      }
      if (c === 13 || c === 10) {
        if (c === 13 && this.peek(1) === 10) this.inc(1);
        if (leadingNewlines === 0 && text.length !== 0) previousIndent = this.lineIndent;
        leadingNewlines++;
        unterminated = false;
        this.newline();
        this.inc(1);
        for (;;) {
          const d = this.next();
          if (!this.isEof() && (d === 13 || d === 10)) {
            if (d === 13 && this.peek(1) === 10) this.inc(1);
            leadingNewlines++;
            this.newline();
            this.inc(1);
            if (this.next() === 9 && !this.isEof()) this.tabAfterIndent = true;
            continue;
          }
          if (!this.isEof() && d === 32) {
            unterminated = true;
            let indent = 0;
            while (this.next() === 32 && !this.isEof()) {
              indent++;
              if (contentIndent < indent) append(' ', indent);
              this.inc(1);
            }
            if (this.next() === 9 && !this.isEof()) this.tabAfterIndent = true;
            this.lineIndent = indent;
            c = this.next();
            break;
          }
          if (d === 9 && !this.isEof()) this.tabAfterIndent = true;
          c = d;
          break;
        }
        continue;
      }
      const indicatorHere = (c === 45 && this.isDocumentIndicator('---')) || (c === 46 && this.isDocumentIndicator('...'));
      if (indicatorHere) return done(false);
      const blockIndent = this.blockIndent;
      if (blockIndent !== undefined && this.lineIndent <= blockIndent) {
        if (c === 9) this.fail('Tab characters cannot be used as indentation', this.pos);
        return done(false);
      }
      if (this.lineIndent < contentIndent) return done(false);
      if (c === 9) this.lineIndent++;
      unterminated = true;
      append(this.input[this.pos]!, this.lineIndent);
      this.inc(1);
      c = this.next();
    }
  }

  scanSingleQuoted(): Token {
    const start = this.pos;
    const line = this.line;
    const indent = this.lineIndent;
    let text = '';
    for (;;) {
      const c = this.next();
      if (this.isEof()) return this.unexpectedCharacter();
      if (c === 46 && this.isDocumentIndicator('...')) this.fail('Unexpected document end', this.pos);
      if (c === 45 && this.isDocumentIndicator('---')) this.fail('Unexpected document start', this.pos);
      if (c === 13 || c === 10) {
        this.newline();
        this.inc(1);
        const lines = this.foldLines();
        text += lines === 0 ? ' ' : '\n'.repeat(lines);
        const blockIndent = this.blockIndent;
        if (blockIndent !== undefined && this.lineIndent <= blockIndent) this.unexpectedCharacter();
        continue;
      }
      if (c === 32 || c === 9) {
        const from = this.pos;
        this.inc(1);
        this.skipSWhite();
        if (!this.isBChar()) text += this.input.slice(from, this.pos);
        continue;
      }
      if (c === 39) {
        this.inc(1);
        if (this.next() === 39 && !this.isEof()) {
          text += "'";
          this.inc(1);
          continue;
        }
        const token = this.tok(T.Scalar, start);
        token.indent = indent;
        token.line = line;
        token.scalar = { kind: 'str', value: text };
        token.multiline = this.line !== line;
        return token;
      }
      text += this.input[this.pos];
      this.inc(1);
    }
  }

  scanDoubleQuoted(): Token {
    const start = this.pos;
    const line = this.line;
    const indent = this.lineIndent;
    let text = '';
    for (;;) {
      const c = this.next();
      if (this.isEof()) return this.unexpectedCharacter();
      if (c === 46 && this.isDocumentIndicator('...')) this.fail('Unexpected document end', this.pos);
      if (c === 45 && this.isDocumentIndicator('---')) this.fail('Unexpected document start', this.pos);
      if (c === 13 || c === 10) {
        this.newline();
        this.inc(1);
        const lines = this.foldLines();
        text += lines === 0 ? ' ' : '\n'.repeat(lines);
        const blockIndent = this.blockIndent;
        if (blockIndent !== undefined && this.lineIndent <= blockIndent) this.unexpectedCharacter();
        continue;
      }
      if (c === 32 || c === 9) {
        const from = this.pos;
        this.inc(1);
        this.skipSWhite();
        if (!this.isBChar()) text += this.input.slice(from, this.pos);
        continue;
      }
      if (c === 34) {
        this.inc(1);
        const token = this.tok(T.Scalar, start);
        token.indent = indent;
        token.line = line;
        token.scalar = { kind: 'str', value: text };
        token.multiline = this.line !== line;
        return token;
      }
      if (c === 92) {
        this.inc(1);
        const e = this.next();
        if (this.isEof()) return this.unexpectedCharacter();
        if (e === 13 || e === 10) {
          this.newline();
          this.inc(1);
          const lines = this.foldLines();
          const blockIndent = this.blockIndent;
          if (blockIndent !== undefined && this.lineIndent <= blockIndent) this.unexpectedCharacter();
          text += '\n'.repeat(lines);
          this.skipSWhite();
          continue;
        }
        switch (e) {
          case 32:
            text += ' ';
            break;
          case 9:
            text += '\t';
            break;
          case 48:
            text += '\0';
            break;
          case 97:
            text += '\x07';
            break;
          case 98:
            text += '\b';
            break;
          case 116:
            text += '\t';
            break;
          case 110:
            text += '\n';
            break;
          case 118:
            text += '\v';
            break;
          case 102:
            text += '\f';
            break;
          case 114:
            text += '\r';
            break;
          case 101:
            text += '\x1b';
            break;
          case 34:
            text += '"';
            break;
          case 47:
            text += '/';
            break;
          case 92:
            text += '\\';
            break;
          case 78:
            text += '\u0085';
            break;
          case 95:
            text += '\u00a0';
            break;
          case 76:
            text += '\u2028';
            break;
          case 80:
            text += '\u2029';
            break;
          case 120:
            text += this.decodeHex(2);
            break;
          case 117:
            text += this.decodeHex(4);
            break;
          case 85:
            text += this.decodeHex(8);
            break;
          default:
            return this.unexpectedCharacter();
        }
        this.inc(1);
        continue;
      }
      text += this.input[this.pos];
      this.inc(1);
    }
  }

  decodeHex(digits: number): string {
    const read = (count: number): number => {
      let value = 0;
      for (let i = 0; i < count; i++) {
        this.inc(1);
        const d = this.next();
        if (this.isEof() || !isHex(d)) this.unexpectedCharacter();
        value = value * 16 + hexValue(d);
      }
      return value;
    };
    let value = read(digits);
    if (digits === 4 && value >= 0xd800 && value <= 0xdbff) {
      if (this.peek(1) !== 92 || this.peek(2) !== 117) this.unexpectedCharacter();
      this.inc(2);
      const low = read(4);
      if (low < 0xdc00 || low > 0xdfff) this.unexpectedCharacter();
      value = 0x10000 + ((value - 0xd800) << 10) + (low - 0xdc00);
    } else if (value >= 0xd800 && value <= 0xdfff) this.unexpectedCharacter();
    if (value > 0x10ffff) this.unexpectedCharacter();
    return String.fromCodePoint(value);
  }

  scanPlainScalar(tag: Tag): Token {
    return new PlainScalar(this, tag).scan();
  }
}

type BlockKind = { kind: 'sequence'; indent: number | null } | { kind: 'key' } | { kind: 'value'; flowPairAllowed: boolean; compactMappingAllowed: boolean };

interface ScanOptions {
  additionalParentIndent?: number | undefined;
  tag?: Tag;
  firstScan?: boolean;
  blockIndented?: boolean;
  outsideContext?: boolean;
}

/** Shared option objects of the calls made once per token or node (read only). */
const NO_OPTIONS: ScanOptions & NodeOptions = Object.freeze({});
const NO_FLOW_PAIR: NodeOptions = Object.freeze({ flowPairAllowed: false });

interface NodeOptions {
  currentMappingIndent?: number | undefined;
  explicitMappingKey?: boolean;
  flowPairAllowed?: boolean;
  scannedTag?: Token | undefined;
  scannedAnchor?: Token | undefined;
}

interface NodeProps {
  anchor?: Token | undefined;
  tag?: Token | undefined;
  mappingAnchor?: Token | undefined;
  mappingTag?: Token | undefined;
}

function setAnchor(props: NodeProps, token: Token, parser: Parser): void {
  if (props.anchor) {
    if (props.anchor.line === token.line || props.mappingAnchor) parser.fail('Multiple anchors', parser.token.start);
    props.mappingAnchor = props.anchor;
  }
  props.anchor = token;
}

function setTag(props: NodeProps, token: Token, parser: Parser): void {
  if (props.tag) {
    if (props.tag.line === token.line || props.mappingTag) parser.fail('Multiple tags', parser.token.start);
    props.mappingTag = props.tag;
  }
  props.tag = token;
}

function implicitKeyAnchors(props: NodeProps, keyLine: number, parser: Parser): { key?: string; mapping?: string } {
  if (props.mappingAnchor) {
    if (props.anchor!.line !== keyLine) parser.fail('Multiple anchors', parser.token.start);
    return { key: props.anchor!.name!, mapping: props.mappingAnchor.name! };
  }
  if (props.anchor) return props.anchor.line === keyLine ? { key: props.anchor.name! } : { mapping: props.anchor.name! };
  return {};
}

function resolveNull(tag: Tag, at: number): Node {
  return tag === Tag.NonSpecific || tag === Tag.Str ? { k: 'str', v: '', at } : { k: 'null', at };
}

function scalarNode(scalar: Scalar, at: number): Node {
  switch (scalar.kind) {
    case 'null':
      return { k: 'null', at };
    case 'bool':
      return { k: 'bool', v: scalar.value, at };
    case 'num':
      return { k: 'num', v: scalar.value, at };
    default:
      return { k: 'str', v: scalar.value, at };
  }
}

/**
 * A finished collection's list at its size: a list grown by `push` keeps room for 16 or more
 * entries, and a frontmatter of 50,000 one-item lists would hold that room 50,000 times.
 */
function trimmed<T>(list: T[]): T[] {
  return list.length < 16 ? list.slice() : list;
}

/** The node at another position; a collection stays the same collection (same body). */
function withPosition(node: Node, at: number): Node {
  return { ...node, at };
}

/** Merge-key equality as Bun has it: scalars by value, collections by identity. */
function mergeKey(node: Node): unknown {
  switch (node.k) {
    case 'null':
      return 'n';
    case 'bool':
      return node.v ? 'T' : 'F';
    case 'num':
      return `#${Object.is(node.v, -0) ? 0 : node.v}`;
    case 'str':
      return `s${node.v}`;
    default:
      return node.id;
  }
}

class MappingProps {
  readonly list: Prop[] = [];
  private index: Set<unknown> | undefined;
  private indexed = 0;
  private merged: Set<NodeBody> | undefined;

  constructor(private readonly parser: Parser) {}

  private merge(props: Prop[]): void {
    this.index ??= new Set();
    for (; this.indexed < this.list.length; this.indexed++) this.index.add(mergeKey(this.list[this.indexed]!.key));
    for (let i = props.length - 1; i >= 0; i--) {
      const prop = props[i]!;
      const key = mergeKey(prop.key);
      if (this.index.has(key)) continue;
      this.index.add(key);
      if (this.parser.mergeBudget === 0) this.parser.fail('Out of memory', this.parser.token.start);
      this.parser.mergeBudget--;
      this.list.push(prop);
      this.indexed = this.list.length;
    }
  }

  private mergeObject(node: Extract<Node, { k: 'obj' }>): void {
    this.merged ??= new Set();
    if (this.merged.has(node.id)) return;
    this.merged.add(node.id);
    this.merge(node.props);
  }

  appendMaybeMerge(key: Node, value: Node): void {
    if (key.k !== 'str' || key.v !== '<<') {
      this.list.push({ key, value });
      return;
    }
    if (value.k === 'obj') this.mergeObject(value);
    else if (value.k === 'arr') {
      for (const item of value.items) if (item.k === 'obj') this.mergeObject(item);
    } else this.list.push({ key, value });
  }
}

class PlainScalar {
  text = '';
  resolved = false;
  scalar: Scalar | undefined;
  resolvedLength = 0;
  start: number;
  line: number;
  lineIndent: number;
  multiline = false;

  constructor(
    private readonly p: Parser,
    private readonly tag: Tag,
  ) {
    this.start = p.pos;
    this.line = p.line;
    this.lineIndent = p.lineIndent;
  }

  private checkAppend(): void {
    if (this.text.length === 0) {
      this.lineIndent = this.p.lineIndent;
      this.line = this.p.line;
    } else if (this.line !== this.p.line) this.multiline = true;
  }

  private drain(): void {
    if (this.p.whitespace.length > 0) {
      this.text += this.p.whitespace;
      this.p.whitespace = '';
    }
  }

  private append(s: string): void {
    this.checkAppend();
    this.drain();
    this.text += s;
  }

  private get length(): number {
    return this.text.length;
  }

  private resolve(scalar: Scalar, text: string): void {
    this.drain();
    this.text += text;
    this.resolved = true;
    const tag = this.tag;
    if (
      tag === Tag.None ||
      (tag === Tag.Bool && scalar.kind === 'bool') ||
      ((tag === Tag.Int || tag === Tag.Float) && scalar.kind === 'num') ||
      (tag === Tag.Null && scalar.kind === 'null')
    ) {
      this.resolvedLength = this.text.length;
      this.scalar = scalar;
    }
  }

  private done(): Token {
    const p = this.p;
    p.whitespace = '';
    const token = p.tok(T.Scalar, this.start);
    token.indent = this.lineIndent;
    token.line = this.line;
    token.multiline = this.multiline;
    token.scalar = this.scalar && this.text.length === this.resolvedLength ? this.scalar : { kind: 'str', value: this.text };
    return token;
  }

  /** Text of the source appended as is; whitespace in it is pending (appended only before more text). */
  private appendSource(from: number, to: number): void {
    const input = this.p.input;
    for (let i = from; i < to; i++) {
      const c = input.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13 || c === 10) this.p.whitespace += input[i];
      else this.append(input[i]!);
    }
  }

  private tryResolveNumber(first: 'positive' | 'negative' | 'dot' | 'other'): void {
    const p = this.p;
    if (first === 'dot') {
      const c = p.next();
      const at = p.pos;
      if (c === 110 || c === 78 || c === 105 || c === 73) {
        p.inc(1);
        const words: Record<number, Array<[string, string]>> = {
          110: [['an', 'nan']],
          78: [
            ['aN', 'NaN'],
            ['AN', 'NAN'],
          ],
          105: [['nf', 'inf']],
          73: [
            ['nf', 'Inf'],
            ['NF', 'INF'],
          ],
        };
        for (const [rest, word] of words[c]!) {
          if (p.startsWith(rest)) {
            this.resolve({ kind: 'num', value: c === 110 || c === 78 ? Number.NaN : Number.POSITIVE_INFINITY }, word);
            p.inc(2);
            return;
          }
        }
        this.append(String.fromCharCode(c));
        void at;
        return;
      }
    } else if (first === 'negative' || first === 'positive') {
      // Bun's condition reads `next == '.' and peek(1) == 'i' or peek(1) == 'I'`.
      if ((p.next() === 46 && p.peek(1) === 105) || p.peek(1) === 73) {
        this.append(p.input[p.pos] ?? '');
        p.inc(1);
        const c = p.next();
        if (c === 105 || c === 73) {
          p.inc(1);
          const options: Array<[string, string]> =
            c === 105
              ? [['nf', 'inf']]
              : [
                  ['nf', 'Inf'],
                  ['NF', 'INF'],
                ];
          for (const [rest, word] of options) {
            if (p.startsWith(rest)) {
              this.resolve({ kind: 'num', value: first === 'negative' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY }, word);
              p.inc(2);
              return;
            }
          }
          this.append(String.fromCharCode(c));
        }
        return;
      }
    }
    const start = p.pos;
    if (first !== 'negative' && first !== 'positive') p.inc(1);
    let valid: boolean;
    for (;;) {
      const c = p.next();
      if (c === 32 || c === 9 || c === 0 || c === 10 || c === 13 || c === 58) {
        valid = true;
        break;
      }
      if (c === 44 || c === 93 || c === 125) {
        valid = p.flow;
        break;
      }
      if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 120 || c === 111 || c === 46 || c === 43 || c === 45) {
        p.inc(1);
        continue;
      }
      valid = false;
      break;
    }
    const end = p.pos;
    this.appendSource(start, end);
    if (!valid) return;
    const number = p.input.slice(start, end);
    const hasSign = first === 'negative' || first === 'positive';
    if (!isCoreSchemaNumber(number, hasSign)) return;
    let value: number;
    if (!hasSign && number.length > 2 && number[0] === '0' && (number[1] === 'x' || number[1] === 'o')) {
      const parsed = BigInt(number[1] === 'x' ? number : `0o${number.slice(2)}`);
      if (parsed > 0xffffffffffffffffn) return;
      value = Number(parsed);
    } else {
      value = Number(number);
      if (Number.isNaN(value)) return;
    }
    this.resolved = true;
    if (this.tag === Tag.None || this.tag === Tag.Float || this.tag === Tag.Int) {
      this.resolvedLength = this.text.length;
      this.scalar = { kind: 'num', value: first === 'negative' ? -value : value };
    }
  }

  scan(): Token {
    const p = this.p;
    const input = p.input;
    for (;;) {
      const c = p.pos < input.length ? input.charCodeAt(p.pos) : 0;
      switch (c) {
        case 0:
          return this.done();
        case 45:
          if (p.isDocumentIndicator('---')) return this.done();
          if (!this.resolved && this.length === 0) {
            this.append('-');
            p.inc(1);
            this.tryResolveNumber('negative');
            continue;
          }
          this.append('-');
          p.inc(1);
          continue;
        case 46:
          if (p.isDocumentIndicator('...')) return this.done();
          if (!this.resolved && this.length === 0) {
            const after = p.peek(1);
            if (after === 110 || after === 78 || after === 105 || after === 73) {
              this.append('.');
              p.inc(1);
              this.tryResolveNumber('dot');
            } else this.tryResolveNumber('other');
            continue;
          }
          this.append('.');
          p.inc(1);
          continue;
        case 58: {
          if (p.wsOrEofAt(1)) return this.done();
          if (p.flow && isFlowIndicator(p.peek(1))) return this.done();
          this.append(':');
          p.inc(1);
          continue;
        }
        case 35: {
          const before = p.pos === 0 ? 0 : input.charCodeAt(p.pos - 1);
          if (p.pos === 0 || before === 32 || before === 9 || before === 13 || before === 10) return this.done();
          this.append('#');
          p.inc(1);
          continue;
        }
        case 44:
        case 91:
        case 93:
        case 123:
        case 125:
          if (p.flow) return this.done();
          this.append(input[p.pos]!);
          p.inc(1);
          continue;
        case 32:
        case 9:
          p.whitespace += input[p.pos];
          p.inc(1);
          continue;
        case 13:
        case 10: {
          if (c === 13 && p.peek(1) === 10) p.inc(1);
          p.newline();
          p.inc(1);
          const lines = p.foldLines();
          const blockIndent = p.blockIndent;
          if (blockIndent !== undefined && p.lineIndent <= blockIndent) return this.done();
          p.whitespace = '';
          if (lines === 0 && !p.isEof()) p.whitespace += ' ';
          if (lines > 0) p.whitespace += '\n'.repeat(lines);
          continue;
        }
        default: {
          if (this.resolved || this.length !== 0) {
            this.append(input[p.pos]!);
            p.inc(1);
            continue;
          }
          if (this.keyword(c)) continue;
          if (c === 43) {
            this.append('+');
            p.inc(1);
            this.tryResolveNumber('positive');
            continue;
          }
          if (c >= 48 && c <= 57) {
            this.tryResolveNumber('other');
            continue;
          }
          this.append(input[p.pos]!);
          p.inc(1);
        }
      }
    }
  }

  /** `null`, `true`, `False`, `~`, …: resolved when the scalar starts with one (it may go on). */
  private keyword(c: number): boolean {
    const p = this.p;
    const candidates = KEYWORDS[c];
    if (candidates === undefined) return false;
    for (const [word, scalar] of candidates) {
      if (p.startsWith(word)) {
        p.inc(word.length);
        this.resolve(scalar, word);
        return true;
      }
    }
    return false;
  }
}

const NULL: Scalar = { kind: 'null' };
const TRUE: Scalar = { kind: 'bool', value: true };
const FALSE: Scalar = { kind: 'bool', value: false };
const KEYWORDS: Record<number, Array<[string, Scalar]>> = {
  110: [['null', NULL]],
  78: [
    ['Null', NULL],
    ['NULL', NULL],
  ],
  126: [['~', NULL]],
  116: [['true', TRUE]],
  84: [
    ['True', TRUE],
    ['TRUE', TRUE],
  ],
  102: [['false', FALSE]],
  70: [
    ['False', FALSE],
    ['FALSE', FALSE],
  ],
};

function isCoreSchemaNumber(text: string, hasSign: boolean): boolean {
  if (text.length === 0) return false;
  if (!hasSign && text.length > 2 && text[0] === '0') {
    const digits = text.slice(2);
    if (text[1] === 'x') return /^[0-9a-fA-F]*$/.test(digits);
    if (text[1] === 'o') return /^[0-7]*$/.test(digits);
  }
  return /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(text);
}

// ---------------------------------------------------------------- to JavaScript

/** A key as a JavaScript property name: what `String(value)` gives for the converted key. */
function keyString(node: Node): string {
  switch (node.k) {
    case 'null':
      return 'null';
    case 'bool':
      return node.v ? 'true' : 'false';
    case 'num':
      return String(node.v);
    case 'str':
      return node.v;
    default:
      return String(toJs(node));
  }
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A node as the JavaScript value Bun gives: collections converted once, shared by their aliases. */
export function toJs(node: Node): unknown {
  switch (node.k) {
    case 'null':
      return null;
    case 'bool':
    case 'num':
    case 'str':
      return node.v;
    case 'arr': {
      if (node.id.js !== undefined) return node.id.js;
      // An alias is always of a finished node, never of one it sits in: no cycle to guard against.
      const out = node.items.map(toJs);
      node.id.js = out;
      return out;
    }
    case 'obj': {
      if (node.id.js !== undefined) return node.id.js;
      const out: Record<string, unknown> = {};
      node.id.js = out;
      for (const prop of node.props) setOwn(out, keyString(prop.key), toJs(prop.value));
      return out;
    }
  }
}

export interface BunYamlOk {
  ok: true;
  value: unknown;
  /** Each top-level key of a mapping document, with the offset where it is written. */
  keys: Array<{ key: string; offset: number }>;
  /** How many documents the text holds (more than one: `value` is the array of their values). */
  documents: number;
}
export interface BunYamlFailure {
  ok: false;
  /** As Bun words it: `YAML Parse error: Unexpected token`. */
  message: string;
  offset: number;
}
export type BunYamlResult = BunYamlOk | BunYamlFailure;

/** `Bun.YAML.parse(text)`: one document's value, an array for several documents, or the error. */
export function parseBunYaml(text: string): BunYamlResult {
  // Bun refuses a NUL anywhere in the text.
  const nul = text.indexOf('\0');
  if (nul !== -1) return { ok: false, message: 'YAML Parse error: Unexpected character', offset: nul };
  yamlWork.parses++;
  const parser = new Parser(text);
  let roots: Node[];
  try {
    roots = parser.parse();
  } catch (error) {
    if (error instanceof YamlError) {
      const message = error.message === 'Maximum call stack size exceeded' ? 'Maximum call stack size exceeded.' : `YAML Parse error: ${error.message}`;
      return { ok: false, message, offset: error.offset };
    }
    throw error;
  }
  if (roots.length === 1) {
    const root = roots[0]!;
    const keys = root.k === 'obj' ? root.props.map((prop) => ({ key: keyString(prop.key), offset: prop.key.at })) : [];
    return { ok: true, value: toJs(root), keys, documents: 1 };
  }
  return { ok: true, value: roots.map(toJs), keys: [], documents: roots.length };
}
