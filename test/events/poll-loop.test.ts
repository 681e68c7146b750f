// The loop the outbox dispatcher and the webhook sender share, on its own: rounds back to back
// while there is more, a sleep only after an idle round, a wake that is never lost, a stop that
// waits for the round in progress. The poll interval is an hour, so every round here is woken.
import { describe, expect, it } from 'vitest';
import { pollLoop } from '../../server/events/poll-loop.js';

const HOUR = 3_600_000;
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
};

describe('poll loop', () => {
  it('goes again at once while a round says more is waiting, then sleeps until woken', async () => {
    const queue = [true, true, false];
    let rounds = 0;
    const loop = pollLoop({ pollMs: HOUR, onError: () => {}, round: async () => (rounds++, queue.shift() ?? false) });
    loop.start();
    await until(() => rounds === 3);
    await new Promise((r) => setTimeout(r, 30));
    expect(rounds).toBe(3); // asleep: the interval is an hour
    loop.wake();
    await until(() => rounds === 4);
    await loop.stop();
  });

  it('does not lose a wake that arrives while a round runs', async () => {
    let rounds = 0;
    let release: () => void = () => {};
    const loop = pollLoop({ pollMs: HOUR, onError: () => {}, round: () => new Promise((r) => void (rounds++, (release = () => r(false)))) });
    loop.start();
    await until(() => rounds === 1);
    loop.wake(); // during the first round
    release();
    await until(() => rounds === 2);
    release();
    await loop.stop();
    expect(rounds).toBe(2);
  });

  it('reports a failed round and carries on; stop waits for the round in progress', async () => {
    const errors: unknown[] = [];
    let rounds = 0;
    let finished = false;
    const loop = pollLoop({
      pollMs: HOUR,
      onError: (e) => errors.push(e),
      round: async () => {
        rounds++;
        if (rounds === 1) throw new Error('database away');
        await new Promise((r) => setTimeout(r, 20));
        finished = true;
        return false;
      },
    });
    loop.start();
    await until(() => errors.length === 1);
    loop.wake();
    await until(() => rounds === 2);
    await loop.stop();
    expect(finished).toBe(true);
    expect((errors[0] as Error).message).toBe('database away');
  });
});
