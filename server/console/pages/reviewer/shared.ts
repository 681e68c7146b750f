// What the reviewer pages share: stage order and colours, evidence shown as plain text.
import { tag, type TagColour } from '../../components.js';
import { html, type Html } from '../../html.js';
import { enumName, ukDateTime } from '../../names.js';

export const STAGE_ORDER = ['APPLIED', 'PREREQUISITES_MET', 'UNSUPPORTED_TEST', 'SUPPORTED_TEST', 'ASSURED', 'LIVE', 'SUSPENDED', 'REJECTED', 'REVOKED'] as const;

const STAGE_COLOUR: Record<string, TagColour> = {
  APPLIED: 'grey',
  PREREQUISITES_MET: 'blue',
  UNSUPPORTED_TEST: 'purple',
  SUPPORTED_TEST: 'purple',
  ASSURED: 'aqua-green',
  LIVE: 'green',
  SUSPENDED: 'orange',
  REJECTED: 'red',
  REVOKED: 'red',
};

export function stageTag(stage: string): Html {
  return tag(enumName('PairingStage', stage), STAGE_COLOUR[stage] ?? 'grey');
}

const EVIDENCE_LABELS: Record<string, string> = {
  dsptStatus: 'Data Security and Protection Toolkit',
  clinicalSafetyOfficer: 'Clinical safety officer',
  dcb0129Reference: 'DCB0129 reference',
  recordedBy: 'Recorded by',
  recordedAt: 'Recorded at',
};

function describe(key: string, value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  if (key === 'dsptStatus') return enumName('DsptStatus', value);
  if (key === 'recordedAt') return ukDateTime(value);
  return value;
}

/** Evidence (JSON) as a short list of labelled values. */
export function evidenceList(evidence: unknown): Html | string {
  if (!evidence || typeof evidence !== 'object') return 'None';
  const entries = Object.entries(evidence as Record<string, unknown>);
  if (entries.length === 0) return 'None';
  return html`<ul class="nhsuk-list nhsuk-body-s">${entries.map(
    ([k, v]) => html`<li>${EVIDENCE_LABELS[k] ?? k}: ${describe(k, v)}</li>`,
  )}</ul>`;
}

export const enc = encodeURIComponent;
