// Journey in a real browser: an app sends a document into a patient's record → a clinician opens
// the practice's review queue, reads it inline and files it → the record shows it filed by them.
// PGlite only (the browser is the slow part; the console's HTTP tests run on both back ends).
import { expect, it } from 'vitest';
import { DOCUMENT_SCOPES, PDF, RECORD, send } from '../../documents/support.js';
import { enabledApps, patientAt } from '../../support/booking.js';
import { describeInBrowser, signIn, journeyEstate } from '../support/browser.js';

describeInBrowser('journey: a clinician files a received document (pglite)', () => {
  const estate = journeyEstate('document-filed');

  it('app sends → clinician reads it in the queue and files it', { timeout: 300_000 }, async () => {
    const { app, url, journey } = estate;
    const [sender] = await enabledApps(app, 1, ['Z91001'], DOCUMENT_SCOPES);
    const nhsNumber = await patientAt(app, 'Z91001');
    const sent = await send(app, sender!.token, { nhsNumber, title: 'Discharge summary from Riverside Hospital', content: PDF });
    expect(sent.__typename).toBe('Document');

    const page = await journey.newPage();
    await signIn(journey, page, url, 'clinician.Z91001', '/console/practice/documents');
    await journey.check(page, 'review-queue');
    await page.getByRole('link', { name: /Discharge summary from Riverside Hospital/ }).first().click();
    await journey.check(page, 'document');
    expect(await page.locator('iframe').getAttribute('title')).toContain('Discharge summary from Riverside Hospital');
    await page.getByRole('button', { name: 'File into the patient’s record' }).click();
    const flash = await page.locator('.console-flash').innerText();
    expect(flash).toContain('is filed into the record of');
    expect(flash).toContain(`${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`);
    await journey.check(page, 'document-filed');

    const clinician = await app.tokenFor('clinician.Z91001');
    const me = await app.gql<{ me: { name: string } }>('{ me { name } }', {}, clinician);
    const record = await app.gql<{ patient: { documents: { id: string; status: string; reviewedBy: string }[] } }>(RECORD, { n: nhsNumber }, clinician);
    const filed = record.data!.patient.documents.find((d) => d.id === sent.id)!;
    expect(filed.status).toBe('FILED');
    expect(filed.reviewedBy).toBe(me.data!.me.name);
  });
});
