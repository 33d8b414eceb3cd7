/** Keys shorter than this are not masked: masking them would garble ordinary text. */
export const MIN_MASKED_KEY = 8;
/** A run of at least this many characters of the key (or of its reverse) is masked wherever it appears. */
const MIN_PART = 8;
/** Runs of the key's hex form are masked from this many hex digits (8 bytes) on. */
const MIN_HEX_PART = 16;
/**
 * Runs found only once separators are taken out (`sk-ab cd ef…`, `sk-ab\ncd…`) are masked from
 * this many characters on: taking separators out joins neighbouring words, so a longer run is asked.
 */
const MIN_SPLIT_PART = 12;
const REDACTED = "[redacted]";

/**
 * Hides an API key in text a server sent back (outputs, error messages), in the forms a server
 * may echo it that can be found cheaply (docs/testing.md lists them and what is not found):
 * whole, JSON-escaped, URL-encoded (as-is or every byte), base64, hex (either case), reversed;
 * in parts — any run of 8 or more characters of the key or of its reverse, 16 or more hex
 * digits of its bytes — and split by characters the key does not contain (spaces, newlines,
 * commas…) into parts however short, from 12 characters of it on.
 */
export function keyMasker(key: string | null): (text: string) => string {
  const masker = maskerSteps(key);
  return (text) => {
    const { masked, steps } = masker(text);
    return redact(
      masked,
      steps.flatMap((step) => step()),
    );
  };
}

/**
 * The same masking for a long text (a model's output, up to 2 MiB): each search over it is one
 * step, and the event loop turns between steps, so a long output never holds it for long.
 */
export function keyMaskerInSteps(key: string | null): (text: string) => Promise<string> {
  const masker = maskerSteps(key);
  return async (text) => {
    const { masked, steps } = masker(text);
    const runs: Array<[number, number]> = [];
    for (const step of steps) {
      await new Promise((resolve) => setImmediate(resolve));
      runs.push(...step());
    }
    return redact(masked, runs);
  };
}

type Step = () => Array<[number, number]>;

function maskerSteps(key: string | null): (text: string) => { masked: string; steps: Step[] } {
  if (!key || key.length < MIN_MASKED_KEY) return (text) => ({ masked: text, steps: [] });
  const bytes = Buffer.from(key, "utf8");
  const reversed = [...key].reverse().join("");
  const hex = bytes.toString("hex");
  const variants = [
    key,
    reversed,
    JSON.stringify(key).slice(1, -1),
    encodeURIComponent(key),
    [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
    [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
    bytes.toString("base64"),
    bytes.toString("base64url"),
    hex,
    hex.toUpperCase(),
  ];
  const distinct = [...new Set(variants)].sort((a, b) => b.length - a.length);
  // The UTF-16 units the key holds (the text is indexed by them).
  const inKey = new Uint8Array(65536);
  for (let i = 0; i < key.length; i++) inKey[key.charCodeAt(i)] = 1;
  return (text) => {
    let masked = text;
    for (const variant of distinct) if (masked.includes(variant)) masked = masked.split(variant).join(REDACTED);
    const steps: Step[] = [() => partsOf(masked, key, MIN_PART), () => partsOf(masked, reversed, MIN_PART)];
    // Hex parts only where there is a run of hex digits long enough to be one.
    if (/[0-9a-f]{16}/.test(masked)) steps.push(() => partsOf(masked, hex, MIN_HEX_PART));
    if (/[0-9A-F]{16}/.test(masked)) steps.push(() => partsOf(masked, hex.toUpperCase(), MIN_HEX_PART));
    steps.push(() => splitParts(masked, key, inKey));
    return { masked, steps };
  };
}

/**
 * Every run of at least `min` characters of `text` that also occurs in `key`, as [start, end).
 * Each anchor of the key (for min 8: characters 0–3, 4–7, …; every run of `min` holds a whole
 * one, as 2·anchor − 1 < min) is searched with indexOf and grown both ways while text and key agree.
 */
function partsOf(text: string, key: string, min: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  const ANCHOR = Math.floor(min / 2);
  for (let k = 0; k + ANCHOR <= key.length; k += ANCHOR) {
    const anchor = key.slice(k, k + ANCHOR);
    for (let at = text.indexOf(anchor); at !== -1; at = text.indexOf(anchor, at + 1)) {
      let start = at;
      let ks = k;
      while (start > 0 && ks > 0 && text[start - 1] === key[ks - 1]) {
        start--;
        ks--;
      }
      let end = at + ANCHOR;
      let ke = k + ANCHOR;
      while (end < text.length && ke < key.length && text[end] === key[ke]) {
        end++;
        ke++;
      }
      if (end - start >= min) runs.push([start, end]);
    }
  }
  return runs;
}

/**
 * Runs of the key split by characters it does not contain: the text without those characters
 * (its skeleton) is searched, and each run found there covers the stretch of the text it came
 * from, separators included.
 */
function splitParts(text: string, key: string, inKey: Uint8Array): Array<[number, number]> {
  const units = new Uint16Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (inKey[unit]) units[n++] = unit;
  }
  if (n === text.length) return []; // nothing was taken out: partsOf found it all
  const skeleton = Buffer.from(units.buffer, 0, n * 2).toString("utf16le");
  const found = partsOf(skeleton, key, MIN_SPLIT_PART);
  if (found.length === 0) return [];
  // Only when the key is there: where each kept character stands in the text.
  const kept = new Int32Array(n);
  for (let i = 0, k = 0; i < text.length; i++) if (inKey[text.charCodeAt(i)]) kept[k++] = i;
  return found.map(([s, e]) => [kept[s] as number, (kept[e - 1] as number) + 1]);
}

/** The text with every run replaced by one REDACTED; overlapping runs merge. */
function redact(text: string, runs: Array<[number, number]>): string {
  if (runs.length === 0) return text;
  runs.sort((a, b) => a[0] - b[0]);
  let out = "";
  let last = 0;
  for (const [start, end] of runs) {
    if (end <= last) continue;
    out += text.slice(last, Math.max(start, last)) + (start >= last ? REDACTED : "");
    last = end;
  }
  return out + text.slice(last);
}
