/**
 * Budgets a request body must fit before any parser runs on it (docs/limits.md, "Body
 * budgets"). Parsing is the one step that cannot give way to other requests: a 2.8 MiB form of
 * 300,000 fields kept the event loop busy for over a second in URLSearchParams/FormData, and a
 * config of 200,000 keys as long in JSON.parse and the schema after it. Counting is a single
 * pass over the bytes, a few milliseconds for 4 MiB, and stops at the first byte past the budget.
 */

/** More fields than any form of the app sends (a chat of 100 messages sends about 600). */
export const MAX_FORM_FIELDS = 2000;
/**
 * More JSON values (objects, arrays, strings, numbers…) than any request needs: a 64 KiB config
 * holds about 10,000; a 1 MB body is one string.
 */
export const MAX_JSON_VALUES = 20_000;

const AMPERSAND = 0x26;
const HYPHEN = 0x2d;

/** How many fields an urlencoded or multipart body holds, counted up to `stopAt` (then more). */
export function countFormFields(body: Uint8Array, contentType: string, stopAt = MAX_FORM_FIELDS + 1): number {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (/^multipart\//i.test(contentType)) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    const marker = boundary ? Buffer.from(`--${boundary[1] ?? boundary[2]}`) : Buffer.from([HYPHEN, HYPHEN]);
    let parts = -1; // the last boundary closes the body
    for (let at = bytes.indexOf(marker); at !== -1 && parts < stopAt; at = bytes.indexOf(marker, at + marker.length))
      parts++;
    return Math.max(parts, 0);
  }
  if (bytes.length === 0) return 0;
  let fields = 1;
  for (let at = bytes.indexOf(AMPERSAND); at !== -1 && fields < stopAt; at = bytes.indexOf(AMPERSAND, at + 1)) fields++;
  return fields;
}

/**
 * Whether JSON text stays within `maxValues` values (MAX_JSON_VALUES), counted without parsing:
 * commas and opening brackets outside strings. Every level of nesting opens one, so the budget
 * bounds the depth too. Malformed text may pass: JSON.parse refuses it next, fast.
 */
export function withinJsonBudget(text: string, maxValues = MAX_JSON_VALUES): boolean {
  let values = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if ((ch === 0x2c || ch === 0x7b || ch === 0x5b) && ++values > maxValues) return false;
  }
  return true;
}
