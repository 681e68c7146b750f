// What input the platform accepts as text, whichever door it comes through (GraphQL variables and
// literals, the token endpoint's form, the development issuer's query). PostgreSQL refuses NUL in
// text and unpaired surrogates in jsonb, other control characters have no business in any field,
// and deeply nested JSON is a recursion bomb for whatever walks it next. Refusing them at the
// door turns what would be a database error into a typed answer.

/** NUL and other C0 controls except tab, newline and carriage return; DEL; unpaired surrogates. */
const UNSAFE_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Nesting deeper than this in any JSON input is refused (the deepest real input, a JWKS, is 3). */
export const MAX_INPUT_DEPTH = 32;

export type InputProblem = 'UNSAFE_TEXT' | 'TOO_DEEP';

export function hasUnsafeText(text: string): boolean {
  return UNSAFE_TEXT.test(text);
}

export function describeInputProblem(problem: InputProblem): string {
  return problem === 'UNSAFE_TEXT'
    ? 'Input contains characters that are not allowed (NUL, control characters or unpaired UTF-16 surrogates).'
    : `Input is nested more than ${MAX_INPUT_DEPTH} levels deep.`;
}

/**
 * The first problem anywhere in a JSON-like value (keys included), or null. Iterative, so a value
 * nested a million levels deep is refused without using a million stack frames.
 */
export function inputProblem(value: unknown, maxDepth = MAX_INPUT_DEPTH): InputProblem | null {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (hasUnsafeText(current)) return 'UNSAFE_TEXT';
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return 'TOO_DEEP';
    if (Array.isArray(current)) {
      for (const item of current) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      if (hasUnsafeText(key)) return 'UNSAFE_TEXT';
      stack.push({ value: item, depth: depth + 1 });
    }
  }
  return null;
}
