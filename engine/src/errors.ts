/**
 * The engine's one error type: a Hasura error code, a safe message, the JSON
 * path Hasura reports and the HTTP status used off /v1/graphql
 * (Hasura contract 4.3, 6.4, 8.2; repo: server/src-lib/Hasura/Base/Error.hs).
 */
export class HasuraError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path = "$",
    readonly status = 400,
    /** Extra `extensions` keys on /v1/graphql. */
    readonly extensions: Record<string, unknown> = {},
    /**
     * When true, `extensions` is the whole of the error's extensions, with no
     * path or code added: an action handler's 4xx `{message, extensions}`
     * reaches the client verbatim (hasura-contract.md 3.4).
     */
    readonly verbatimExtensions = false,
  ) {
    super(message);
    this.name = "HasuraError";
  }
}

export function isHasuraError(value: unknown): value is HasuraError {
  return value instanceof HasuraError;
}

/** `{"errors":[{message, extensions:{path, code}}]}` as /v1/graphql answers (always HTTP 200). */
export interface GraphqlErrorBody {
  errors: Array<{ message: string; extensions: Record<string, unknown> }>;
}

export function graphqlErrorBody(err: HasuraError): GraphqlErrorBody {
  const extensions = err.verbatimExtensions ? err.extensions : { path: err.path, code: err.code, ...err.extensions };
  return { errors: [{ message: err.message, extensions }] };
}

/** `{path, error, code}` as /v1/metadata and the schema APIs answer, with `err.status`. */
export function apiErrorBody(err: HasuraError): { path: string; error: string; code: string; internal?: unknown } {
  // `internal` carries details such as replace_metadata's inconsistent objects (contract 8.2).
  return { path: err.path, error: err.message, code: err.code, ...(err.extensions.internal !== undefined ? { internal: err.extensions.internal } : {}) };
}
