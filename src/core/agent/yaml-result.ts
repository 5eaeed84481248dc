/** What parsing a YAML text gives: the value and the top-level keys with their offsets, or the first error. */
export type YamlKey = { key: string; offset: number };
export type YamlOk = { ok: true; value: unknown; isMapping: boolean; keys: YamlKey[] };
/** `refused`: never handed to the `yaml` package whole (over MAX_YAML_TOKENS); the message says so. */
export type YamlFailure = { ok: false; message: string; offset: number; refused?: true };
export type YamlResult = YamlOk | YamlFailure;
