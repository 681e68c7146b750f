// The executable schema: Pothos types with the permission map applied.
import { applyMiddleware } from 'graphql-middleware';
import { builder } from './builder.js';
import { permissions } from './permissions.js';
import './schema/index.js';

export const baseSchema = builder.toSchema({ sortSchema: true });
export const schema = applyMiddleware(baseSchema, permissions);
