// Immunization (CareConnect-GPC-Immunization-1) -> Immunisation; Observations in the immunisations
// List (consent or dissent to immunisation, sent while includeStatus is true) -> section-level
// assertions, so they are shown and never make the section look empty.
import type { Immunisation } from '../../domain/clinical-record.js';
import type { RecordAssertion } from '../../domain/sections.js';
import { codingOf, extension, fhirDate, firstDate, notesOf, num, obj, objects, str, typeOf } from './fhir.js';
import { clinicalCode, idOf, quantityOf, resolveOrWarn, type ItemMapper } from './map-context.js';

const isNullFlavor = (system: string) => /NullFlavor/i.test(system);

export const immunisationMapper: ItemMapper<'IMMUNISATIONS'> = {
  types: ['Immunization'],
  assertion(resource): RecordAssertion | null {
    if (typeOf(resource) !== 'Observation') return null;
    const code = clinicalCode(resource.code);
    if (!code) return null;
    return {
      id: idOf(resource),
      kind: 'IMMUNISATION_STATUS',
      code,
      date: firstDate(resource.effectiveDateTime, resource.effectivePeriod, resource.issued),
      note: str(resource.comment) ?? notesOf(resource),
    };
  },
  map(immunization, ctx): Immunisation | null {
    // GP Connect records the clinical term in the vaccination-procedure extension and sends the
    // product in vaccineCode, often as the "UNK" null flavour; then the procedure names the vaccine.
    const product = clinicalCode(immunization.vaccineCode);
    const procedure = clinicalCode(extension(immunization, 'VaccinationProcedure')?.valueCodeableConcept);
    const vaccine = product && !isNullFlavor(product.system) ? product : (procedure ?? product);
    if (!vaccine) return null;
    const protocol = objects(immunization.vaccinationProtocol)[0];
    const explanation = obj(immunization.explanation);
    // The published profile names it notGivenReason; some guidance pages say reasonNotGiven.
    const notGivenReason = objects(explanation?.notGivenReason)[0] ?? objects(explanation?.reasonNotGiven)[0];
    const manufacturerRef = obj(immunization.manufacturer);
    const manufacturer = resolveOrWarn(manufacturerRef, ctx, 'manufacturer');
    return {
      id: idOf(immunization),
      vaccine,
      procedure,
      date: fhirDate(immunization.date),
      given: immunization.notGiven !== true,
      doseSequence: num(protocol?.doseSequence) ?? null,
      seriesDoses: num(protocol?.seriesDoses) ?? null,
      reasonNotGiven: codingOf(notGivenReason),
      batchNumber: str(immunization.lotNumber) ?? null,
      expiryDate: fhirDate(immunization.expirationDate),
      manufacturer: str(manufacturer?.name) ?? str(manufacturerRef?.display) ?? null,
      site: clinicalCode(immunization.site),
      route: clinicalCode(immunization.route),
      dose: quantityOf(immunization.doseQuantity),
      note: notesOf(immunization),
    };
  },
};
