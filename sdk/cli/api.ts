// The CLI's calls to the API: plain GraphQL over HTTP with a bearer token.
export async function graphqlRequest(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => null)) as { data?: Record<string, unknown>; errors?: { message: string }[] } | null;
  if (!body) throw new Error(`HTTP ${response.status} without a JSON body`);
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data ?? {};
}

/** Runs a manifest's input query, binding only the variables it declares. */
export function fetchPluginInput(url: string, token: string, query: string, bindings: Record<string, string>): Promise<Record<string, unknown>> {
  const declared = new Set([...query.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)\s*:/g)].map((m) => m[1]));
  const variables = Object.fromEntries(Object.entries(bindings).filter(([name]) => declared.has(name)));
  return graphqlRequest(url, token, query, variables);
}
