import { describe, expect, it } from 'vitest';
import { colorLevel, jsonText, makeStyle, plainStyle, terminalText, visible } from '../../src/commands/style.js';

describe('colorLevel', () => {
  it.each([
    [{}, true, true, 1],
    [{}, false, true, 0],
    [{}, true, false, 0],
    [{ NO_COLOR: '1' }, true, true, 0],
    [{ FORCE_COLOR: '1' }, false, true, 1],
    [{ FORCE_COLOR: '3' }, false, true, 3],
    [{ FORCE_COLOR: '0' }, true, true, 0],
    [{ FORCE_COLOR: '1' }, true, false, 0],
    [{ TERM: 'dumb' }, true, true, 0],
    [{ COLORTERM: 'truecolor' }, true, true, 3],
  ] as const)('env %j, tty %s, flag %s → %i', (env, tty, flag, level) => {
    expect(colorLevel(env, tty, flag)).toBe(level);
  });

  it('decides without asking whether the stream is a terminal when the environment or flag already does', () => {
    const unasked = () => {
      throw new Error('isTTY was asked');
    };
    expect(colorLevel({ NO_COLOR: '1' }, unasked, true)).toBe(0);
    expect(colorLevel({ FORCE_COLOR: '2' }, unasked, true)).toBe(2);
    expect(colorLevel({}, unasked, false)).toBe(0);
    expect(colorLevel({}, () => true, true)).toBe(1);
    expect(colorLevel({}, () => false, true)).toBe(0);
  });
});

describe('visible', () => {
  it.each([
    ['plain text, → and …', 'plain text, → and …'],
    ['ESC and BEL: \x1b]0;t\x07', 'ESC and BEL: \\x1b]0;t\\x07'],
    ['NUL \0, CR \r, DEL \x7f, C1 \x9b', 'NUL \\x00, CR \\x0d, DEL \\x7f, C1 \\x9b'],
    [
      'bidi \u202a\u202b\u202c\u202d\u202e \u2066\u2067\u2068\u2069 \u200e\u200f\u061c',
      'bidi \\u202a\\u202b\\u202c\\u202d\\u202e \\u2066\\u2067\\u2068\\u2069 \\u200e\\u200f\\u061c',
    ],
    ['zero-width \u200b\u200c\u200d\u2060\ufeff, soft\u00adhyphen', 'zero-width \\u200b\\u200c\\u200d\\u2060\\ufeff, soft\\xadhyphen'],
    ['tags \u{e0041}\u{e007f}, separators \u2028\u2029, lone \ud800', 'tags \\u{e0041}\\u{e007f}, separators \\u2028\\u2029, lone \\ud800'],
    ['lines\nand\ttabs stay', 'lines\nand\ttabs stay'],
  ])('%j → %j', (text, shown) => {
    expect(visible(text)).toBe(shown);
    expect(visible(shown)).toBe(shown); // idempotent
  });

  it('single-line cells escape line feeds and tabs too', () => {
    expect(visible('a\nb\tc', true)).toBe('a\\x0ab\\x09c');
  });
});

describe('terminalText and styles', () => {
  it('without colour, styles are the identity and the text is only escaped', () => {
    expect(makeStyle(0)).toBe(plainStyle);
    expect(terminalText(`${plainStyle.red('x')}\x1b[2K`)).toBe('x\\x1b[2K');
  });

  it('our styles become SGR codes after the text inside them is escaped', () => {
    const style = makeStyle(1);
    expect(terminalText(style.green('+tools: Bash'))).toBe('\x1b[32m+tools: Bash\x1b[39m');
    expect(terminalText(style.red(`evil\x1b[1A\x1b[2K`))).toBe('\x1b[31mevil\\x1b[1A\\x1b[2K\x1b[39m');
    // Nested: the inner close re-opens the outer colour; bold and dim share their close.
    expect(terminalText(style.red(`a${style.green('b')}c`))).toBe('\x1b[31ma\x1b[32mb\x1b[39m\x1b[31mc\x1b[39m');
    expect(terminalText(style.bold(`a${style.dim('b')}c`))).toBe('\x1b[1ma\x1b[2mb\x1b[22m\x1b[1mc\x1b[22m');
    // Each line is closed and re-opened.
    expect(terminalText(style.cyan('a\nb'))).toBe('\x1b[36ma\x1b[39m\n\x1b[36mb\x1b[39m');
  });

  it('agent text cannot forge a style mark: the nonce is random per process', () => {
    const style = makeStyle(1);
    const marked = style.red('x');
    const prefix = marked.slice(0, marked.indexOf('31>'));
    expect(prefix).toMatch(/^<ai-[0-9a-f]{16}:$/);
    // The same shape with another nonce stays text.
    const forged = '<ai-0000000000000000:2K>';
    expect(terminalText(forged)).toBe(forged);
    expect(marked).not.toContain('\x1b');
  });
});

describe('jsonText', () => {
  it('escapes DEL and C1 controls as well as C0; the parsed strings are exact', () => {
    const value = { s: 'a\x1b[2K b\x7f c\x9b d\u202e e\u200b' };
    const text = jsonText(value);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('\\u009b');
    expect(JSON.parse(text)).toEqual(value);
  });
});
