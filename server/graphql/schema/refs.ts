// Object refs shared across schema files (implemented in their own files) to avoid import cycles.
import { builder } from '../builder.js';
import type { PatientDemographics } from '../../domain/clinical-record.js';
import type { PracticeRecord } from '../../domain/practices.js';

export interface PatientNode {
  nhsNumber: string;
  practice: PracticeRecord;
  /** Present when the resolver already loaded them. */
  demographics?: PatientDemographics;
}

export const PracticeType = builder.objectRef<PracticeRecord>('Practice');
export const PatientType = builder.objectRef<PatientNode>('Patient');
