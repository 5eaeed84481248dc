// `node --import ./clock-ahead.mjs …` runs a program whose Date.now() reads a minute ahead, as if
// it ran a minute after the files it finds were written: `list` remembers the hashes of settled
// files only (src/core/scope/hash-cache.ts), and a test need not wait for files to settle.
const now = Date.now;
Date.now = () => now() + 60_000;
