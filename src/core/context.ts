/**
 * Everything the core needs from the outside world. Nothing below `src/cli/main.ts` reads
 * `process.cwd()`, `process.env` or `os.homedir()` directly, so tests run in sandboxes.
 */
export interface Context {
  cwd: string;
  env: Record<string, string | undefined>;
  /** The user's home folder (from `HOME`, else the OS). */
  home: string;
  /** Folder holding the bundled registry `agents/` and `templates/`. */
  packageRoot: string;
}
