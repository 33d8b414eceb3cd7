/**
 * JSON typed by a person (the editor's tools and response format fields): parsed, or where and
 * why it is not JSON, as a line and column a person can find. Node 20's JSON.parse names no
 * position for most mistakes, so a small scanner finds the first one.
 */
export type JsonText = { ok: true; value: unknown } | { ok: false; line: number; column: number; message: string };

export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const { at, message } = firstError(text);
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - (before.lastIndexOf("\n") + 1) + 1;
    return { ok: false, line, column, message: `Not JSON: ${message} at line ${line}, column ${column}` };
  }
}

class Stop extends Error {
  constructor(
    readonly at: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The offset of the first mistake and what it is; iterative over nesting, so any depth is safe. */
function firstError(text: string): { at: number; message: string } {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const fail = (reason: string): never => {
    throw new Stop(i, i >= text.length ? "unexpected end of text" : reason);
  };
  const scalar = () => {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\") i++;
        else if ((text.charCodeAt(i) ?? 0) < 0x20) fail("a line break or control character inside a string");
        i++;
      }
      if (i >= text.length) fail("unterminated string");
      i++;
      return;
    }
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail(`unexpected ${JSON.stringify(c)}`);
    i += (m as RegExpExecArray)[0].length;
  };
  const stack: Array<"{" | "["> = [];
  try {
    ws();
    for (;;) {
      // A value starts here.
      const c = text[i];
      if (c === "{" || c === "[") {
        stack.push(c);
        i++;
        ws();
        if (text[i] === (c === "{" ? "}" : "]")) {
          stack.pop();
          i++;
        } else {
          if (c === "{") key();
          continue;
        }
      } else scalar();
      // After a value: a comma, a closing bracket, or the end.
      for (;;) {
        ws();
        const top = stack.at(-1);
        if (!top) {
          if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the value`);
          return { at: i, message: "not JSON" };
        }
        const close = top === "{" ? "}" : "]";
        if (text[i] === ",") {
          i++;
          ws();
          if (top === "{") key();
          break;
        }
        if (text[i] === close) {
          stack.pop();
          i++;
          continue;
        }
        fail(`expected "," or "${close}"`);
      }
      ws();
    }
  } catch (error) {
    if (error instanceof Stop) return { at: error.at, message: error.reason };
    throw error;
  }

  function key() {
    if (text[i] !== '"') fail("expected a property name in double quotes");
    scalar();
    ws();
    if (text[i] !== ":") fail('expected ":" after the property name');
    i++;
    ws();
  }
}
