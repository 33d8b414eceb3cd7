/** R1: 1–100 characters of a-z 0-9 . _ -, starting with a letter or digit. */
export const PROMPT_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
export const MAX_DESCRIPTION_CHARS = 2000;
/** R3: body up to 1,000,000 bytes UTF-8, config up to 64 KiB of JSON. */
export const MAX_BODY_BYTES = 1_000_000;
export const MAX_CONFIG_BYTES = 64 * 1024;
