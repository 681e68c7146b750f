// npm run practice:gp-connect -- --ods A12345 --name "..." --system EMIS_WEB --base-url https://... --asid 123456789012
// Registers (or updates) a practice whose clinical data is read through GP Connect.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { openDatabase } from '../server/db/client.js';
import { practices } from '../server/db/schema/governance.js';
import { CLINICAL_SYSTEM_IDS } from '../server/domain/clinical-systems.js';
import { normaliseOdsCode } from '../server/domain/identifiers.js';
import { loadEnv } from '../server/env.js';
import { EndpointSchema } from '../server/systems/gp-connect/endpoint-config.js';

const USAGE =
  'usage: npm run practice:gp-connect -- --ods A12345 --name "Practice name" --system EMIS_WEB ' +
  '--base-url https://provider.example/A12345/STU3/1/gpconnect --asid 123456789012 [--provider-ods A12345] [--sandbox]';

const Args = z.object({
  ods: z.string().transform((v, ctx) => normaliseOdsCode(v) ?? (ctx.addIssue({ code: 'custom', message: 'a GP practice ODS code is a letter and five digits' }), z.NEVER)),
  name: z.string().trim().min(1).max(200),
  system: z.enum(CLINICAL_SYSTEM_IDS),
  'base-url': z.string(),
  asid: z.string(),
  'provider-ods': z.string().optional(),
  sandbox: z.boolean().default(false),
});

function parse() {
  try {
    const { values } = parseArgs({
      options: {
        ods: { type: 'string' },
        name: { type: 'string' },
        system: { type: 'string' },
        'base-url': { type: 'string' },
        asid: { type: 'string' },
        'provider-ods': { type: 'string' },
        sandbox: { type: 'boolean' },
      },
      strict: true,
    });
    const args = Args.parse(values);
    const endpoint = EndpointSchema.parse({ baseUrl: args['base-url'], providerAsid: args.asid, providerOds: args['provider-ods'] });
    return { ...args, endpoint };
  } catch (error) {
    const detail = error instanceof z.ZodError ? error.issues.map((i) => `  ${i.path.join('.') || 'argument'}: ${i.message}`).join('\n') : `  ${(error as Error).message}`;
    console.error(`${detail}\n${USAGE}`);
    process.exit(2);
  }
}

const args = parse();
const env = loadEnv();
const database = await openDatabase({ url: env.DATABASE_URL, migrationUrl: env.DATABASE_MIGRATION_URL, dataDir: env.DATA_DIR });
try {
  const row = { name: args.name, systemId: args.system, connector: 'gp-connect', isSandbox: args.sandbox, endpoint: args.endpoint };
  await database.db
    .insert(practices)
    .values({ odsCode: args.ods, ...row })
    .onConflictDoUpdate({ target: practices.odsCode, set: row });
  console.log(`${args.ods} (${args.name}, ${args.system}) is served by GP Connect at ${args.endpoint.baseUrl} (provider ASID ${args.endpoint.providerAsid}).`);
  if (!env.GP_CONNECT_ASID) console.log('Note: set GP_CONNECT_ASID (our ASID) before the server can call GP Connect providers.');
} finally {
  await database.close();
}
