/** Keys shorter than this are not masked: masking them would garble ordinary text. */
export const MIN_MASKED_KEY = 8;
/** A run of at least this many characters of the key is masked wherever it appears. */
const MIN_PART = 8;
/** Anchor length: every run of MIN_PART key characters contains one whole anchor (2·4−1 < 8). */
const ANCHOR = 4;
const REDACTED = "[redacted]";

/**
 * Hides an API key in text a server sent back (outputs, error messages), in the forms a server
 * may echo it: whole, JSON-escaped, URL-encoded (as-is or every byte), base64, and in parts —
 * any run of 8 or more characters of the key, e.g. a server quoting `sk-…abcd1234efgh`.
 */
export function keyMasker(key: string | null): (text: string) => string {
  if (!key || key.length < MIN_MASKED_KEY) return (text) => text;
  const bytes = Buffer.from(key, "utf8");
  const variants = [
    key,
    JSON.stringify(key).slice(1, -1),
    encodeURIComponent(key),
    [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
    [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
    bytes.toString("base64"),
    bytes.toString("base64url"),
  ];
  const distinct = [...new Set(variants)].sort((a, b) => b.length - a.length);
  return (text) => {
    let masked = text;
    for (const variant of distinct) if (masked.includes(variant)) masked = masked.split(variant).join(REDACTED);
    return maskParts(masked, key);
  };
}

/**
 * Replaces every run of at least MIN_PART characters that also occurs in `key`. Each anchor of
 * the key (characters 0–3, 4–7, …) is searched with indexOf and grown both ways while text and
 * key agree; overlapping runs merge.
 */
function maskParts(text: string, key: string): string {
  const runs: Array<[number, number]> = [];
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
      if (end - start >= MIN_PART) runs.push([start, end]);
    }
  }
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
