// DiagnosticReport -> Observation (test group -> test results) + Specimen -> Investigation.
import type { Coding, Investigation, TestResult } from '../../domain/clinical-record.js';
import { conceptText, fhirDate, firstDate, num, obj, objects, str, type Resource } from './fhir.js';
import { clinicalCode, componentsOf, idOf, personOrWarn, resolveOrWarn, type ItemMapper, type MapContext } from './map-context.js';

/** GP Connect fixes DiagnosticReport.code to this generic concept; the test itself is named elsewhere. */
const GENERIC_REPORT_CODE = '721981007';
const MAX_GROUP_DEPTH = 3;

function valueText(observation: Resource): string | null {
  const quantity = obj(observation.valueQuantity);
  const comparator = str(quantity?.comparator);
  if (comparator && num(quantity?.value) !== undefined) return `${comparator}${num(quantity?.value)}`;
  return str(observation.valueString) ?? conceptText(observation.valueCodeableConcept) ?? null;
}

function testResult(observation: Resource, code: Coding): TestResult {
  const quantity = obj(observation.valueQuantity);
  const range = objects(observation.referenceRange)[0];
  const low = num(obj(range?.low)?.value);
  const high = num(obj(range?.high)?.value);
  const rangeText = str(range?.text);
  const interpretation = obj(observation.interpretation);
  return {
    id: idOf(observation),
    code,
    value: num(quantity?.value) ?? null,
    valueText: valueText(observation),
    unit: str(quantity?.unit) ?? str(quantity?.code) ?? null,
    referenceRange: range && (low !== undefined || high !== undefined || rangeText) ? { low: low ?? null, high: high ?? null, text: rangeText ?? null } : null,
    interpretation: interpretation ? (conceptText(interpretation) ?? str(objects(interpretation.coding)[0]?.code) ?? null) : null,
    comment: str(observation.comment) ?? null,
    components: componentsOf(observation),
  };
}

/** Members of a test group (has-member), or the observation itself when it is a result. */
function leafResults(observation: Resource, ctx: MapContext, depth: number, seen: Set<Resource>): TestResult[] {
  if (seen.has(observation)) return [];
  seen.add(observation);
  const members = objects(observation.related)
    .filter((r) => r.type === 'has-member')
    .map((r) => resolveOrWarn(r.target, ctx, 'test result'))
    .filter((m): m is Resource => m !== undefined && m.resourceType === 'Observation');
  if (members.length > 0 && depth < MAX_GROUP_DEPTH) return members.flatMap((m) => leafResults(m, ctx, depth + 1, seen));
  const code = clinicalCode(observation.code);
  const hasValue =
    observation.valueQuantity !== undefined || observation.valueString !== undefined || observation.valueCodeableConcept !== undefined || observation.component !== undefined;
  return code && (hasValue || observation.comment !== undefined || members.length === 0) ? [testResult(observation, code)] : [];
}

export const investigationMapper: ItemMapper<'INVESTIGATIONS'> = {
  types: ['DiagnosticReport'],
  map(report, ctx): Investigation | null {
    const results = objects(report.result)
      .map((ref) => resolveOrWarn(ref, ctx, 'test result'))
      .filter((o): o is Resource => o !== undefined && o.resourceType === 'Observation');
    const reportCode = clinicalCode(report.code);
    const request = resolveOrWarn(objects(report.basedOn)[0], ctx, 'test request');
    // Name the investigation by its single test group, else the request, else the report's own code.
    const groupCode = results.length === 1 && objects(results[0]?.related).some((r) => r.type === 'has-member') ? clinicalCode(results[0]?.code) : null;
    const code = reportCode && reportCode.code !== GENERIC_REPORT_CODE ? reportCode : (groupCode ?? clinicalCode(request?.code) ?? reportCode);
    if (!code) return null;
    const specimen = ctx.index.resolve(objects(report.specimen)[0], ctx.list);
    const seen = new Set<Resource>();
    return {
      id: idOf(report),
      date: firstDate(report.effectiveDateTime, report.effectivePeriod, obj(specimen?.collection)?.collectedDateTime, report.issued),
      code,
      status: str(report.status) ?? null,
      specimen: conceptText(specimen?.type),
      issuedDate: fhirDate(report.issued),
      performer: personOrWarn(obj(objects(report.performer)[0]?.actor), ctx, 'performing organisation'),
      requester: personOrWarn(obj(obj(request?.requester)?.agent), ctx, 'requester'),
      clinicalIndication: clinicalCode(objects(request?.reasonCode)[0]),
      results: results.flatMap((o) => leafResults(o, ctx, 0, seen)),
    };
  },
};
