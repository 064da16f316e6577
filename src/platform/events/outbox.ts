/**
 * Domain events (the transactional outbox). A service records an event in the same
 * transaction as the change it describes; after commit a dispatcher delivers it to every
 * subscriber, at least once, so handlers are idempotent.
 */
export interface DomainEvent {
  id: string;
  /** `<module>.<what happened>`, e.g. `case.created`. */
  type: string;
  /** Identifiers and codes only: never personal or case text (it is stored in clear). */
  payload: Record<string, unknown>;
  occurredAt: number;
}

/** A handler in one module of events from others; `name` is unique and stable (its delivery records use it). */
export interface EventSubscriber {
  name: string;
  events: readonly string[];
  handle(event: DomainEvent): Promise<void>;
}
