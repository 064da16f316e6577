import { describe, expect, it } from 'vitest';
import { uuidV7Generator } from './demo-cases.service.js';

// insertDemoCases itself is tested through the demo module (src/modules/demo/demo.test.ts),
// which writes its synthetic year with it on both engines.

describe('demo message ids', () => {
  it('are UUIDs that sort in the order they were made', () => {
    const next = uuidV7Generator();
    const ids = Array.from({ length: 10_000 }, () => next());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });
});
