// Progress lines on stderr for long seeding runs (quiet for small ones).
export function progressReporter(total: number, write: (line: string) => void = (l) => process.stderr.write(l)) {
  const started = Date.now();
  let lastReport = 0;
  return (done: number, all: number) => {
    if (total < 5000) return;
    const now = Date.now();
    if (now - lastReport < 2000 && done < all) return;
    lastReport = now;
    const seconds = (now - started) / 1000;
    const rate = done / Math.max(seconds, 0.001);
    const eta = (all - done) / Math.max(rate, 1);
    write(`seeding: ${done}/${all} patients (${Math.round(rate)}/s, about ${Math.ceil(eta)} s left)\n`);
  };
}
