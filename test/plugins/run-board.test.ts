// The run board the pool's watchdog reads: when each run reached its worker, without a message.
import { describe, expect, it } from 'vitest';
import { RunBoard } from '../../sdk/runner/run-board.js';

describe('the run board', () => {
  it('tells the pool when a run reached a worker, and nothing of runs that have not or were replaced', () => {
    const pool = new RunBoard(2);
    // Each worker sees the same memory through its own view.
    const worker1 = new RunBoard(pool.buffer);
    const worker2 = new RunBoard(pool.buffer);
    expect(pool.startedAtOf(7)).toBeNull();

    const before = Date.now();
    worker1.markStarted(1, 7);
    worker2.markStarted(2, 8);
    const started = pool.startedAtOf(7);
    expect(started).toBeGreaterThanOrEqual(before);
    expect(started).toBeLessThanOrEqual(Date.now());
    expect(pool.startedAtOf(8)).not.toBeNull();

    // Worker 1 moves on to its next run: the earlier one is no longer on the board.
    worker1.markStarted(1, 9);
    expect(pool.startedAtOf(7)).toBeNull();
    expect(pool.startedAtOf(9)).not.toBeNull();
  });

  it('has one slot per worker id the pool library hands out (1..threads)', () => {
    const board = new RunBoard(3);
    expect([0, 1, 2, 3, 4].map((id) => board.hasSlot(id))).toEqual([false, true, true, true, false]);
  });
});
