// A small typed client: pass a generated document and its variables, get typed data back.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface ClientOptions {
  /** The API's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  /** A bearer token, or a function that returns a fresh one for each request. */
  token?: string | (() => string | Promise<string>);
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

export interface GraphQLErrorBody {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

/** The API refused the request or a field failed; `errors` carry stable `extensions.code`s. */
export class GraphQLRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: GraphQLErrorBody[],
    readonly extensions?: Record<string, unknown>,
  ) {
    super(errors.map((e) => (e.extensions?.code ? `${e.extensions.code}: ${e.message}` : e.message)).join('; ') || `HTTP ${status}`);
    this.name = 'GraphQLRequestError';
  }

  get codes(): string[] {
    return this.errors.map((e) => e.extensions?.code ?? 'UNKNOWN');
  }
}

export interface Client {
  request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    ...variables: TVariables extends Record<string, never> ? [] : [TVariables]
  ): Promise<TData>;
}

export function createClient(options: ClientOptions): Client {
  const doFetch = options.fetch ?? fetch;
  const printed = new WeakMap<object, string>();
  return {
    async request(document, ...rest) {
      let query = printed.get(document);
      if (!query) printed.set(document, (query = print(document)));
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      const response = await doFetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables: rest[0] ?? {} }),
      });
      const body = (await response.json().catch(() => null)) as {
        data?: unknown;
        errors?: GraphQLErrorBody[];
        extensions?: Record<string, unknown>;
      } | null;
      if (!body) throw new GraphQLRequestError(response.status, [{ message: `HTTP ${response.status} without a JSON body` }]);
      if (body.errors?.length || !body.data) throw new GraphQLRequestError(response.status, body.errors ?? [], body.extensions);
      return body.data as never;
    },
  };
}
