import type { Json } from "./hash.js";

export type Stage = "DEV" | "TST" | "PROD";

/** A chat prompt's entry: a message whose content is a template, or a slot the caller fills. */
export type ChatItem =
  | { role: "system" | "user" | "assistant"; content: string }
  | { type: "placeholder"; name: string };

/**
 * A version object as the server's runtime read answers it (the registry's docs list every
 * field): `body` for a text prompt, `messages` for a chat prompt. Fields a newer server adds
 * come through as they are.
 */
export interface PromptVersion {
  prompt: string;
  version: string;
  seq?: number;
  type: "text" | "chat";
  stage: Stage;
  current: boolean;
  body?: string;
  messages?: ChatItem[];
  config: { [key: string]: Json };
  revision: number;
  contentHash: string;
  createdFrom: string | null;
  createdAt: string;
  updatedAt: string;
  [key: string]: unknown;
}

/** Where an answer came from: the server (fresh), the last good copy, or the offline bundle. */
export type Source = "server" | "cache" | "bundle";

/** One change as GET /changes sends it. */
export interface Change {
  seq: number;
  type: string;
  prompt: string;
  version: string | null;
  stage: Stage | null;
  at: string;
}

const STAGES = new Set(["DEV", "TST", "PROD"]);

export function isStage(value: unknown): value is Stage {
  return typeof value === "string" && STAGES.has(value);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Whether `value` looks like a version object: the fields a reader relies on, with their types.
 * Anything else (an HTML page, `{"ok":true}`, a truncated body) is not a Promptrail answer.
 */
export function isPromptVersion(value: unknown): value is PromptVersion {
  if (!isObject(value)) return false;
  const { prompt, version, type, stage, body, messages, config, revision, contentHash } = value;
  const content = type === "text" ? typeof body === "string" : type === "chat" && Array.isArray(messages);
  return (
    typeof prompt === "string" &&
    typeof version === "string" &&
    /^\d+\.\d+$/.test(version) &&
    isStage(stage) &&
    content &&
    isObject(config) &&
    typeof revision === "number" &&
    typeof contentHash === "string" &&
    /^[0-9a-f]{64}$/.test(contentHash)
  );
}
