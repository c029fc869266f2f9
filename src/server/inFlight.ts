/**
 * The image requests a process is serving, so that shutdown can stop them and wait until each has
 * settled its reservation before the database closes.
 */
export class InFlight {
  private requests = new Set<AbortController>();
  private waiters: Array<() => void> = [];
  /** Set when shutdown starts: every answer from then on closes its connection. */
  stopping = false;

  /** Tracks one request until the returned function is called (once its answer is out or its connection gone). */
  add(controller: AbortController): () => void {
    this.requests.add(controller);
    return () => {
      this.requests.delete(controller);
      if (this.requests.size === 0) for (const wake of this.waiters.splice(0)) wake();
    };
  }

  /** Aborts every tracked request with `reason` (their pipelines answer with it and release their money). */
  abortAll(reason: Error) {
    for (const controller of this.requests) controller.abort(reason);
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.requests.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
