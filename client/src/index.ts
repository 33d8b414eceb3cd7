export { BUNDLE_FORMAT, type Bundle, verifyBundle } from "./bundle.js";
export {
  type GetOptions,
  type OtelAttributes,
  type Prompt,
  Promptrail,
  type PromptrailOptions,
  type Rendering,
} from "./client.js";
export { PromptrailError } from "./errors.js";
export type { Json } from "./hash.js";
export type { ChatMessage, RenderIssue, Variable, VariableType } from "./render.js";
export type { Change, ChatItem, PromptVersion, Source, Stage } from "./types.js";
export type { Watch, WatchOptions } from "./watch.js";
