// Requested query cost against the real schema: what a supplier app is charged before execution.
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  COST_DEFAULT_PAGE_SIZE,
  COST_MAX_PAGE_SIZE,
  INTROSPECTION_COST,
  SCHEMA_INTROSPECTION_COST,
  queryCost,
} from '../server/rate-limit/query-cost.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../server/graphql/schema/pagination.js';
import { baseSchema } from '../server/graphql/schema.js';

const cost = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  queryCost({ schema: baseSchema, document: parse(query), variables, operationName });

describe('query cost', () => {
  it('charges objects 1 and scalars, enums and __typename nothing', () => {
    expect(cost('{ __typename }')).toBe(0);
    expect(cost('{ clinicalSystems { id name supplier } }')).toBe(1);
    // clinicalSystems 1 + capabilities 1 + throttle 1: plain lists are charged once, not per item
    expect(cost('{ clinicalSystems { id capabilities { area support throttle { requests perSeconds } } } }')).toBe(3);
  });

  it('charges each alias separately, since each one executes', () => {
    expect(cost('{ a: clinicalSystems { id } b: clinicalSystems { name } }')).toBe(2);
    expect(cost('{ clinicalSystems { id } clinicalSystems { name } }')).toBe(1);
  });

  it('charges a record query by the sections it asks for', () => {
    const query = `query Record($nhs: String!) {
      patient(nhsNumber: $nhs) {
        __typename
        ... on Error { code message }
        ... on Patient {
          nhsNumber givenName
          practice { odsCode system { id } }
          allergies(includeResolved: true) { status warnings { code } items { id code { code display } reactions { severity } } }
          medications { status items { id medication { display } issues { issueDate } } }
        }
      }
    }`;
    // patient 1 + practice 2 + allergies (section, warnings, items, code, reactions) 5 + medications (section, items, medication, issues) 4
    expect(cost(query, { nhs: '9990000018' })).toBe(12);
  });

  it('multiplies a connection by first (default 20), capped at the page size the API serves', () => {
    expect(COST_DEFAULT_PAGE_SIZE).toBe(DEFAULT_PAGE_SIZE);
    expect(COST_MAX_PAGE_SIZE).toBe(MAX_PAGE_SIZE);
    expect(cost('{ practices { edges { cursor node { odsCode name } } } }')).toBe(2 + 20 * 1);
    expect(cost('{ practices(first: 5) { edges { node { odsCode } } pageInfo { hasNextPage } } }')).toBe(2 + 5 * 1 + 1);
    expect(cost('{ practices(last: 30) { edges { node { odsCode } } } }')).toBe(2 + 30);
    expect(cost('{ practices(first: 1000) { edges { node { odsCode } } } }')).toBe(2 + 100);
    expect(cost('{ practices(first: 0) { pageInfo { hasNextPage } } }')).toBe(2 + 1);
  });

  it('reads first from variables, falling back to the default when unset', () => {
    const query = 'query Page($n: Int) { practices(first: $n) { edges { node { odsCode } } } }';
    expect(cost(query, { n: 7 })).toBe(2 + 7);
    expect(cost(query, {})).toBe(2 + 20);
    expect(cost('query Page($n: Int = 3) { practices(first: $n) { edges { node { odsCode } } } }')).toBe(2 + 3);
  });

  it('multiplies nested connections and their sections: 50 practices × 10 patients is more than a bucket', () => {
    const query = `{
      practices(first: 50) {
        pageInfo { hasNextPage endCursor }
        edges { cursor node { odsCode system { name } patients(first: 10) { edges { node { nhsNumber problems { items { id code { code } } } } } } } }
      }
    }`;
    const patient = 1 + (1 + 1 + 1); // node + problems section, items, code
    const practice = 1 + 1 + (2 + 10 * patient); // node + system + patients connection
    expect(cost(query)).toBe(2 + 50 * practice + 1);
    expect(cost(query)).toBe(2203);
  });

  it('counts fragments and inline fragments where they apply, merging repeated fields', () => {
    const query = `
      fragment Allergies on Patient { allergies { items { id } } }
      fragment Result on PatientResult { ... on Patient { nhsNumber ...Allergies } ... on PatientNotFound { code } }
      query { patient(nhsNumber: "9990000018") { ...Result ... on Patient { ...Allergies problems { items { id } } } } }
    `;
    // patient 1 + allergies 2 (selected twice, executed once) + problems 2
    expect(cost(query)).toBe(5);
  });

  it('charges a union as its most expensive member', () => {
    expect(cost('{ patient(nhsNumber: "1") { ... on Patient { nhsNumber } ... on PatientNotFound { code } } }')).toBe(1);
    const appointments = `{ patient(nhsNumber: "1") { ... on Patient {
      appointments { ... on AppointmentList { appointments { id start } } ... on ClinicalSystemError { code } ... on Error { message } }
    } } }`;
    expect(cost(appointments)).toBe(1 + 1 + 1);
    const practice = `{ practice(odsCode: "A81001") {
      ... on Practice { patients(first: 5) { edges { node { nhsNumber allergies { status } } } } }
      ... on PracticeNotFound { message }
    } }`;
    expect(cost(practice)).toBe(1 + 2 + 5 * (1 + 1));
  });

  it('honours @skip and @include', () => {
    const query = 'query Q($skip: Boolean!) { clinicalSystems @skip(if: $skip) { id } practices @include(if: true) { edges { node { name } } } }';
    expect(cost(query, { skip: true })).toBe(22);
    expect(cost(query, { skip: false })).toBe(23);
  });

  it('charges __schema as the whole schema, whatever is selected or aliased, and __type a small amount', () => {
    expect(cost('{ __schema { types { name fields { name type { name ofType { name } } } } } }')).toBe(SCHEMA_INTROSPECTION_COST);
    expect(cost('{ __schema { queryType { name } } }')).toBe(SCHEMA_INTROSPECTION_COST);
    expect(cost('{ a: __schema { queryType { name } } b: __schema { queryType { name } } }')).toBe(2 * SCHEMA_INTROSPECTION_COST);
    expect(cost('{ __type(name: "Patient") { name } clinicalSystems { id } }')).toBe(INTROSPECTION_COST + 1);
  });

  it('costs the operation that runs, and nothing when none can be chosen', () => {
    const doc = 'query A { clinicalSystems { id } } query B { practices(first: 2) { edges { node { name } } } }';
    expect(cost(doc, {}, 'A')).toBe(1);
    expect(cost(doc, {}, 'B')).toBe(4);
    expect(cost(doc)).toBe(0);
  });

  it('gives a document parsed once the same costs as a fresh parse, whatever the variables of each request', () => {
    // The server reuses one parsed document per query text, and its costs are remembered per document.
    const query = `query Q($n: Int, $more: Boolean!, $nhs: String) {
      practices(first: $n) { edges { node { name } } }
      clinicalSystems @include(if: $more) { id capabilities @skip(if: $more) { area } }
      patient(nhsNumber: $nhs) { __typename }
    }`;
    const document = parse(query);
    const requests: Array<Record<string, unknown> | undefined> = [
      { n: 5, more: false }, { n: 5, more: true, nhs: '9990000018' }, { n: 7, more: false, nhs: '9990000026' }, { n: 5, more: false, nhs: 'x' },
      {}, { n: null, more: true }, { n: 'not a number', more: true }, undefined, { n: 7, more: false }, { more: true },
    ];
    for (const variables of requests) {
      expect(queryCost({ schema: baseSchema, document, variables, operationName: 'Q' }), JSON.stringify(variables)).toBe(cost(query, variables, 'Q'));
      expect(queryCost({ schema: baseSchema, document, variables }), JSON.stringify(variables)).toBe(cost(query, variables));
    }
    expect(queryCost({ schema: baseSchema, document, variables: { n: 5, more: false } })).toBe(2 + 5 + 1);
    expect(queryCost({ schema: baseSchema, document, variables: { n: 7, more: true } })).toBe(2 + 7 + 1 + 1);
  });

  it('charges each mutation field 10 on top of what it returns', () => {
    const schema = buildSchema(`
      type Query { ping: Boolean }
      type Booking { id: ID! slot: Slot }
      type Slot { id: ID! }
      type Mutation { book(slot: ID!): Booking }
    `);
    expect(queryCost({ schema, document: parse('mutation { book(slot: "s") { id slot { id } } }') })).toBe(10 + 1 + 1);
  });
});
