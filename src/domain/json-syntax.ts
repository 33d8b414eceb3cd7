/**
 * Where JSON text goes wrong, in words a person reads and with the line and column to look at.
 * JSON.parse says "Unexpected token '}', "{"a":}" is not valid JSON", and only sometimes at which
 * offset; this scanner finds the first offending character of text JSON.parse refused (the same
 * offset V8 names when it names one) and says what was expected there. It builds no values and
 * keeps an explicit stack, so any size or depth is safe.
 */
export interface JsonSyntaxError {
  /** UTF-16 offset of the first offending character (the text's length when it ended early). */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters (code points) of that line. */
  column: number;
  /** What is wrong there, e.g. `expected "," or "}" after a value`. */
  problem: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

/** JSON's whitespace: space, tab, LF, CR (NaN past either end is not). */
const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const LITERALS: Record<string, string> = { t: "true", f: "false", n: "null" };

/** The character at `at` as a person sees it in a message. */
function shown(text: string, at: number): string {
  const char = String.fromCodePoint(text.codePointAt(at) ?? 0);
  if (char === "\n" || char === "\r") return "a line break";
  if (char === "\t") return "a tab";
  return `“${char}”`;
}

function unexpected(text: string, at: number): Stop {
  if (at >= text.length) return new Stop(at, "the text ends too early: something is not closed");
  const char = text[at];
  if (char === "'") return new Stop(at, "unexpected “'”: JSON needs double quotes");
  if (char === "}" || char === "]") {
    let before = at - 1;
    while (isSpace(text.charCodeAt(before))) before--;
    if (text[before] === ",") return new Stop(at, `unexpected “${char}” after a comma: JSON allows no trailing comma`);
  }
  return new Stop(at, `unexpected ${shown(text, at)}`);
}

class Scanner {
  at = 0;
  constructor(readonly text: string) {}

  skip(): void {
    while (isSpace(this.text.charCodeAt(this.at))) this.at++;
  }

  string(): void {
    const { text } = this;
    this.at++; // the opening quote
    for (;;) {
      if (this.at >= text.length) throw new Stop(this.at, 'a string is not closed (a missing “"”)');
      const code = text.charCodeAt(this.at);
      if (code === 0x22) {
        this.at++;
        return;
      }
      if (code < 0x20) throw new Stop(this.at, `${shown(text, this.at)} inside a string (write it as \\n or \\t)`);
      if (code === 0x5c) {
        const next = text[this.at + 1];
        if (next === "u") {
          for (let i = 2; i < 6; i++) {
            if (!/[0-9a-fA-F]/.test(text[this.at + i] ?? ""))
              throw new Stop(this.at + i, "“\\u” needs four hexadecimal digits");
          }
          this.at += 6;
          continue;
        }
        if (next === undefined || !ESCAPES.has(next))
          throw new Stop(this.at + 1, `“\\${next ?? ""}” is not an escape JSON knows`);
        this.at += 2;
        continue;
      }
      this.at++;
    }
  }

  digits(problem: string): void {
    const start = this.at;
    for (let code = this.text.charCodeAt(this.at); code >= 0x30 && code <= 0x39; code = this.text.charCodeAt(this.at))
      this.at++;
    if (this.at === start) throw new Stop(this.at, problem);
  }

  number(): void {
    const { text } = this;
    if (text[this.at] === "-") this.at++;
    if (text[this.at] === "0") this.at++;
    else this.digits("a minus sign needs a number after it");
    if (text[this.at] === ".") {
      this.at++;
      this.digits("a decimal point needs digits after it");
    }
    if (text[this.at] === "e" || text[this.at] === "E") {
      this.at++;
      if (text[this.at] === "+" || text[this.at] === "-") this.at++;
      this.digits("an exponent needs digits");
    }
  }

  /** One scalar, or the opening of an object or array (answered, to push on the stack). */
  value(): "{" | "[" | null {
    this.skip();
    const char = this.text[this.at];
    if (char === "{" || char === "[") {
      this.at++;
      return char;
    }
    if (char === '"') this.string();
    else if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) this.number();
    else if (char !== undefined && LITERALS[char]) {
      const word = LITERALS[char] as string;
      for (let i = 0; i < word.length; i++)
        if (this.text[this.at + i] !== word[i]) throw unexpected(this.text, this.at + i);
      this.at += word.length;
    } else throw unexpected(this.text, this.at);
    return null;
  }

  key(): void {
    this.skip();
    if (this.text[this.at] !== '"') {
      if (this.at >= this.text.length) throw unexpected(this.text, this.at);
      const trailing = this.text[this.at] === "}";
      throw trailing ? unexpected(this.text, this.at) : new Stop(this.at, "expected a key in double quotes");
    }
    this.string();
    this.skip();
    if (this.text[this.at] !== ":") throw new Stop(this.at, "expected “:” after the key");
    this.at++;
  }

  /** Scans the whole text; throws a Stop at the first problem. */
  run(): void {
    const open: Array<"{" | "["> = [];
    let opened = this.value();
    for (;;) {
      if (opened) {
        open.push(opened);
        this.skip();
        const close = opened === "{" ? "}" : "]";
        if (this.text[this.at] === close) {
          this.at++;
          open.pop();
        } else {
          if (opened === "{") this.key();
          opened = this.value();
          continue;
        }
      }
      this.skip();
      const inside = open.at(-1);
      if (!inside) {
        if (this.at < this.text.length) throw new Stop(this.at, "more text after the JSON value ends");
        return;
      }
      const close = inside === "{" ? "}" : "]";
      const char = this.text[this.at];
      if (char === close) {
        this.at++;
        open.pop();
        opened = null;
      } else if (char === ",") {
        this.at++;
        if (inside === "{") this.key();
        opened = this.value();
      } else if (this.at >= this.text.length) {
        throw unexpected(this.text, this.at);
      } else {
        throw new Stop(this.at, `expected “,” or “${close}” after a value`);
      }
    }
  }
}

/** Line and column (both from 1, the column in characters) of a UTF-16 offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) {
    line++;
    lineStart = at + 1;
  }
  // Characters, not UTF-16 units: the second half of a surrogate pair does not count.
  let column = 1;
  for (let at = lineStart; at < offset; at++) {
    const code = text.charCodeAt(at);
    if (code < 0xdc00 || code > 0xdfff || at === lineStart) column++;
  }
  return { line, column };
}

/** The first syntax error of `text`, or null when it is valid JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  try {
    new Scanner(text).run();
    return null;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { offset: error.offset, ...lineAndColumn(text, error.offset), problem: error.problem };
  }
}

/** "Not valid JSON at line 3, column 5: expected “,” or “}” after a value". */
export function describeJsonError(text: string): string {
  const found = jsonSyntaxError(text);
  if (!found) return "Not valid JSON";
  return `Not valid JSON at line ${found.line}, column ${found.column}: ${found.problem}`;
}
