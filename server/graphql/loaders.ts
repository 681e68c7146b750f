// Per-request batching: every clinical read in one GraphQL request goes through these loaders, so
// the number of SQL statements (or provider calls) does not grow with the number of patients.
import DataLoader from 'dataloader';
import type { Db } from '../db/client.js';
import type { AnySectionAnswer, PatientDemographics } from '../domain/clinical-record.js';
import { practicesByOds, registeredPractices, type PracticeRecord } from '../domain/practices.js';
import type { Appointment } from '../domain/scheduling.js';
import type { Section, SectionOptions } from '../domain/sections.js';
import type { ConnectorRegistry } from '../systems/registry.js';
import { ConnectorError, type ClinicalSystemConnector, type RequestMeta, type SectionRequest } from '../systems/types.js';

export interface SectionKey {
  practice: PracticeRecord;
  nhsNumber: string;
  section: Section;
  options: SectionOptions;
  /** Practice, patient, section and options as one string (the loader's cache key). */
  id: string;
}

/**
 * A section read's key; options left unset or null are dropped, so equal requests share one read.
 * Made for every section of every patient of a page (twice: read ahead, then asked), so it is built
 * by hand (strings quoted, so no value can pass for another).
 */
export function sectionKey(practice: PracticeRecord, nhsNumber: string, section: Section, options: SectionOptions): SectionKey {
  const defined: Record<string, unknown> = {};
  let id = `${practice.odsCode}|${nhsNumber}|${section}`;
  for (const name in options) {
    const value = options[name as keyof SectionOptions];
    if (value === undefined || value === null) continue;
    defined[name] = value;
    id += `|${name}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
  }
  return { practice, nhsNumber, section, options: defined as SectionOptions, id };
}

export interface PatientKey {
  practice: PracticeRecord;
  nhsNumber: string;
}

export interface AppointmentsKey extends PatientKey {
  from: Date;
  to: Date;
}

export interface Loaders {
  connectorFor(practice: PracticeRecord): ClinicalSystemConnector;
  /** Whether demographics and sections of this practice's patients are read together (see combinedReads). */
  readsTogether(practice: PracticeRecord): boolean;
  practice: DataLoader<string, PracticeRecord | null>;
  /** NHS number -> registered practice. */
  registration: DataLoader<string, PracticeRecord | null>;
  demographics: RememberingLoader<PatientKey, PatientDemographics | null>;
  section: RememberingLoader<SectionKey, AnySectionAnswer>;
  appointments: DataLoader<AppointmentsKey, Appointment[] | ConnectorError, string>;
}

/**
 * A DataLoader that also remembers what each key settled to (a value or a ConnectorError), so a
 * resolver reaching a value already read (a page's or a record's prefetched reads) answers it
 * without another promise. Undefined: not settled yet, or failed otherwise (ask `load`).
 */
export type RememberingLoader<K, V> = DataLoader<K, V, string> & { settled(key: K): V | ConnectorError | undefined };

function rememberingLoader<K, V>(batch: (keys: readonly K[]) => Promise<Array<V | Error>>, cacheKeyFn: (key: K) => string): RememberingLoader<K, V> {
  const settled = new Map<string, V | ConnectorError>();
  const loader = new DataLoader<K, V, string>(
    async (keys) => {
      const values = await batch(keys);
      values.forEach((value, i) => {
        if (!(value instanceof Error) || value instanceof ConnectorError) settled.set(cacheKeyFn(keys[i] as K), value);
      });
      return values;
    },
    { cacheKeyFn },
  );
  return Object.assign(loader, { settled: (key: K) => settled.get(cacheKeyFn(key)) });
}

/** Groups keys by practice (and an extra grouping key), calls once per group, keeps key order. */
async function perPractice<K extends { practice: PracticeRecord }, V>(
  keys: readonly K[],
  groupOf: (key: K) => string,
  load: (practice: PracticeRecord, group: K[]) => Promise<V[]>,
): Promise<Array<V | Error>> {
  const groups = new Map<string, number[]>();
  keys.forEach((key, i) => {
    const g = `${key.practice.odsCode}|${groupOf(key)}`;
    const group = groups.get(g);
    if (group) group.push(i);
    else groups.set(g, [i]);
  });
  const results: Array<V | Error> = new Array(keys.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const group = indexes.map((i) => keys[i] as K);
      const first = group[0] as K;
      try {
        const values = await load(first.practice, group);
        indexes.forEach((keyIndex, n) => (results[keyIndex] = values[n] as V));
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const keyIndex of indexes) results[keyIndex] = failure;
      }
    }),
  );
  return results;
}

type RecordReads = Awaited<ReturnType<NonNullable<ClinicalSystemConnector['readRecords']>>>;

interface PendingRead {
  practice: PracticeRecord;
  connector: ClinicalSystemConnector;
  numbers: Set<string>;
  requests: SectionRequest[];
  done: Promise<RecordReads>;
  settle: (reads: Promise<RecordReads>) => void;
}

/**
 * Demographics and section reads that DataLoader dispatches in the same tick (a page of patients,
 * or a record whose sections were asked for up front) go to a connector that can answer both at
 * once as ONE read per practice; other connectors get their usual separate calls.
 */
function combinedReads(meta: RequestMeta) {
  let pending: Map<string, PendingRead> | null = null;
  function flush() {
    const reads = pending;
    pending = null;
    for (const read of reads?.values() ?? []) read.settle(read.connector.readRecords!(read.practice, [...read.numbers], read.requests, meta));
  }
  function pendingFor(practice: PracticeRecord, connector: ClinicalSystemConnector): PendingRead {
    if (!pending) {
      pending = new Map();
      process.nextTick(flush); // after every loader dispatched in this tick has added its keys
    }
    let read = pending.get(practice.odsCode);
    if (!read) {
      let settle!: PendingRead['settle'];
      const done = new Promise<RecordReads>((resolve) => (settle = resolve));
      read = { practice, connector, numbers: new Set(), requests: [], done, settle };
      pending.set(practice.odsCode, read);
    }
    return read;
  }
  return {
    async demographics(practice: PracticeRecord, connector: ClinicalSystemConnector, numbers: string[]) {
      if (!connector.readRecords) return connector.findPatients(practice, numbers, meta);
      const read = pendingFor(practice, connector);
      for (const n of numbers) read.numbers.add(n);
      // If the one read fails (e.g. one section's table), each part is asked again on its own, so
      // demographics and the sections that can still be read keep answering as they would alone.
      return read.done.then((r) => r.patients, () => connector.findPatients(practice, numbers, meta));
    },
    async sections(practice: PracticeRecord, connector: ClinicalSystemConnector, requests: SectionRequest[]) {
      if (!connector.readRecords) return connector.readSections(practice, requests, meta);
      const read = pendingFor(practice, connector);
      const from = read.requests.length;
      read.requests.push(...requests);
      return read.done.then((r) => r.sections.slice(from, from + requests.length), () => connector.readSections(practice, requests, meta));
    },
  };
}

/** Where patients are registered: by default read from the database on every request. */
export type RegistrationLookup = (nhsNumbers: readonly string[]) => Promise<Map<string, PracticeRecord>>;

export function createLoaders(db: Db, connectors: ConnectorRegistry, meta: RequestMeta, registrations?: RegistrationLookup): Loaders {
  const reads = combinedReads(meta);
  const patientCacheKey = (k: PatientKey) => `${k.practice.odsCode}|${k.nhsNumber}`;
  const practice = new DataLoader<string, PracticeRecord | null>(async (codes) => {
    const found = await practicesByOds(db, codes);
    return codes.map((c) => found.get(c) ?? null);
  });
  return {
    connectorFor: (p) => connectors.forPractice(p),
    readsTogether: (p) => Boolean(connectors.forPractice(p).readRecords),
    practice,
    registration: new DataLoader(async (numbers) => {
      const found = await (registrations ? registrations(numbers) : registeredPractices(db, numbers));
      for (const p of found.values()) practice.prime(p.odsCode, p);
      return numbers.map((n) => found.get(n) ?? null);
    }),
    demographics: rememberingLoader<PatientKey, PatientDemographics | null>(
      (keys) =>
        perPractice(keys, () => '', async (practice, group) => {
          const found = await reads.demographics(practice, connectors.forPractice(practice), group.map((k) => k.nhsNumber));
          return group.map((k) => found.get(k.nhsNumber) ?? null);
        }),
      patientCacheKey,
    ),
    section: rememberingLoader<SectionKey, AnySectionAnswer>(
      (keys) =>
        perPractice(keys, () => '', (practice, group) =>
          reads.sections(practice, connectors.forPractice(practice), group.map(({ nhsNumber, section, options }) => ({ nhsNumber, section, options }))),
        ),
      (k) => k.id,
    ),
    appointments: new DataLoader(
      (keys) =>
        perPractice(keys, (k) => `${k.from.toISOString()}|${k.to.toISOString()}`, async (practice, group) => {
          const first = group[0] as AppointmentsKey;
          const found = await connectors
            .forPractice(practice)
            .patientAppointments(practice, group.map((k) => k.nhsNumber), { from: first.from, to: first.to }, meta);
          return group.map((k) => found.get(k.nhsNumber) ?? []);
        }),
      { cacheKeyFn: (k) => `${patientCacheKey(k)}|${k.from.toISOString()}|${k.to.toISOString()}` },
    ),
  };
}

/**
 * DataLoader turns Error values into rejections; this turns an expected connector failure back
 * into a value the resolver can map to a typed answer. Anything else still throws (and is masked).
 */
export async function settle<T>(pending: Promise<T>): Promise<T | ConnectorError> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
}
