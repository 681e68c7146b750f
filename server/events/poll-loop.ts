// The loop the outbox dispatcher and the webhook sender share: do a round of work, and when it
// leaves nothing waiting, sleep until the poll interval ends or someone wakes the loop (a
// notification, a local commit). A wake that arrives while a round runs is not lost: the next sleep
// returns at once. Stopping wakes the loop and waits for the round in progress to end.

export interface PollLoopOptions {
  pollMs: number;
  /** One round: resolves true when more work may be waiting now (e.g. a full batch), so no sleep. */
  round(): Promise<boolean>;
  /** A round that throws is reported (unless stopping) and the loop sleeps as after an idle round. */
  onError(error: unknown): void;
}

export interface PollLoop {
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

export function pollLoop(o: PollLoopOptions): PollLoop {
  let running = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  let kicked = false;

  function idle(): Promise<void> {
    if (kicked) {
      kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, o.pollMs);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        kicked = false;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function run() {
    while (running) {
      let more = false;
      try {
        more = await o.round();
      } catch (error) {
        if (running) o.onError(error);
      }
      if (running && !more) await idle();
    }
  }

  const wake = () => {
    if (wakeUp) wakeUp();
    else kicked = true;
  };

  return {
    start() {
      if (running) return;
      running = true;
      kicked = false;
      loop = run();
    },
    wake,
    async stop() {
      running = false;
      wake();
      await loop;
      loop = null;
    },
  };
}
