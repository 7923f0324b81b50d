/**
 * Requests that arrive while earlier ones wait for the database go together (issue 15: 500 clients
 * connecting at 8:30 each waited for their own round trips). A request is sent at once while fewer
 * than `maxInFlight` batches are out; otherwise it joins the next batch, sent when one comes back.
 * A lone request therefore waits no longer than before. If a batch of several fails, each of its
 * requests is tried alone, so one request's failure (e.g. a claim refused by row-level security)
 * is only its own.
 */
export class Batcher<Request, Result> {
  private queue: Array<{ request: Request; resolve: (r: Result) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    private readonly run: (requests: Request[]) => Promise<Result[]>,
    private readonly opts: { maxInFlight: number; maxBatch: number } = { maxInFlight: 2, maxBatch: 200 },
  ) {}

  request(request: Request): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight++;
      this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(batch: typeof this.queue) {
    try {
      const results = await this.run(batch.map((b) => b.request));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      await Promise.all(batch.map((b) => this.run([b.request]).then((r) => b.resolve(r[0]), b.reject)));
    }
  }
}

/** One batcher per key object (a database), made on first use. */
export function perKey<K extends object, V>(make: (key: K) => V): (key: K) => V {
  const made = new WeakMap<K, V>();
  return (key) => {
    let v = made.get(key);
    if (!v) made.set(key, (v = make(key)));
    return v;
  };
}
