// Runs plugins for practices: the input query as the PluginRun actor through the API itself (same
// permission map, same audit), the bundle in the sandbox pool, then the domain checks and applies
// the proposed effects all or none and records the run. Manual, scheduled and event triggers all
// end here.
import { createPluginRunner, type PluginRunner } from '@gp-open-integration/sdk/runner';
import type { Db } from '../db/client.js';
import type { ConnectorFor } from '../domain/plugins/effects.js';
import { newRunId, recordRun, runTarget, type PluginRunRow, type RunTarget, type RunTrigger } from '../domain/plugins/runs.js';
import { connectorRegistry } from '../systems/registry.js';
import type { PluginRunTokens } from './run-tokens.js';

export type ApiFetch = (request: Request) => Promise<Response> | Response;

export interface PluginHostOptions {
  db: Db;
  /** The API itself (yoga.fetch). */
  api: ApiFetch;
  tokens: PluginRunTokens;
  /** Which connector applies a run's appointment effects at a practice; default: the sandbox only. */
  connectorFor?: ConnectorFor;
  /** Worker threads of the sandbox pool, started on the first run (default: the runner's). */
  threads?: number;
  /** Nice value of the pool's threads (default: the runner's). */
  niceness?: number;
}

export interface PluginHost {
  /** Runs one enabled plugin at one practice; null when it is not enabled there (nothing recorded). */
  run(practiceOds: string, pluginName: string, trigger: RunTrigger): Promise<PluginRunRow | { problem: string }>;
  /** Compile-only check of a bundle in the sandbox (for publishing). */
  checkSyntax(bundle: string): Promise<string | null>;
  close(): Promise<void>;
}

export function createPluginHost({ db, api, tokens, threads, niceness, connectorFor }: PluginHostOptions): PluginHost {
  const registry = connectorFor ? null : connectorRegistry(db);
  const connectors: ConnectorFor = connectorFor ?? ((practice) => registry!.forPractice(practice));
  let runner: PluginRunner | null = null;
  const pool = () => (runner ??= createPluginRunner({ ...(threads ? { threads } : {}), ...(niceness !== undefined ? { niceness } : {}) }));

  async function inputFor(target: RunTarget, runId: string, trigger: RunTrigger, now: Date): Promise<{ data: unknown } | { error: string }> {
    if (!target.manifest.input) return { data: null };
    const query = target.manifest.input.query;
    const bindings: Record<string, string> = {
      odsCode: target.practice.odsCode,
      now: now.toISOString(),
      today: now.toISOString().slice(0, 10),
      ...(trigger.kind === 'event' ? trigger.subject : {}),
    };
    const declared = new Set([...query.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)\s*:/g)].map((m) => m[1]));
    const variables = Object.fromEntries(Object.entries(bindings).filter(([name]) => declared.has(name)));
    const token = tokens.issue({
      kind: 'PLUGIN_RUN',
      runId,
      versionId: target.version.id,
      supplierId: target.version.supplierId,
      practiceOds: target.practice.odsCode,
      scopes: target.scopes,
    });
    try {
      const response = await api(
        new Request('http://plugin-host.internal/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': runId },
          body: JSON.stringify({ query, variables }),
        }),
      );
      const body = (await response.json()) as { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[] };
      if (body.errors?.length) {
        const first = body.errors[0]!;
        return { error: `the input query was refused: ${first.extensions?.code ?? 'ERROR'} at ${(first.path ?? []).join('.') || 'query'}: ${first.message}` };
      }
      return { data: body.data ?? null };
    } finally {
      tokens.revoke(token);
    }
  }

  return {
    async run(practiceOds, pluginName, trigger) {
      const target = await runTarget(db, practiceOds, pluginName);
      if ('problem' in target) return target;
      const runId = newRunId();
      const startedAt = new Date();
      const input = await inputFor(target, runId, trigger, startedAt);
      const base = { id: runId, target, trigger, startedAt, effects: [], proposedCount: 0, logs: [], logsDropped: 0, durationMs: 0, memoryBytes: 0 };
      if ('error' in input) return recordRun(db, { ...base, outcome: 'ERROR', error: input.error, input: null }, connectors);
      const result = await pool().run({
        bundle: target.version.bundle,
        input: input.data,
        context: {
          now: startedAt.toISOString(),
          practice: { odsCode: practiceOds },
          trigger: trigger.kind === 'event' ? { kind: 'event', type: trigger.type, eventId: trigger.eventId, subject: trigger.subject } : trigger.kind === 'schedule' ? { kind: 'schedule', cron: trigger.cron } : { kind: 'manual' },
        },
        limits: target.manifest.limits,
        allowedEffects: target.manifest.effects,
      });
      return recordRun(db, { ...base, ...result, input: input.data }, connectors);
    },
    async checkSyntax(bundle) {
      return pool().checkSyntax(bundle);
    },
    async close() {
      await runner?.close();
    },
  };
}
