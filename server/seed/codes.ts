// A small curated list of real codes for synthetic records. SNOMED CT concept ids; medicines are
// dm+d virtual medicinal products (whose ids are SNOMED CT concept ids).
import type { Coding } from '../domain/clinical-record.js';
import { DM_D, SNOMED_CT } from '../domain/clinical-record.js';

const sct = (code: string, display: string): Coding => ({ system: SNOMED_CT, code, display });
const dmd = (code: string, display: string): Coding => ({ system: DM_D, code, display });

export const ALLERGENS: Array<{ coding: Coding; category: 'MEDICATION' | 'FOOD' | 'ENVIRONMENT' }> = [
  { coding: sct('91936005', 'Allergy to penicillin'), category: 'MEDICATION' },
  { coding: sct('294505008', 'Allergy to amoxicillin'), category: 'MEDICATION' },
  { coding: sct('293586001', 'Allergy to aspirin'), category: 'MEDICATION' },
  { coding: sct('91935009', 'Allergy to peanut'), category: 'FOOD' },
  { coding: sct('300916003', 'Latex allergy'), category: 'ENVIRONMENT' },
  { coding: sct('418689008', 'Allergy to grass pollen'), category: 'ENVIRONMENT' },
];

export const REACTIONS: Coding[] = [
  sct('271807003', 'Eruption of skin'),
  sct('126485001', 'Urticaria'),
  sct('39579001', 'Anaphylaxis'),
  sct('422400008', 'Vomiting'),
  sct('267036007', 'Dyspnoea'),
];

export const MEDICINES: Array<{ coding: Coding; dosage: string; quantity: string; repeat: boolean }> = [
  { coding: dmd('319773006', 'Aspirin 75mg dispersible tablets'), dosage: 'One tablet once a day', quantity: '28 tablet', repeat: true },
  { coding: dmd('323509004', 'Amoxicillin 250mg capsules'), dosage: 'One capsule three times a day', quantity: '21 capsule', repeat: false },
  { coding: dmd('320000009', 'Simvastatin 40mg tablets'), dosage: 'One tablet at night', quantity: '28 tablet', repeat: true },
  { coding: dmd('325278007', 'Metformin 500mg tablets'), dosage: 'One tablet twice a day with food', quantity: '56 tablet', repeat: true },
  { coding: dmd('319283006', 'Amlodipine 5mg tablets'), dosage: 'One tablet once a day', quantity: '28 tablet', repeat: true },
  { coding: dmd('322236009', 'Paracetamol 500mg tablets'), dosage: 'One or two tablets up to four times a day', quantity: '32 tablet', repeat: false },
];

export const PROBLEMS: Coding[] = [
  sct('44054006', 'Type 2 diabetes mellitus'),
  sct('38341003', 'Hypertensive disorder'),
  sct('195967001', 'Asthma'),
  sct('13645005', 'Chronic obstructive lung disease'),
  sct('49436004', 'Atrial fibrillation'),
  sct('35489007', 'Depressive disorder'),
  sct('396275006', 'Osteoarthritis'),
  sct('40930008', 'Hypothyroidism'),
  sct('65363002', 'Otitis media'),
  sct('68566005', 'Urinary tract infectious disease'),
];

export const VACCINATIONS: Coding[] = [
  sct('822851000000102', 'Seasonal influenza vaccination'),
  sct('12866006', 'Pneumococcal vaccination'),
  sct('170378007', 'First hepatitis A vaccination'),
  sct('1324681000000101', 'Administration of first dose of SARS-CoV-2 vaccine'),
];

export const NOT_GIVEN_REASON = sct('310376006', 'Immunization consent not given');

export const OBSERVATIONS = {
  bloodPressure: sct('75367002', 'Blood pressure'),
  systolic: sct('271649006', 'Systolic blood pressure'),
  diastolic: sct('271650006', 'Diastolic blood pressure'),
  weight: sct('27113001', 'Body weight'),
  temperature: sct('703421000', 'Temperature'),
};

export const FULL_BLOOD_COUNT = {
  panel: sct('26604007', 'FBC - Full blood count'),
  tests: [
    { coding: sct('1022431000000105', 'Haemoglobin estimation'), unit: 'g/L', low: 130, high: 170 },
    { coding: sct('1022541000000102', 'Total white cell count'), unit: '10*9/L', low: 4, high: 11 },
    { coding: sct('1022651000000100', 'Platelet count'), unit: '10*9/L', low: 150, high: 400 },
  ],
};

export const REFERRALS: Array<{ coding: Coding; specialty: string }> = [
  { coding: sct('308447003', 'Referral to physiotherapist'), specialty: 'Physiotherapy' },
  { coding: sct('308448008', 'Referral to counselor'), specialty: 'Counselling' },
  { coding: sct('306206005', 'Referral to service'), specialty: 'Cardiology' },
];

export const DIARY: Coding[] = [
  sct('314529007', 'Medication review due'),
  sct('171279008', 'Immunisation due'),
  sct('714311000000108', 'Patient recall administration'),
];

export const GIVEN_NAMES = ['Amelia', 'Olivia', 'Isla', 'Ava', 'Mia', 'Noah', 'Oliver', 'George', 'Arthur', 'Muhammad', 'Leo', 'Harry', 'Priya', 'Aisha', 'Chen', 'Tomasz', 'Siobhan', 'Dylan', 'Grace', 'Ravi'];
export const FAMILY_NAMES = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Khan', 'Evans', 'Thomas', 'Roberts', 'Nowak', "O'Brien", 'Hughes', 'Begum', 'Walker', 'Wright', 'Green'];
export const TOWNS = ['Ashford', 'Barnsley', 'Carlisle', 'Darlington', 'Exeter', 'Frome', 'Grantham', 'Hexham', 'Ilkley', 'Kendal', 'Ludlow', 'Malton'];
export const CLINICIANS = ['Dr A Okafor', 'Dr B Lewis', 'Dr C Mistry', 'Nurse D Clarke', 'Dr E Fraser'];
