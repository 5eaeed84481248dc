// Claude Code agents made to exercise every rule of docs/targets-mapping.md: each field, each kind
// of tool list, the refusals. The round-trip test translates them like the corpus, and
// `npm run test:targets` asks the real clients about their translations (verdicts.json).

const file = (name, fields, body = `You are ${name}. Do the task you are given and report what you did.`) =>
  `---\nname: ${name}\ndescription: Agent ${name} for the target checks.\n${fields}---\n\n${body}\n`;

/** [name, frontmatter lines after name and description, prompt?] */
const CASES = [
  ['t-all', ''],
  ['t-read-only', 'tools: Read, Grep, Glob\n'],
  ['t-editor', 'tools: Read, Write, Edit\n'],
  ['t-write-only', 'tools: Read, Write\n'],
  ['t-bash-git', 'tools: Read, Bash(git *)\n'],
  ['t-bash-prefix', 'tools: Read, Bash(npm:*)\n'],
  ['t-shell', 'tools: Read, Grep, Bash\n'],
  ['t-no-tools', 'tools: []\n'],
  ['t-deny', 'disallowedTools: Bash, WebSearch\n'],
  ['t-deny-rule', 'tools: Read, Bash\ndisallowedTools: Bash(rm *)\n'],
  ['t-web', 'tools: WebFetch, WebSearch\n'],
  ['t-fetch', 'tools: Read, WebFetch\n'],
  ['t-helpers', 'tools: TodoWrite, Skill, AskUserQuestion, LS\n'],
  ['t-subagents', 'tools: Read, Agent(reviewer, tester)\n'],
  ['t-task', 'tools: Read, Task\n'],
  ['t-plan', 'permissionMode: plan\n'],
  ['t-plan-tools', 'tools: Read, Edit, Bash\npermissionMode: plan\n'],
  ['t-bypass', 'permissionMode: bypassPermissions\n'],
  ['t-dont-ask', 'tools: Read\npermissionMode: dontAsk\n'],
  ['t-turns', 'maxTurns: 12\neffort: high\ncolor: cyan\nmodel: sonnet\n'],
  ['t-effort-number', 'effort: 8000\n'],
  ['t-mcp', 'tools: Read, mcp__docs__search\nmcpServers:\n  - docs:\n      command: npx\n      args: ["-y", "docs-mcp"]\n'],
  ['t-mcp-all', 'mcpServers:\n  - docs:\n      command: npx\n      args: ["-y", "docs-mcp"]\n      env: { DOCS_TOKEN: "x" }\n'],
  ['t-mcp-named', 'mcpServers: [github]\n'],
  ['t-hook-stop', 'hooks:\n  Stop:\n    - hooks:\n        - type: command\n          command: echo done\n'],
  ['t-hook-guard', 'hooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks:\n        - type: command\n          command: ./check.sh\n'],
  ['t-isolated-writer', 'isolation: worktree\n'],
  ['t-isolated-reader', 'tools: Read, Grep\nisolation: worktree\n'],
  ['t-extras', 'memory: project\nbackground: true\nskills: [pdf]\ninitialPrompt: Start with the README.\n'],
  ['T_Upper', 'tools: Read\n'],
  ['generalist', 'tools: Read\n'],
  ['t-multiline', 'tools: Read\n', 'First line.\n\nSecond paragraph with a line of three dashes below.\n\n---\n\nThird.'],
];

/** The variants as { name, text }. */
export function variants() {
  return CASES.map(([name, fields, body]) => ({ name, text: file(name, fields, body) }));
}
