/** One thing to undo at shutdown, with a name for the log. */
interface Step {
  name: string;
  run: () => Promise<void> | void;
}

/**
 * Undo steps registered while starting, run in reverse order (last started, first stopped),
 * each bounded in time so one stuck close cannot keep the process alive forever.
 */
export class Shutdown {
  private readonly steps: Step[] = [];
  private running: Promise<string[]> | undefined;

  constructor(
    /** Longest wait for one step. Default 10 s. */
    private readonly stepTimeoutMs = 10_000,
  ) {}

  /** Registers something to stop; steps run in reverse registration order. */
  defer(name: string, run: Step['run']): void {
    this.steps.push({ name, run });
  }

  /** Runs every step once (later calls return the same promise). Resolves with the failures. */
  run(): Promise<string[]> {
    this.running ??= (async () => {
      const failures: string[] = [];
      for (const step of this.steps.reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`did not stop within ${this.stepTimeoutMs} ms`)),
            this.stepTimeoutMs,
          );
        });
        try {
          await Promise.race([Promise.resolve().then(step.run), timeout]);
        } catch (error) {
          failures.push(`${step.name}: ${(error as Error).message}`);
        } finally {
          clearTimeout(timer);
        }
      }
      return failures;
    })();
    return this.running;
  }
}
