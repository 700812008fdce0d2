/**
 * Marks the running test as skipped and says why. uvu cannot skip a test once it runs, so the
 * test prints this line and returns at once; scripts/test-all.js counts each such line as a
 * skipped test instead of a passed one and shows the reason.
 *
 *   test('needs tmux', () => { if (!HAVE_TMUX) return skip('tmux not installed'); ... });
 */
export function skip(reason: string): void {
  console.log(`[skip] ${reason}`);
}
