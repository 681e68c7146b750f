// Which run each pool worker is on and since when, in memory shared by the pool and its workers.
// A worker writes its slot as a run reaches it; the pool's watchdog reads the slots when its timer
// fires. So a run costs no "started" message, and the pool's thread is not woken for one.
// Slots are indexed by the pool library's worker id (1..threads; a replacement reuses its id).

export class RunBoard {
  readonly buffer: SharedArrayBuffer;
  private readonly runIds: Int32Array;
  private readonly startedAt: Float64Array;

  /** A board for `workers` workers, or a worker's view of the pool's board. */
  constructor(workersOrBuffer: number | SharedArrayBuffer) {
    this.buffer = typeof workersOrBuffer === 'number' ? new SharedArrayBuffer((workersOrBuffer + 1) * 12) : workersOrBuffer;
    const slots = this.buffer.byteLength / 12;
    this.startedAt = new Float64Array(this.buffer, 0, slots);
    this.runIds = new Int32Array(this.buffer, slots * 8, slots);
  }

  hasSlot(workerId: number): boolean {
    return Number.isInteger(workerId) && workerId >= 1 && workerId < this.runIds.length;
  }

  /** Worker side: `runId` (a positive int32) reached worker `workerId` now. */
  markStarted(workerId: number, runId: number): void {
    this.startedAt[workerId] = Date.now();
    // The store publishes the time written before it to any thread that loads this run id.
    Atomics.store(this.runIds, workerId, runId);
  }

  /** Pool side: when `runId` reached a worker (ms since the epoch), or null if it has not (yet). */
  startedAtOf(runId: number): number | null {
    for (let slot = 1; slot < this.runIds.length; slot++) {
      if (Atomics.load(this.runIds, slot) === runId) return this.startedAt[slot] ?? null;
    }
    return null;
  }
}
