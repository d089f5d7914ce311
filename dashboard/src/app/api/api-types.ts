// The wire types come from the server code itself (type-only imports are erased in the bundle),
// so the app and the API cannot drift apart.

export type { UserRole } from '@floorwalker/store';
export type { MeResponse } from '../../server/auth/auth-routes.ts';
export type { ErrorIssue, ErrorResponse } from '../../server/errors.ts';
export type { SiteView } from '../../server/sites/site-view.ts';
export type { UserView } from '../../server/users/user-view.ts';
