/** One entry of a prompt's event log (R11). */
export interface HistoryEvent {
  at: string;
  actor: string;
  type: string;
  version: string | null;
  detail: Record<string, unknown>;
}
