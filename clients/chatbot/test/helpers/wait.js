// Polls `probe` until it returns something truthy (which is returned), or
// fails after `timeoutMs` naming `what`. A probe that throws fails at once.
export async function waitFor(probe, timeoutMs = 10_000, what = 'condition') {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
