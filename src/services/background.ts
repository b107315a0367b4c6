import type { Logger } from '../logger';

/**
 * Runs `task` every `ms`, never two at once; a failure is logged and the next tick tries again.
 * `stop` waits for a run in progress.
 */
export function every(ms: number, task: () => Promise<unknown>, log: Logger, what: string) {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = task()
      .catch((err) => log.warn({ err }, `${what} failed`))
      .finally(() => (running = undefined));
  }, ms);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
