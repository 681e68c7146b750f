// Which connector serves a practice. The sandbox connector is always present; others (GP Connect)
// are registered by the app that configures them.
import type { Db } from '../db/client.js';
import type { PracticeRecord } from '../domain/practices.js';
import { sandboxConnector } from './sandbox/connector.js';
import { ConnectorError, type ClinicalSystemConnector } from './types.js';

export interface ConnectorRegistry {
  forPractice(practice: PracticeRecord): ClinicalSystemConnector;
}

export function connectorRegistry(db: Db, extra: readonly ClinicalSystemConnector[] = []): ConnectorRegistry {
  const byKind = new Map<string, ClinicalSystemConnector>([['sandbox', sandboxConnector(db)]]);
  for (const connector of extra) byKind.set(connector.kind, connector);
  return {
    forPractice(practice) {
      const connector = byKind.get(practice.connector);
      if (!connector) throw new ConnectorError('NOT_SUPPORTED', `No connector "${practice.connector}" is configured for ${practice.odsCode}.`);
      return connector;
    },
  };
}
