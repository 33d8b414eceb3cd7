/**
 * How many items of a page (in order) fit `budget` bytes; always at least one, so a page of
 * large items still moves on. Lists of things that may each be large (test runs, revisions)
 * first read their sizes, then load only what fits: an answer is bounded, however big the items.
 */
export function affordable(sizes: Array<{ bytes: number | string | bigint }>, budget: number): number {
  let total = 0;
  let count = 0;
  for (const { bytes } of sizes) {
    total += Number(bytes);
    if (count > 0 && total > budget) break;
    count += 1;
  }
  return count;
}
