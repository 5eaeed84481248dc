import type { Context } from '../context.js';
import type { Approved, LockEntry } from '../lockfile/lockfile.js';

/** One agent file a source offers, with its provenance. */
export interface Candidate {
  /** Where it came from, for humans: `bundled registry`, a URL, a repository. */
  origin: string;
  /** Exact version when the source has versions. */
  version?: string;
  /** What the user asked for, recorded as `requested`. */
  requested: string;
  /** A spec that reproduces exactly these bytes (recorded as `source`). */
  source: string;
  /** The upstream bytes, exactly. */
  bytes: Uint8Array;
  /** File name suggested by the source (`x.md`); the installed name comes from the `name` field. */
  fileName: string;
  /** Which registry resolved it (recorded as `registry`), for agents resolved by name. */
  registry?: string;
  /** The source can always produce these bytes again offline (the bundled registry): no need to cache them. */
  alwaysAvailable?: boolean;
  /** Set when these exact bytes were validated when the package was built (no errors, no warnings): the agent's `name`. */
  checkedName?: string;
  /** The upstream bytes' integrity when it is known (bundled agents; accepted bytes stand in for them); otherwise it is computed. */
  integrity?: string;
  /** The bytes are the team's accepted edits of the upstream version (`agent-install accept`): their integrity. */
  accepted?: string;
  /** The risky grants of these (upstream) bytes that were approved, recorded as the lock entry's `approved`. */
  approved?: Approved;
  /** `riskyHashes` of the bytes, when the build worked them out (bundled agents): `{}` means none. */
  risky?: Approved;
}

export interface SourceContext extends Context {
  /** Never touch the network; name what is missing instead. */
  offline?: boolean;
  /** Static registries (`index.json` URLs or paths) from `--registry` and the config, searched after the bundled one. */
  registries?: string[];
  /** Progress for fetches that take longer than a moment (stderr on a TTY; silent with -q/--json). */
  progress?: (message: string) => void;
  /** The user scope (`-g`): local paths are recorded absolute, and the project's config is not read. */
  global?: boolean;
  /** Diagnostics a source reports without failing (e.g. files in a folder Claude Code would not load). */
  warn?: (message: string) => void;
}

/** A parsed spec that a particular source understands. */
export interface SourceSpec {
  source: string;
  raw: string;
}

/**
 * A place agents come from. Adding a source is adding a file that implements this and one line
 * in `sources/index.ts`.
 */
export interface Source<S extends SourceSpec = SourceSpec> {
  readonly id: string;
  /** The parsed spec when this source handles `raw`, else null. */
  parse(raw: string, ctx: SourceContext): S | null;
  /** Resolves a spec to one or more agent files (a folder or repository may hold several). */
  resolve(spec: S, ctx: SourceContext): Promise<Candidate[]>;
  /** Fetches exactly what a lock entry records; the caller verifies the integrity. */
  fetchLocked(entry: LockEntry, ctx: SourceContext): Promise<Candidate>;
  /** Newer candidates for a locked agent: all versions it knows, newest last. Undefined for sources without versions. */
  listVersions?(entry: LockEntry, ctx: SourceContext): Promise<string[]>;
  /** The candidate at `version` for a locked agent (upgrade / diff --to). */
  fetchVersion?(entry: LockEntry, version: string, ctx: SourceContext): Promise<Candidate>;
}
