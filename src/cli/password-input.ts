import type { Readable, Writable } from "node:stream";
import { text } from "node:stream/consumers";

type Terminal = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/**
 * docs/operations.md: a password comes from stdin when it is not a terminal (its first line: `echo "$PW" |
 * promptrail user add …`, a file, a secret store), else it is asked twice without echo.
 */
export async function readPassword(stdin: Readable, prompts: Writable): Promise<string> {
  const input = stdin as Terminal;
  if (!input.isTTY || !input.setRawMode) {
    const line = (await text(stdin)).split(/\r?\n/)[0] ?? "";
    if (line === "") throw new Error("no password on stdin: pipe one line into the command, or run it in a terminal");
    return line;
  }
  const first = await askHidden(input, prompts, "Password (at least 12 characters): ");
  const again = await askHidden(input, prompts, "The same password again: ");
  if (first !== again) throw new Error("the two passwords differ: run the command again");
  return first;
}

/** Reads one line from a terminal in raw mode, echoing nothing; Ctrl-C cancels. */
function askHidden(input: Terminal, prompts: Writable, question: string): Promise<string> {
  prompts.write(question);
  input.setRawMode?.(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = "";
    const done = (error: Error | null) => {
      input.off("data", onData);
      input.setRawMode?.(false);
      input.pause();
      prompts.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done(null);
        if (ch === "\u0003") return done(new Error("cancelled"));
        if (ch === "\u007f" || ch === "\b") typed = [...typed].slice(0, -1).join("");
        else typed += ch;
      }
    };
    input.on("data", onData);
  });
}
