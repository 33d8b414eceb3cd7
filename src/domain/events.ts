/** R11: the types of the event log's changes to prompts, in the order a prompt lives through them. */
export const EVENT_TYPES = [
  "prompt.created",
  "version.created",
  "version.edited",
  "version.promoted",
  "version.deleted",
  "version.made_current",
  "version.tested",
  "review.requested",
  "review.approved",
  "review.rejected",
  "review.withdrawn",
  "review.stale",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
