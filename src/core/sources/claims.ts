// Which source a spec belongs to, decided from its prefix alone. The sources that need the
// network or other programs (URL, git, npm) are loaded only for specs they claim, so
// `agent-install <name>` never loads HTTP, git or tarball code. Each source's parser starts with
// the same test.

/** `https://…` and `http://…` (refused later unless loopback). */
export const claimsUrl = (raw: string): boolean => /^https?:\/\//i.test(raw);

/** `github:owner/repo…`, `git+https://`, `git+http://`, `git+ssh://`, `git+file://`, `git://`. */
export const claimsGit = (raw: string): boolean => raw.startsWith('github:') || /^(git\+(https|http|ssh|file)|git):\/\//.test(raw);

/** `npm:<package>…`. */
export const claimsNpm = (raw: string): boolean => raw.startsWith('npm:');
