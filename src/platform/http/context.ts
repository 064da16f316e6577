import type { Principal } from '../auth/roles.js';
import type { StaffSession } from '../auth/session.js';
import type { Translate } from '../i18n/index.js';
import type { PublicBrand } from '../views/ui.js';

/** Who may reach a staff or API route. Deny by default: a route without `auth` needs a full session. */
export type RouteAuth = 'public' | 'partial' | 'enrol' | 'full';

/**
 * What a staff or API route does, as the policy engine names it (`case.view`, `user.create`…),
 * or `'none'` for the few routes that need no role (signing in, enrolment, the unseal form,
 * the stylesheet, the OpenAPI document). The surfaces refuse to register a route without one
 * and refuse a request whose principal may not do it (surfaces.ts).
 */
export type RouteAction = 'none' | (string & {});

declare module 'fastify' {
  interface FastifyRequest {
    locale: string;
    dir: 'ltr' | 'rtl';
    t: Translate;
    staff: StaffSession | null;
    principal: Principal | null;
    /** The organisation's name and logo (public surface only, when a module provides them). */
    brand?: PublicBrand;
    /** The staff navigation this person may follow (staff surface only; empty elsewhere). */
    nav?: { href: string; label: string; order?: number }[];
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** The policy action the route performs; required on the staff and API surfaces. */
    action?: RouteAction;
    /** 'session' (default for staff POSTs) checks the session's synchronizer token. */
    csrf?: 'session' | 'none';
    /** True for the few staff routes that work while the vault is sealed (the unseal form). */
    whileSealed?: boolean;
    /**
     * The longest text the route's form or body takes, in characters, when it has a body
     * limit of its own (body-limit.ts `textBody`): the 413 page says it.
     */
    textMax?: number;
  }
}

export {};
