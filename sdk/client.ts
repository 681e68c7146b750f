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
    /** Whatever data the API did return (fields that were allowed), if any. */
    readonly data?: unknown,
    /** Seconds to wait before retrying, when throttled (HTTP 429). */
    readonly retryAfter?: number,
  ) {
    super(errors.map((e) => (e.extensions?.code ? `${e.extensions.code}: ${e.message}` : e.message)).join('; ') || `HTTP ${status}`);
    this.name = 'GraphQLRequestError';
  }

  get codes(): string[] {
    return this.errors.map((e) => e.extensions?.code ?? 'UNKNOWN');
  }
}

/** The whole answer, partial data included: refused fields are null and listed in `errors`. */
export interface ExecutionResult<TData> {
  status: number;
  data: TData | null;
  errors: GraphQLErrorBody[];
  /** e.g. `cost` for supplier apps: the query's cost and the remaining budget. */
  extensions: Record<string, unknown>;
}

export interface Client {
  /** Typed data, or a GraphQLRequestError if anything was refused or failed. */
  request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    ...variables: TVariables extends Record<string, never> ? [] : [TVariables]
  ): Promise<TData>;
  /** The whole answer without throwing for field errors (transport failures still throw). */
  execute<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    ...variables: TVariables extends Record<string, never> ? [] : [TVariables]
  ): Promise<ExecutionResult<TData>>;
}

export function createClient(options: ClientOptions): Client {
  const doFetch = options.fetch ?? fetch;
  const printed = new WeakMap<object, string>();
  async function execute(document: TypedDocumentNode<unknown, Record<string, unknown>>, variables: Record<string, unknown> | undefined) {
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
      body: JSON.stringify({ query, variables: variables ?? {} }),
    });
    const body = (await response.json().catch(() => null)) as { data?: unknown; errors?: GraphQLErrorBody[]; extensions?: Record<string, unknown> } | null;
    if (!body) throw new GraphQLRequestError(response.status, [{ message: `HTTP ${response.status} without a JSON body` }]);
    const retryAfter = Number(response.headers.get('retry-after')) || undefined;
    return { status: response.status, data: body.data ?? null, errors: body.errors ?? [], extensions: body.extensions ?? {}, retryAfter };
  }

  return {
    async request(document, ...rest) {
      const result = await execute(document as never, rest[0]);
      if (result.errors.length || !result.data) {
        throw new GraphQLRequestError(result.status, result.errors, result.extensions, result.data ?? undefined, result.retryAfter);
      }
      return result.data as never;
    },
    async execute(document, ...rest) {
      const { retryAfter: _retryAfter, ...result } = await execute(document as never, rest[0]);
      return result as never;
    },
  };
}
