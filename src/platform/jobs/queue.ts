/**
 * Work with a payload: a service enqueues a task; a worker runs it with retries and
 * exponential backoff, and a task that keeps failing is dead-lettered for an administrator.
 */
export interface TaskDefinition<P = unknown> {
  /** `<module>.<task>`, unique. */
  name: string;
  /** Checks a stored payload before the task runs (a zod schema's `parse`). */
  parse(payload: unknown): P;
  /** Attempts before the task is dead-lettered. */
  maxAttempts?: number;
  run(payload: P): Promise<void>;
}
