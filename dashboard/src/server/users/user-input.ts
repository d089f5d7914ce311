import { userRoles } from '@floorwalker/store';
import { z } from 'zod';

const fields = {
  email: z.string().trim().toLowerCase().max(320).pipe(z.email('not a valid e-mail address')),
  name: z.string().trim().min(1).max(100),
  role: z.enum(userRoles),
  password: z.string().min(10, 'at least 10 characters').max(256),
  siteIds: z
    .array(z.string().min(1).max(64))
    .max(1000)
    .transform((ids) => [...new Set(ids)]),
  teams: z
    .array(z.string().trim().min(1).max(40))
    .max(20)
    .transform((teams) => [...new Set(teams)]),
  maxChats: z.number().int().min(0).max(50),
};

/** Body of `POST /api/users`. */
export const userCreateInput = z.strictObject({
  email: fields.email,
  name: fields.name,
  role: fields.role,
  password: fields.password,
  siteIds: fields.siteIds.default([]),
  teams: fields.teams.default([]),
  maxChats: fields.maxChats.default(3),
});

/** Body of `PATCH /api/users/:userId`: any subset; `password` resets it and ends the user's sessions. */
export const userUpdateInput = z.strictObject({
  email: fields.email.optional(),
  name: fields.name.optional(),
  role: fields.role.optional(),
  password: fields.password.optional(),
  siteIds: fields.siteIds.optional(),
  teams: fields.teams.optional(),
  maxChats: fields.maxChats.optional(),
});
