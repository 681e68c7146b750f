// Writes schema.graphql from the code-first schema (committed; CI fails when it is stale).
import { writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { baseSchema } from '../server/graphql/schema.js';

const target = process.argv[2] ?? 'schema.graphql';
writeFileSync(target, `${printSchema(lexicographicSortSchema(baseSchema))}\n`);
console.log(`wrote ${target}`);
