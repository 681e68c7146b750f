// The executable schema: Pothos types with the permission map applied.
import { builder } from './builder.js';
import { enforcePermissions } from './permission-enforcement.js';
import { permissionMap, permissionOptions } from './permissions.js';
import './schema/index.js';

/** The schema as clients see it (printing, cost analysis); its resolvers carry no permission checks. */
export const baseSchema = builder.toSchema({ sortSchema: true });
/** A second build of the same schema, with every field that is not `allow` checked before it resolves. */
export const schema = enforcePermissions(builder.toSchema({ sortSchema: true }), permissionMap, permissionOptions);
